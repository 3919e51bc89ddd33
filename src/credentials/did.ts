/**
 * did:web identifiers and the DID document that publishes our signing keys.
 *
 * Retired keys stay in the document (in `verificationMethod` and `assertionMethod`) so that labels they
 * signed keep verifying. They carry `"confiance:retired": "<ISO instant>"`, a non-standard property in our
 * own namespace (the `confiance` prefix is declared in the document's `@context`). Verifiers that do not
 * know it simply ignore it; ours reports `keyStatus: 'retired'` and refuses labels whose `validFrom` is
 * later than the retirement instant (a retired key signs nothing new).
 */
import { CONFIANCE_VOCAB, DID_CONTEXTS, JSON_WEB_KEY_TYPE, RETIRED_PROPERTY } from './constants.js';
import type { DidDocument, Ed25519PublicJwk, KeyInfo, VerificationMethod } from './types.js';

/**
 * did:web from an HTTPS origin (and optional path), per the did:web method: the port's ':' is
 * percent-encoded, path segments are joined with ':' (a ':' inside a segment is percent-encoded too).
 *   https://label.example:8443        -> did:web:label.example%3A8443
 *   https://example.com/issuers/fr    -> did:web:example.com:issuers:fr
 */
export function didWebFromOrigin(origin: string): string {
  const url = new URL(origin);
  if (url.protocol !== 'https:') throw new TypeError('did:web requires an https origin');
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError('did:web origin must not contain credentials, a query or a fragment');
  }
  // URL has already lower-cased the host, converted IDNs to punycode and dropped the default port 443.
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  const segments = url.pathname
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => encodeURIComponent(decodeURIComponent(s)));
  return ['did:web', host, ...segments].join(':');
}

/** Where a did:web document lives: `/.well-known/did.json` for a bare host, `<path>/did.json` otherwise. */
export function didWebDocumentUrl(did: string): string {
  if (!did.startsWith('did:web:')) throw new TypeError(`${did} is not a did:web`);
  const [host, ...path] = did.slice('did:web:'.length).split(':');
  if (!host) throw new TypeError(`${did} has no host`);
  const base = `https://${decodeURIComponent(host)}`;
  if (path.length === 0) return `${base}/.well-known/did.json`;
  return `${base}/${path.map((p) => encodeURIComponent(decodeURIComponent(p))).join('/')}/did.json`;
}

/** Builds the issuer's DID document: one `JsonWebKey` method per key, all of them usable for assertions. */
export function didDocument(
  did: string,
  keys: readonly KeyInfo[],
  extra: Record<string, unknown> = {},
): DidDocument {
  if (!did.startsWith('did:')) throw new TypeError(`${did} is not a DID`);
  const methods: VerificationMethod[] = keys.map((k) => {
    const method: VerificationMethod = {
      id: `${did}#${k.kid}`,
      type: JSON_WEB_KEY_TYPE,
      controller: did,
      publicKeyJwk: { ...k.publicJwk },
    };
    if (k.retiredAt !== undefined) method[RETIRED_PROPERTY] = k.retiredAt;
    return method;
  });
  return {
    ...extra,
    '@context': [...DID_CONTEXTS, { confiance: CONFIANCE_VOCAB }],
    id: did,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
  };
}

export interface ResolvedKey {
  /** Full verification method id, `did#kid`. */
  id: string;
  kid: string;
  controller: string;
  publicJwk: Ed25519PublicJwk;
  retiredAt?: string;
}

/**
 * Finds an assertion key in a DID document, by full id (`did#kid`) or bare kid. Keys that are not listed
 * in `assertionMethod` are ignored: a key published for another purpose must not verify credentials.
 */
export function findKey(doc: DidDocument, kidOrId: string): ResolvedKey | undefined {
  const id = kidOrId.includes('#') ? kidOrId : `${doc.id}#${kidOrId}`;
  // Documents may come from the network through a resolver: every shape is checked, nothing is assumed.
  const assertion: unknown[] = Array.isArray(doc.assertionMethod) ? doc.assertionMethod : [];
  const methods: unknown[] = Array.isArray(doc.verificationMethod) ? doc.verificationMethod : [];
  let method: Partial<VerificationMethod> | undefined;
  for (const ref of assertion) {
    if (typeof ref === 'string') {
      if (absolute(doc.id, ref) === id)
        method = methods.find((m) => methodId(doc.id, m) === id) as VerificationMethod;
    } else if (methodId(doc.id, ref) === id) {
      method = ref as VerificationMethod;
    }
    if (method) break;
  }
  if (!method || method.controller !== doc.id) return undefined;
  const jwk = (method.publicKeyJwk ?? {}) as Partial<Ed25519PublicJwk>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return undefined;
  const resolved: ResolvedKey = {
    id,
    kid: id.slice(id.indexOf('#') + 1),
    controller: doc.id,
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
  };
  const retired = method[RETIRED_PROPERTY];
  if (typeof retired === 'string') resolved.retiredAt = retired;
  return resolved;
}

function methodId(did: string, method: unknown): string | undefined {
  const id = (method as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? absolute(did, id) : undefined;
}

/** DID documents may use relative references (`#key-1`); resolve them against the document id. */
function absolute(did: string, ref: string): string {
  return ref.startsWith('#') ? `${did}${ref}` : ref;
}
