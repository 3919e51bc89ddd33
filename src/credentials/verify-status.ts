/**
 * Status lists on the verifier side. Each supplied list is authenticated once (signature, issuer, key,
 * shape, bounded decompression) and the outcome cached per (DID document, SHA-256 of the token): verifying
 * two status-list signatures on every label check would halve the verifier's rate. What stays live on every
 * call is what depends on the call: the validity window against `now` and the bit for the label's index.
 */
import { StatusBitstring, StatusListError } from './bitstring.js';
import {
  SIGNING_ALG,
  STATUS_LIST_CREDENTIAL_TYPE,
  STATUS_LIST_SUBJECT_TYPE,
  VC_V2_CONTEXT,
} from './constants.js';
import { parseDateTimeStamp, sha256Hex } from './encoding.js';
import { verifyCompact } from './jws.js';
import type { BitstringStatusListEntry, DidDocument, StatusPurpose } from './types.js';
import { keyFor } from './verify-keys.js';
import { Issue, issue } from './verify-report.js';
import { hasJwsAlphabet, issuerId, parseCompactJws } from './verify-token.js';

interface TrustedList {
  ok: true;
  id: string;
  purposes: readonly string[];
  validFrom: number;
  validUntil: number | undefined;
  bitstring: StatusBitstring;
}
interface RejectedList {
  ok: false;
  /** Known when the payload could be read, so the failure can be tied to the entry that needs the list. */
  id: string | undefined;
  issue: Issue;
}
export type ListAnalysis = TrustedList | RejectedList;

/** A status list with random bits set compresses badly; 1 MiB of token is still far above 16 KiB of bits. */
const MAX_STATUS_LIST_TOKEN = 1024 * 1024;
const MAX_CACHED_LISTS_PER_DOCUMENT = 256;

interface CacheEntry {
  pending: Promise<ListAnalysis>;
  /** Set once settled: cached lists are then read without any await. */
  done?: ListAnalysis;
}

const cache = new WeakMap<DidDocument, Map<string, CacheEntry>>();

/**
 * Authenticates a status list token against the issuer's DID document (cached). Never throws. Returns the
 * analysis itself when it is cached, a promise the first time.
 */
export function analyseStatusList(token: string, doc: DidDocument): ListAnalysis | Promise<ListAnalysis> {
  let perDoc = cache.get(doc);
  if (!perDoc) {
    perDoc = new Map();
    cache.set(doc, perDoc);
  }
  const digest = typeof token === 'string' ? sha256Hex(token) : '';
  const hit = perDoc.get(digest);
  if (hit) return hit.done ?? hit.pending;
  const entry: CacheEntry = { pending: analyse(token, doc) };
  entry.pending.then((done) => {
    entry.done = done;
  });
  if (perDoc.size >= MAX_CACHED_LISTS_PER_DOCUMENT) perDoc.delete(perDoc.keys().next().value!);
  perDoc.set(digest, entry);
  return entry.pending;
}

/**
 * Front of the cache for the usual relying party, who loads a set of lists once and verifies many labels
 * with it: when the same tokens come again (compared with ===, no hashing), the previous analyses are
 * reused as they are. One entry per DID document; any other set goes through the digest cache.
 */
const lastSet = new WeakMap<DidDocument, { tokens: readonly string[]; analyses: ListAnalysis[] }>();

function sameTokens(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function analyseStatusLists(
  tokens: readonly string[],
  doc: DidDocument,
): ListAnalysis[] | Promise<ListAnalysis[]> {
  const last = lastSet.get(doc);
  if (last && sameTokens(last.tokens, tokens)) {
    return last.analyses;
  }
  const analyses = tokens.map((t) => analyseStatusList(t, doc));
  const remember = (done: ListAnalysis[]) => {
    lastSet.set(doc, { tokens: [...tokens], analyses: done });
    return done;
  };
  return analyses.some((a) => a instanceof Promise)
    ? Promise.all(analyses).then(remember)
    : remember(analyses as ListAnalysis[]);
}

async function analyse(token: string, doc: DidDocument): Promise<ListAnalysis> {
  try {
    return await analyseUnsafe(token, doc);
  } catch {
    // Defensive: a hostile DID document or payload shape must not turn into an exception for the caller.
    return reject(undefined, 'malformed', 'status-list.malformed', 'A status list could not be processed.');
  }
}

async function analyseUnsafe(token: string, doc: DidDocument): Promise<ListAnalysis> {
  const parsed = parseCompactJws(token, MAX_STATUS_LIST_TOKEN);
  if (parsed instanceof Issue)
    return reject(
      undefined,
      'malformed',
      'status-list.malformed',
      `A status list is unreadable: ${lower(parsed.reason)}`,
    );
  const { payload, header, kid } = parsed;
  const id = typeof payload.id === 'string' ? payload.id : undefined;
  const name = `The status list ${id ?? '(without id)'}`;
  const subject = payload.credentialSubject as Record<string, unknown> | undefined;
  const type = payload.type;
  const context = payload['@context'];
  if (
    id === undefined ||
    !Array.isArray(context) ||
    context[0] !== VC_V2_CONTEXT ||
    !Array.isArray(type) ||
    !type.includes(STATUS_LIST_CREDENTIAL_TYPE) ||
    subject?.type !== STATUS_LIST_SUBJECT_TYPE ||
    typeof subject.encodedList !== 'string'
  ) {
    return reject(
      id,
      'malformed',
      'status-list.malformed',
      `${name} is not a BitstringStatusListCredential.`,
    );
  }
  const purposes = Array.isArray(subject.statusPurpose) ? subject.statusPurpose : [subject.statusPurpose];
  if (!purposes.every((p) => typeof p === 'string')) {
    return reject(id, 'malformed', 'status-list.malformed', `${name} has an invalid statusPurpose.`);
  }
  const validFrom = parseDateTimeStamp(payload.validFrom);
  const validUntil = payload.validUntil === undefined ? undefined : parseDateTimeStamp(payload.validUntil);
  if (Number.isNaN(validFrom) || Number.isNaN(validUntil)) {
    return reject(id, 'malformed', 'status-list.malformed', `${name} has an invalid validity period.`);
  }
  const issuer = issuerId(payload);
  if (issuer !== doc.id || kid.did !== doc.id) {
    return reject(
      id,
      'unknown-issuer',
      'status-list.other-issuer',
      `${name} is not issued and signed by ${doc.id}.`,
    );
  }
  const key = keyFor(doc, kid.id);
  if (!key) {
    return reject(
      id,
      'unknown-key',
      'status-list.unknown-key',
      `${name} is signed with a key absent from the DID document.`,
    );
  }
  const retiredAt = key.resolved.retiredAt === undefined ? undefined : Date.parse(key.resolved.retiredAt);
  if (retiredAt !== undefined && validFrom > retiredAt) {
    return reject(
      id,
      'unknown-key',
      'status-list.unknown-key',
      `${name} is signed with a key retired before its issuance.`,
    );
  }
  try {
    if (header.alg !== SIGNING_ALG) throw new Error('alg');
    await verifyCompact(token, key.ready ?? (await key.key));
  } catch {
    if (!hasJwsAlphabet(token)) {
      return reject(
        id,
        'malformed',
        'status-list.malformed',
        `${name} contains characters outside base64url.`,
      );
    }
    return reject(id, 'bad-signature', 'status-list.bad-signature', `${name} has an invalid signature.`);
  }
  try {
    const bitstring = StatusBitstring.decode(subject.encodedList);
    return { ok: true, id, purposes, validFrom, validUntil, bitstring };
  } catch (error) {
    const why = error instanceof StatusListError ? error.message : 'undecodable';
    return reject(id, 'malformed', 'status-list.malformed', `${name} cannot be decoded (${why}).`);
  }
}

function reject(
  id: string | undefined,
  status: Issue['status'],
  code: Issue['code'],
  reason: string,
): RejectedList {
  return { ok: false, id, issue: issue(status, code, reason) };
}

function lower(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

export interface StatusCheck {
  index: number | null;
  list: string | null;
  /** true: bit set; false: bit clear; null: not checked or no usable list. */
  set: boolean | null;
}

/**
 * Resolves one credentialStatus entry against the analysed lists. Fails closed: when lists were supplied
 * but none usable matches the entry, the answer carries an issue, never a silent "not revoked".
 */
export function checkEntry(
  purpose: StatusPurpose,
  entry: BitstringStatusListEntry,
  index: number,
  lists: readonly ListAnalysis[],
  now: number,
  toleranceMs: number,
): { check: StatusCheck; issues: Issue[] } {
  const url = entry.statusListCredential;
  const check: StatusCheck = { index, list: url, set: null };
  const issues: Issue[] = [];
  let best: TrustedList | undefined;
  let sameUrl = 0;
  let unreadable: RejectedList | undefined;
  for (const list of lists) {
    if (!list.ok) {
      if (list.id === url) issues.push(list.issue);
      else if (list.id === undefined) unreadable ??= list;
      continue;
    }
    if (list.id !== url) continue;
    sameUrl++;
    if (!list.purposes.includes(purpose)) continue;
    // Several versions of the same list: the most recent one decides.
    if (!best || list.validFrom > best.validFrom) best = list;
  }
  if (issues.length > 0) return { check, issues };
  if (!best) {
    if (sameUrl > 0) {
      issues.push(
        issue(
          'malformed',
          'status-list.purpose-mismatch',
          `The status list ${url} is not a ${purpose} list.`,
        ),
      );
    } else if (unreadable) {
      issues.push(unreadable.issue);
    } else {
      issues.push(
        issue('malformed', 'status-list.missing', `No status list ${url} was supplied to check ${purpose}.`),
      );
    }
    return { check, issues };
  }
  if (index >= best.bitstring.length) {
    issues.push(
      issue(
        'malformed',
        'status-list.index-out-of-range',
        `The ${purpose} index ${index} is outside the status list ${url}.`,
      ),
    );
    return { check, issues };
  }
  check.set = best.bitstring.get(index);
  // The bit is reported even from a stale list: a revocation is final, and precedence puts it first anyway.
  if (check.set) {
    issues.push(
      purpose === 'revocation'
        ? issue('revoked', 'status.revoked', `The label is revoked (bit ${index} of ${url}).`)
        : issue('suspended', 'status.suspended', `The label is suspended (bit ${index} of ${url}).`),
    );
  }
  if (now + toleranceMs < best.validFrom) {
    issues.push(
      issue(
        'not-yet-valid',
        'status-list.not-yet-valid',
        `The ${purpose} status list ${url} is not valid yet.`,
      ),
    );
  }
  if (best.validUntil !== undefined && now - toleranceMs > best.validUntil) {
    issues.push(
      issue(
        'expired',
        'status-list.expired',
        `The ${purpose} status list ${url} has expired; fetch a fresh copy.`,
      ),
    );
  }
  return { check, issues };
}
