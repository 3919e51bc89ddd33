/**
 * Compact JWS (RFC 7515) with Ed25519.
 *
 * Signing is assembled by hand: jose only signs with a key object it holds, while our private keys stay
 * behind a KeyProvider (file, HSM, KMS) that exposes nothing but a raw `sign(kid, bytes)`. The compact form
 * is simple (BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature), the signature being over
 * the ASCII of the first two parts), so this is a few lines, not a JOSE implementation.
 *
 * Verification, on the other hand, ALWAYS goes through jose (`compactVerify` with `algorithms: ['EdDSA']`),
 * so algorithm confusion, `alg: none`, `crit` handling and signature checks rest on a maintained library.
 */
import { type CompactVerifyResult, type CryptoKey, compactVerify, importJWK } from 'jose';
import { SIGNING_ALG } from './constants.js';
import { base64urlEncode } from './encoding.js';
import type { KeyProvider } from './keys.js';
import type { Ed25519PublicJwk } from './types.js';

export interface JwsHeader {
  alg: 'EdDSA';
  kid: string;
  typ?: string;
  cty?: string;
}

/** Raw signer: the KeyProvider's `sign`, bound to one kid. */
export type RawSigner = (signingInput: Uint8Array) => Promise<Uint8Array>;

const ED25519_SIGNATURE_LENGTH = 64;

export async function signCompact(
  header: JwsHeader,
  payload: Uint8Array | string,
  signer: RawSigner,
): Promise<string> {
  if (header.alg !== SIGNING_ALG) throw new TypeError(`only ${SIGNING_ALG} is supported`);
  const signingInput = `${base64urlEncode(JSON.stringify(header))}.${base64urlEncode(payload)}`;
  const signature = await signer(Buffer.from(signingInput, 'ascii'));
  if (signature.length !== ED25519_SIGNATURE_LENGTH) {
    throw new Error(
      `signer returned ${signature.length} bytes, an Ed25519 signature is ${ED25519_SIGNATURE_LENGTH}`,
    );
  }
  return `${signingInput}.${base64urlEncode(signature)}`;
}

/** Signs a JSON payload with the provider's active key; `kid` in the header is `${did}#${kid}`. */
export function signJsonWithProvider(
  payload: unknown,
  did: string,
  provider: KeyProvider,
  header: { typ?: string; cty?: string } = {},
): Promise<string> {
  const active = provider.activeKey();
  return signCompact(
    { alg: SIGNING_ALG, kid: `${did}#${active.kid}`, ...header },
    JSON.stringify(payload),
    (input) => provider.sign(active.kid, input),
  );
}

export function importVerificationKey(jwk: Ed25519PublicJwk): Promise<CryptoKey> {
  return importJWK(jwk, SIGNING_ALG) as Promise<CryptoKey>;
}

/** jose verification restricted to EdDSA: any other `alg` (none, HS256...) is rejected before any crypto. */
export function verifyCompact(token: string, key: CryptoKey): Promise<CompactVerifyResult> {
  return compactVerify(token, key, { algorithms: [SIGNING_ALG] });
}
