/**
 * A JSON-LD document loader that serves the contexts Gaia-X credentials use from copies vendored in
 * vendor/jsonld-contexts/ (see its README): canonicalising a credential to check its signature then needs
 * no network. Any other context is refused with a message saying so, unless the caller allows fetching.
 */
import { readFileSync } from 'node:fs';

export type Fetcher = (url: string) => Promise<unknown>;

export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export class ContextUnavailableError extends Error {
  constructor(readonly url: string) {
    super(`JSON-LD context ${url} is not available offline (fetching was not allowed)`);
    this.name = 'ContextUnavailableError';
  }
}

const dir = new URL('../../../vendor/jsonld-contexts/', import.meta.url);

const VENDORED: Record<string, string> = {
  'https://www.w3.org/2018/credentials/v1': 'credentials-v1.jsonld',
  'https://w3id.org/security/suites/jws-2020/v1': 'jws-2020-v1.jsonld',
  'https://registry.lab.gaia-x.eu/development/api/trusted-shape-registry/v1/shapes/jsonld/trustframework':
    'gaia-x-trustframework-22.10.jsonld',
  'https://registry.lab.gaia-x.eu/v1/api/trusted-shape-registry/v1/shapes/jsonld/trustframework':
    'gaia-x-trustframework-22.10.jsonld',
};

const cache = new Map<string, unknown>();

/** The vendored context for a URL (fragment ignored), or undefined. */
export function vendoredContext(url: string): unknown {
  const file = VENDORED[url.split('#')[0]!];
  if (!file) return undefined;
  let doc = cache.get(file);
  if (doc === undefined) {
    doc = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    cache.set(file, doc);
  }
  return doc;
}

/** A document loader for jsonld: vendored contexts first, then `fetcher` if given, else a clear refusal. */
export function documentLoader(fetcher?: Fetcher) {
  return async (url: string): Promise<RemoteDocument> => {
    const local = vendoredContext(url);
    if (local !== undefined) return { contextUrl: null, documentUrl: url, document: local };
    if (!fetcher) throw new ContextUnavailableError(url);
    return { contextUrl: null, documentUrl: url, document: await fetcher(url) };
  };
}

/** A fetcher over HTTPS with a timeout and a size cap, for when the user asks for network access. */
export function httpsFetcher(timeoutMs = 10_000, maxBytes = 2 * 1024 * 1024): Fetcher {
  return async (url: string) => {
    if (!url.startsWith('https://')) throw new Error(`refusing to fetch ${url}: only https is allowed`);
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'application/ld+json, application/json, application/did+json' },
      redirect: 'follow',
    });
    if (!res.ok) throw new Error(`fetching ${url} answered HTTP ${res.status}`);
    const text = await res.text();
    if (Buffer.byteLength(text) > maxBytes) throw new Error(`${url} is larger than ${maxBytes} bytes`);
    return JSON.parse(text) as unknown;
  };
}
