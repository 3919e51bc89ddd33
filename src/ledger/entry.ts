/**
 * The leaf entry: what the public log says happened to a label or a referential.
 *
 *   { v: 1, type, at, subject, digest, data? }
 *
 * serialised as RFC 8785 (JCS) canonical JSON in UTF-8. Canonical bytes matter because the leaf hash
 * is computed over them: anyone who holds the entry as a JSON value must be able to recompute the
 * exact leaf. For the same reason decodeEntry refuses bytes that are valid JSON but not canonical
 * (other key order, whitespace, duplicate keys, escapes): such bytes would be a second leaf for the
 * same entry.
 *
 * The log carries digests, not documents: `digest` is the SHA-256 of the credential or referential
 * published elsewhere, and entries are capped in size (transparency logs are not document stores).
 */
import canonicalize from 'canonicalize';
import { fromUtf8, hasLoneSurrogate, utf8 } from './encoding.js';
import { LedgerError } from './errors.js';
import { leafHash } from './hash.js';

export const ENTRY_TYPES = [
  'label.issued',
  'label.suspended',
  'label.reinstated',
  'label.revoked',
  'referential.published',
] as const;

export type EntryType = (typeof ENTRY_TYPES)[number];

export interface LedgerEntry {
  v: 1;
  type: EntryType;
  /** When it happened: RFC 3339 UTC, e.g. `2025-03-01T10:00:00.000Z` (Date#toISOString output). */
  at: string;
  /** Label id, or `<referential id>@<version>` for referential.published. */
  subject: string;
  /** Lowercase hex SHA-256 of the credential or referential the entry is about. */
  digest: string;
  /** Extra facts (JSON only), e.g. a reason for a suspension. */
  data?: Record<string, unknown>;
}

/** Encoded entries above this size are refused: log digests, not evidence. */
export const MAX_ENTRY_BYTES = 16 * 1024;
const MAX_DEPTH = 16;
const KEYS = new Set(['v', 'type', 'at', 'subject', 'digest', 'data']);

function bad(path: string, message: string): never {
  throw new LedgerError('bad entry', `${path}: ${message}`);
}

const RFC3339_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;

function checkTimestamp(at: unknown): void {
  if (typeof at !== 'string') bad('$.at', 'must be a string');
  const m = RFC3339_UTC.exec(at);
  if (m === null)
    bad('$.at', `${JSON.stringify(at)} is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.fff]Z)`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    bad('$.at', `${JSON.stringify(at)} is not a valid date and time`);
  }
}

function checkSubject(type: EntryType, subject: unknown): void {
  if (typeof subject !== 'string') bad('$.subject', 'must be a string');
  if (subject.length === 0 || subject.length > 256) bad('$.subject', 'must be 1 to 256 characters');
  if (/[\s\p{Cc}\p{Cs}]/u.test(subject)) bad('$.subject', 'must not contain spaces or control characters');
  if (type === 'referential.published') {
    if (!/^[^@]+@[^@]+$/.test(subject))
      bad('$.subject', `${JSON.stringify(subject)} is not <referential id>@<version>`);
  } else if (subject.includes('@')) {
    bad('$.subject', `a label id must not contain '@' (that form names a referential version)`);
  }
}

/** Only values JSON (and so RFC 8785) represents exactly: no undefined, functions, NaN, Dates, Maps... */
function checkJson(value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) bad(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) bad(path, 'numbers must be finite');
    return;
  }
  if (typeof value === 'string') {
    if (hasLoneSurrogate(value)) bad(path, 'strings must not contain unpaired surrogates');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkJson(v, `${path}[${i}]`, depth + 1);
    });
    return;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) bad(path, 'objects must be plain JSON objects');
    for (const [k, v] of Object.entries(value)) {
      if (hasLoneSurrogate(k)) bad(path, 'keys must not contain unpaired surrogates');
      checkJson(v, `${path}[${JSON.stringify(k)}]`, depth + 1);
    }
    return;
  }
  bad(path, `${typeof value} is not a JSON value`);
}

/** Validates an entry value; throws LedgerError('bad entry') naming the field. */
export function validateEntry(entry: unknown): asserts entry is LedgerEntry {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
    bad('$', 'an entry is a JSON object');
  const e = entry as Record<string, unknown>;
  for (const key of Object.keys(e)) if (!KEYS.has(key)) bad(`$.${key}`, 'unknown field');
  if (e.v !== 1) bad('$.v', `unsupported version ${JSON.stringify(e.v)}, want 1`);
  if (!ENTRY_TYPES.includes(e.type as EntryType)) bad('$.type', `must be one of ${ENTRY_TYPES.join(', ')}`);
  checkTimestamp(e.at);
  checkSubject(e.type as EntryType, e.subject);
  if (typeof e.digest !== 'string' || !/^[0-9a-f]{64}$/.test(e.digest))
    bad('$.digest', 'must be 64 lowercase hex digits (SHA-256)');
  if ('data' in e) {
    const d = e.data;
    if (d === null || typeof d !== 'object' || Array.isArray(d)) bad('$.data', 'must be an object');
    checkJson(d, '$.data', 1);
  }
}

/** Validates the entry and returns its canonical (RFC 8785) UTF-8 bytes: the log's leaf data. */
export function encodeEntry(entry: LedgerEntry): Uint8Array {
  validateEntry(entry);
  const bytes = utf8(canonicalize(entry)!);
  if (bytes.byteLength > MAX_ENTRY_BYTES)
    bad('$', `encoded entry is ${bytes.byteLength} bytes, at most ${MAX_ENTRY_BYTES}`);
  return bytes;
}

/** Decodes and validates leaf data; refuses anything but the canonical encoding of a valid entry. */
export function decodeEntry(bytes: Uint8Array): LedgerEntry {
  if (bytes.byteLength > MAX_ENTRY_BYTES)
    bad('$', `entry is ${bytes.byteLength} bytes, at most ${MAX_ENTRY_BYTES}`);
  const text = fromUtf8(bytes);
  if (text === undefined) bad('$', 'entry is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    bad('$', `entry is not JSON (${(err as Error).message})`);
  }
  validateEntry(value);
  if (canonicalize(value) !== text) {
    bad('$', 'entry is not in RFC 8785 canonical form (key order, whitespace, number or string spelling)');
  }
  return value;
}

/**
 * The RFC 9162 leaf hash of an entry: SHA-256(0x00 ‖ canonical JSON). Given bytes (an entry as stored
 * in or served by the log), hashes them as they are: the leaf is defined by its bytes, and checking
 * that they are a valid entry is decodeEntry's job.
 */
export function entryLeafHash(entry: LedgerEntry | Uint8Array): Uint8Array {
  return leafHash(entry instanceof Uint8Array ? entry : encodeEntry(entry));
}
