/**
 * JsonWebSignature2020 proofs of Gaia-X credentials, checked offline against the issuer's DID document.
 *
 * Two signing inputs are in use, both over the URDNA2015 canonical form (RDF Dataset Canonicalization) of
 * the credential without its proof, with a detached JWS whose header says `b64: false`:
 * - `gaia-x`: the payload is the hex SHA-256 of that canonical form (what the Gaia-X 22.10 compliance
 *   service and wizard sign);
 * - `jws-2020`: the W3C CCG suite, SHA-256 of the canonical proof options followed by SHA-256 of the
 *   canonical document.
 * Either verifying is enough. The issuer's X.509 chain and trust anchor (a Gaia-X registry call) are not
 * checked here; the report says so.
 */
import { createHash } from 'node:crypto';
import { FlattenedSign, flattenedVerify, importJWK, type JWK } from 'jose';
import jsonld from 'jsonld';
import { ContextUnavailableError, documentLoader, type Fetcher } from './loader.js';
import { isObject } from './read.js';

export type SignatureStatus = 'verified' | 'invalid' | 'not-checked' | 'unsigned';

export interface SignatureResult {
  status: SignatureStatus;
  variant?: 'gaia-x' | 'jws-2020';
  verificationMethod?: string;
  /** Why the signature is invalid or was not checked. */
  reason?: string;
}

export interface ProofOptions {
  /** DID documents supplied by the caller, by DID. */
  didDocuments?: ReadonlyArray<Record<string, unknown>>;
  /** Set only when the user allows network access: used for did:web documents and unknown contexts. */
  fetcher?: Fetcher;
}

export async function verifyCredentialProof(
  credential: Record<string, unknown>,
  options: ProofOptions,
): Promise<SignatureResult> {
  const proof = credential.proof;
  if (!isObject(proof)) return { status: 'unsigned' };
  const vm = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : undefined;
  const jws = typeof proof.jws === 'string' ? proof.jws : undefined;
  if (!vm || !jws || proof.type !== 'JsonWebSignature2020') {
    return {
      status: 'invalid',
      ...(vm ? { verificationMethod: vm } : {}),
      reason: 'not a JsonWebSignature2020 proof',
    };
  }
  const base = { verificationMethod: vm };
  const did = vm.split('#')[0]!;
  let doc = options.didDocuments?.find((d) => d.id === did);
  if (!doc && options.fetcher && did.startsWith('did:web:')) {
    try {
      const fetched = await options.fetcher(didWebUrl(did));
      if (isObject(fetched) && fetched.id === did) doc = fetched;
    } catch (err) {
      return {
        ...base,
        status: 'not-checked',
        reason: `DID document of ${did} could not be fetched: ${message(err)}`,
      };
    }
  }
  if (!doc) return { ...base, status: 'not-checked', reason: `DID document of ${did} not supplied` };
  const jwk = assertionKey(doc, vm);
  if (!jwk)
    return {
      ...base,
      status: 'invalid',
      reason: `${vm} is not an assertion key with a publicKeyJwk in the DID document`,
    };

  const [headerB64, , signature] = jws.split('.');
  let header: { alg?: string; b64?: boolean; crit?: string[] };
  try {
    header = JSON.parse(Buffer.from(headerB64 ?? '', 'base64url').toString('utf8'));
  } catch {
    return { ...base, status: 'invalid', reason: 'the JWS header is not JSON' };
  }
  if (!header.alg || header.b64 !== false || !header.crit?.includes('b64')) {
    return {
      ...base,
      status: 'invalid',
      reason: 'the JWS header must carry alg and b64: false (detached, unencoded)',
    };
  }
  let key: Awaited<ReturnType<typeof importJWK>>;
  try {
    key = await importJWK(jwk as JWK, header.alg);
  } catch (err) {
    return { ...base, status: 'invalid', reason: `the key cannot verify ${header.alg}: ${message(err)}` };
  }
  const loader = documentLoader(options.fetcher);
  let inputs: Array<['gaia-x' | 'jws-2020', Uint8Array | string]>;
  try {
    inputs = await signingInputs(credential, proof, loader);
  } catch (err) {
    const url =
      err instanceof ContextUnavailableError ? err.url : (err as { details?: { url?: string } }).details?.url;
    if (url) {
      return {
        ...base,
        status: 'not-checked',
        reason: `JSON-LD context ${url} is not available offline; allow network access to check this signature`,
      };
    }
    return { ...base, status: 'invalid', reason: `the credential cannot be canonicalised: ${message(err)}` };
  }
  for (const [variant, payload] of inputs) {
    try {
      await flattenedVerify({ protected: headerB64!, payload, signature: signature! }, key, {
        crit: { b64: true },
      });
      return { ...base, status: 'verified', variant };
    } catch {
      // try the other signing input
    }
  }
  return { ...base, status: 'invalid', reason: 'the signature does not match the credential' };
}

/** Signs a credential the Gaia-X 22.10 way (tests, and tools producing fixtures); returns it with its proof. */
export async function signGaiaxCredential(
  credential: Record<string, unknown>,
  privateKey: Parameters<FlattenedSign['sign']>[0],
  alg: string,
  verificationMethod: string,
  created: string,
): Promise<Record<string, unknown>> {
  const { proof: _drop, ...unsigned } = credential;
  const hash = await canonicalHash(unsigned, documentLoader());
  const jws = await new FlattenedSign(new TextEncoder().encode(hash))
    .setProtectedHeader({ alg, b64: false, crit: ['b64'] })
    .sign(privateKey);
  return {
    ...unsigned,
    proof: {
      type: 'JsonWebSignature2020',
      created,
      proofPurpose: 'assertionMethod',
      verificationMethod,
      jws: `${jws.protected}..${jws.signature}`,
    },
  };
}

async function signingInputs(
  credential: Record<string, unknown>,
  proof: Record<string, unknown>,
  loader: ReturnType<typeof documentLoader>,
): Promise<Array<['gaia-x' | 'jws-2020', Uint8Array | string]>> {
  const { proof: _drop, ...unsigned } = credential;
  const canonicalDoc = await canonize(unsigned, loader);
  const docHash = createHash('sha256').update(canonicalDoc).digest();
  const { jws: _jws, ...options } = proof;
  const canonicalOptions = await canonize({ '@context': credential['@context'], ...options }, loader);
  const optionsHash = createHash('sha256').update(canonicalOptions).digest();
  return [
    ['gaia-x', docHash.toString('hex')],
    ['jws-2020', new Uint8Array(Buffer.concat([optionsHash, docHash]))],
  ];
}

async function canonicalHash(
  doc: Record<string, unknown>,
  loader: ReturnType<typeof documentLoader>,
): Promise<string> {
  return createHash('sha256')
    .update(await canonize(doc, loader))
    .digest('hex');
}

function canonize(doc: Record<string, unknown>, loader: ReturnType<typeof documentLoader>): Promise<string> {
  // safe: false, as the Gaia-X services canonicalise: terms no context defines are dropped, not refused.
  return jsonld.canonize(doc, {
    algorithm: 'URDNA2015',
    format: 'application/n-quads',
    documentLoader: loader,
    safe: false,
  } as unknown as Parameters<typeof jsonld.canonize>[1]) as Promise<string>;
}

/** The publicKeyJwk of an assertion method, by full id or `#fragment`. */
function assertionKey(doc: Record<string, unknown>, vm: string): Record<string, unknown> | undefined {
  const did = String(doc.id);
  const abs = (ref: string) => (ref.startsWith('#') ? `${did}${ref}` : ref);
  const methods = Array.isArray(doc.verificationMethod) ? doc.verificationMethod.filter(isObject) : [];
  const assertion = Array.isArray(doc.assertionMethod) ? doc.assertionMethod : [];
  for (const ref of assertion) {
    const method =
      typeof ref === 'string'
        ? abs(ref) === vm
          ? methods.find((m) => typeof m.id === 'string' && abs(m.id) === vm)
          : undefined
        : isObject(ref) && typeof ref.id === 'string' && abs(ref.id) === vm
          ? ref
          : undefined;
    if (method && isObject(method.publicKeyJwk)) return method.publicKeyJwk;
  }
  return undefined;
}

function didWebUrl(did: string): string {
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  const base = `https://${decodeURIComponent(host ?? '')}`;
  return path.length === 0
    ? `${base}/.well-known/did.json`
    : `${base}/${path.map((p) => decodeURIComponent(p)).join('/')}/did.json`;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}
