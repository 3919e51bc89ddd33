/** Byte and text helpers. Only node:crypto and Buffer, so the offline verifier can use them. */
import { hash } from 'node:crypto';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function base64urlEncode(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString('base64url');
}

/**
 * Strict base64url decoding. Node's decoder silently skips characters outside the alphabet, which would let
 * two different strings decode to the same bytes; we refuse them instead.
 */
export function base64urlDecode(text: string): Uint8Array {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new TypeError('not base64url (no padding)');
  return Buffer.from(text, 'base64url');
}

/** SHA-256 as lower-case hex. `crypto.hash` (Node >= 20.12) is a one-shot, about twice as fast as createHash. */
export function sha256Hex(data: Uint8Array | string): string {
  return hash('sha256', data, 'hex');
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

/** XSD dateTimeStamp without fractional seconds: the form we write, e.g. `2026-11-29T17:23:00Z`. */
export function isoSeconds(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** VC DM 2.0 requires a time zone on validFrom/validUntil (xsd:dateTimeStamp). */
const DATE_TIME_STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or NaN when the string is not an xsd:dateTimeStamp. */
export function parseDateTimeStamp(value: unknown): number {
  if (typeof value !== 'string' || !DATE_TIME_STAMP.test(value)) return Number.NaN;
  return Date.parse(value);
}

/**
 * Credential URLs must be HTTPS so that relying parties fetch them authenticated; plain HTTP is accepted
 * only on loopback hosts, where a developer runs the service on a laptop.
 */
export function isPublishableUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:') return true;
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}
