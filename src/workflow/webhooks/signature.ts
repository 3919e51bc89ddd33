/**
 * Webhook signatures, Stripe-style: `x-confiance-signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `"<t>.<raw body>"` with the webhook's secret. Signing the timestamp with the body lets a receiver refuse
 * replays (an old, genuine request sent again) by checking that `t` is recent.
 *
 * This module depends on nothing but node:crypto so a relying party can copy or import it on its own.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-confiance-signature';
/** Five minutes: enough for clock skew and a slow network, short enough to make replays useless. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signaturePayload(timestamp: number, body: string): string {
  return `${timestamp}.${body}`;
}

/** The hex HMAC-SHA256 of `"<t>.<body>"`. */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(signaturePayload(timestamp, body), 'utf8').digest('hex');
}

/** The header value for a body sent at `now`. */
export function signatureHeader(secret: string, body: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${computeSignature(secret, t, body)}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed' | 'stale' | 'mismatch'; message: string };

/**
 * Checks a signature header against the raw body (the exact bytes received, before any JSON parsing).
 * Several `v1=` entries are accepted, one of which must match: that is how a secret can be rotated
 * without a window where receivers reject genuine requests. Timestamps too far in the past or the future
 * are refused.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  body: string,
  now: Date,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'malformed', message: 'no signature header' };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || candidates.length === 0) {
    return { ok: false, reason: 'malformed', message: 'expected "t=<unix seconds>,v1=<hex>"' };
  }
  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (Math.abs(age) > toleranceSeconds) {
    return {
      ok: false,
      reason: 'stale',
      message: `timestamp is ${age} s from now (tolerance ${toleranceSeconds} s)`,
    };
  }
  const expected = Buffer.from(computeSignature(secret, timestamp, body), 'hex');
  // Constant-time comparison: an attacker must not learn how many leading bytes were right.
  const match = candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch', message: 'no signature matches' };
}
