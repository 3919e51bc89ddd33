/**
 * Signing keys behind an interface, so an HSM or a cloud KMS can replace the file-based provider without
 * touching the issuing code. Ed25519 only: the same keys sign C2SP checkpoint notes, which require it.
 */
import { createPrivateKey, createPublicKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { isoSeconds } from './encoding.js';
import type { Ed25519PublicJwk, KeyInfo } from './types.js';

export type { KeyInfo } from './types.js';

export interface KeyProvider {
  /** The one key that signs new credentials. */
  activeKey(): KeyInfo;
  /** Active and retired keys: everything a DID document must list so that older labels still verify. */
  keys(): KeyInfo[];
  /** Raw Ed25519 signature (64 bytes) over `data`. Rejects any kid that is not the active key. */
  sign(kid: string, data: Uint8Array): Promise<Uint8Array>;
  /** Creates a new active key and retires the previous one (it keeps verifying, it stops signing). */
  rotate(now: Date): Promise<KeyInfo>;
}

/** Source of key seeds; injectable so that tests can be deterministic. */
export type RandomBytes = (size: number) => Uint8Array;

export class KeyNotUsableError extends Error {
  override name = 'KeyNotUsableError';
}

// PKCS#8 DER prefix of an Ed25519 private key (RFC 8410 §7): SEQUENCE, version 0, OID 1.3.101.112,
// OCTET STRING wrapping the 32-byte seed. Lets us build a key from injected randomness.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519FromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function publicJwkOf(privateKey: KeyObject): Ed25519PublicJwk {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new KeyNotUsableError('not an Ed25519 key');
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new KeyNotUsableError('unexpected public JWK for an Ed25519 key');
  }
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

/** kid = RFC 7638 thumbprint: stable, derived from the key itself, never chosen by hand. */
export function jwkThumbprint(jwk: Ed25519PublicJwk): Promise<string> {
  return calculateJwkThumbprint(jwk, 'sha256');
}

export async function keyInfoOf(privateKey: KeyObject, createdAt: Date): Promise<KeyInfo> {
  const publicJwk = publicJwkOf(privateKey);
  return Object.freeze({
    kid: await jwkThumbprint(publicJwk),
    alg: 'EdDSA' as const,
    publicJwk: Object.freeze(publicJwk),
    createdAt: isoSeconds(createdAt),
  });
}

export async function generateKey(
  now: Date,
  random: RandomBytes = randomBytes,
): Promise<{ privateKey: KeyObject; info: KeyInfo }> {
  const privateKey = ed25519FromSeed(random(32));
  return { privateKey, info: await keyInfoOf(privateKey, now) };
}

export function retire(info: KeyInfo, now: Date): KeyInfo {
  return Object.freeze({ ...info, retiredAt: isoSeconds(now) });
}

/** Ed25519 signs the message itself (no pre-hash), hence the `null` digest. */
export function signEd25519(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  return sign(null, data, privateKey);
}

/** Shared guard: only the active key signs; a retired or unknown kid gets a clear error. */
export function assertActive(keys: readonly KeyInfo[], kid: string): KeyInfo {
  const info = keys.find((k) => k.kid === kid);
  if (!info) throw new KeyNotUsableError(`unknown key ${kid}`);
  if (info.retiredAt !== undefined) {
    throw new KeyNotUsableError(`key ${kid} was retired on ${info.retiredAt}; it can no longer sign`);
  }
  return info;
}

export function assertClockForward(active: KeyInfo, now: Date): void {
  if (now.getTime() < Date.parse(active.createdAt)) {
    throw new RangeError(`rotation time ${isoSeconds(now)} is before the active key's creation`);
  }
}
