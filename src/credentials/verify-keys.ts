/**
 * Public keys imported once per (DID document, verification method). The cache is a WeakMap keyed by the
 * document object: when the caller drops a document (e.g. after fetching a newer one), its keys go too,
 * and a new document object never sees keys imported for an older one.
 */
import type { CryptoKey } from 'jose';
import { findKey, type ResolvedKey } from './did.js';
import { importVerificationKey } from './jws.js';
import type { DidDocument } from './types.js';

export interface CachedKey {
  resolved: ResolvedKey;
  key: Promise<CryptoKey>;
  /** Set once `key` has resolved, so that later calls skip an await on the hot path. */
  ready?: CryptoKey;
}

const cache = new WeakMap<DidDocument, Map<string, CachedKey | null>>();

/** The assertion key `id` (`did#kid`) of `doc`, imported for jose; `undefined` when the document lacks it. */
export function keyFor(doc: DidDocument, id: string): CachedKey | undefined {
  let perDoc = cache.get(doc);
  if (!perDoc) {
    perDoc = new Map();
    cache.set(doc, perDoc);
  }
  const hit = perDoc.get(id);
  if (hit !== undefined) return hit ?? undefined;
  const resolved = findKey(doc, id);
  let entry: CachedKey | null = null;
  if (resolved) {
    const created: CachedKey = { resolved, key: importVerificationKey(resolved.publicJwk) };
    created.key.then(
      (key) => {
        created.ready = key;
      },
      () => undefined, // an unusable JWK surfaces where the key is awaited
    );
    entry = created;
  }
  // Negative answers are cached as well, but bounded: unknown kids come from untrusted tokens.
  if (entry || perDoc.size < 1024) perDoc.set(id, entry);
  return entry ?? undefined;
}
