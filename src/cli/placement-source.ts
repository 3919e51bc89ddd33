/**
 * Where `confiance scan` and `confiance place` get the registry: a signed snapshot file with the issuer's
 * DID document (offline), or a server URL (the same snapshot and DID document, fetched). Either way the
 * snapshot's signature is checked before anything is decided with it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { DidDocument } from '../credentials/types.js';
import type { DataClass } from '../placement/types.js';
import { ReferentialError } from '../referential/compile.js';
import { listReferentials, loadReferentialFile } from '../referential/load.js';
import type { ReferentialDocument } from '../referential/types.js';
import { openSnapshot, type RegistrySource, RegistrySourceError } from '../scan/registry-source.js';
import { CliError, EXIT } from './errors.js';

export interface SourceOptions {
  snapshot?: string;
  did?: string;
  server?: string;
  referential?: string;
  token?: string;
  /** Refuse a snapshot older than this many hours. */
  maxAge?: string;
}

/** Reads a file whole, refusing it before reading when it is larger than `maxBytes`. */
export function readBounded(path: string, maxBytes: number, what: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new CliError(`cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? err}`, EXIT.badInput, [
      { path: what, message: path },
    ]);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes)
      throw new CliError(
        `${path} is too large (${formatBytes(size)}; the limit is ${formatBytes(maxBytes)})`,
        EXIT.badInput,
        [{ path: what, message: 'raise the limit with --max-size if this file is genuine' }],
      );
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} B`;
}

const SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024;

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CliError(`${what} is not valid JSON`, EXIT.badInput, [
      { path: what, message: (err as Error).message },
    ]);
  }
}

export async function fetchText(url: string, headers: Record<string, string> = {}): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new CliError(`cannot reach ${url}: ${(err as Error).message}`, EXIT.failure);
  }
  const body = await response.text();
  if (!response.ok) {
    let details: Array<{ path: string; message: string }> = [];
    try {
      details = (JSON.parse(body) as { details?: typeof details }).details ?? [];
    } catch {
      // not our error shape
    }
    const message = (() => {
      try {
        return (JSON.parse(body) as { message?: string }).message ?? body.slice(0, 200);
      } catch {
        return body.slice(0, 200);
      }
    })();
    throw new CliError(
      `${url} answered ${response.status}: ${message}`,
      response.status >= 400 && response.status < 500 ? EXIT.badInput : EXIT.failure,
      details,
    );
  }
  return body;
}

export function serverBase(server: string): string {
  try {
    const url = new URL(server);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    return url.href.replace(/\/+$/, '');
  } catch {
    throw new CliError(`--server is not a URL: ${server}`, EXIT.badInput, [
      { path: '--server', message: 'e.g. https://label.example' },
    ]);
  }
}

function shippedReferential(id: string, version: string): ReferentialDocument | undefined {
  const ref = listReferentials().find((r) => r.id === id && r.version === version);
  return ref ? loadReferentialFile(ref.path).document : undefined;
}

function referentialFromFile(path: string): ReferentialDocument {
  try {
    return loadReferentialFile(path).document;
  } catch (err) {
    if (err instanceof ReferentialError)
      throw new CliError(
        err.message,
        EXIT.badInput,
        err.issues.map((i) => ({ path: `--referential ${i.path}`, message: i.message })),
      );
    throw new CliError(`cannot read --referential: ${(err as Error).message}`, EXIT.badInput);
  }
}

/** Classes an organisation defined, as the server lists them for its members. */
function organisationClasses(items: unknown[]): DataClass[] {
  return items.flatMap((raw) => {
    const c = raw as DataClass & { usable?: boolean };
    return c?.usable && c.origin?.kind === 'organisation' ? [c] : [];
  });
}

export async function openRegistrySource(
  options: SourceOptions,
  now: Date,
): Promise<RegistrySource & { from: string }> {
  let maxAgeMs: number | undefined;
  if (options.maxAge !== undefined) {
    const hours = Number(options.maxAge);
    if (!Number.isFinite(hours) || hours <= 0)
      throw new CliError('invalid --max-age', EXIT.badInput, [
        { path: '--max-age', message: 'a number of hours' },
      ]);
    maxAgeMs = hours * 3600_000;
  }
  let jws: string;
  let didDocument: DidDocument;
  let from: string;
  let extraClasses: DataClass[] = [];
  let remoteReferential:
    | ((id: string, version: string) => Promise<ReferentialDocument | undefined>)
    | undefined;
  if (options.server !== undefined) {
    if (options.snapshot !== undefined)
      throw new CliError('give either --server or --snapshot, not both', EXIT.badInput, [
        { path: '--snapshot', message: 'offline file' },
      ]);
    const base = serverBase(options.server);
    from = base;
    [jws, didDocument] = await Promise.all([
      fetchText(`${base}/v1/registry/snapshot`, { accept: 'application/jwt' }),
      fetchText(`${base}/.well-known/did.json`, { accept: 'application/did+json' }).then((t) =>
        parseJson<DidDocument>(t, 'the DID document'),
      ),
    ]);
    remoteReferential = async (id, version) =>
      parseJson<ReferentialDocument>(
        await fetchText(`${base}/v1/referentials/${encodeURIComponent(id)}/${encodeURIComponent(version)}`),
        'the referential',
      );
    if (options.token) {
      const listed = parseJson<{ items: unknown[] }>(
        await fetchText(`${base}/v1/placement/classes`, { authorization: `Bearer ${options.token}` }),
        'the data classes',
      );
      extraClasses = organisationClasses(listed.items ?? []);
    }
  } else if (options.snapshot !== undefined) {
    if (options.did === undefined)
      throw new CliError(
        '--snapshot needs --did (the issuer DID document) to check its signature',
        EXIT.badInput,
        [{ path: '--did', message: 'e.g. did.json from /.well-known/did.json' }],
      );
    from = options.snapshot;
    jws = readBounded(options.snapshot, SNAPSHOT_MAX_BYTES, '--snapshot');
    didDocument = parseJson<DidDocument>(readBounded(options.did, 1024 * 1024, '--did'), '--did');
  } else {
    throw new CliError('no registry to decide against', EXIT.badInput, [
      {
        path: '--snapshot',
        message: 'a signed registry snapshot file (GET /v1/registry/snapshot) with --did, offline',
      },
      { path: '--server', message: 'or the URL of a label authority (or set CONFIANCE_SERVER)' },
    ]);
  }
  const fromFile = options.referential !== undefined ? referentialFromFile(options.referential) : undefined;
  try {
    const source = await openSnapshot({
      jws,
      didDocument,
      now,
      ...(maxAgeMs !== undefined ? { maxAgeMs } : {}),
      extraClasses,
      referential: async (id, version) => {
        if (fromFile) return fromFile;
        const local = shippedReferential(id, version);
        if (local || !remoteReferential) return local;
        return remoteReferential(id, version);
      },
    });
    return { ...source, from };
  } catch (err) {
    if (err instanceof RegistrySourceError) throw new CliError(err.message, EXIT.badInput, err.details);
    throw err;
  }
}

/** Standard input, bounded like a file. */
export function readStdinBounded(maxBytes: number): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(1024 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        // A non-blocking pipe with nothing yet: wait a little rather than spin.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if ((err as NodeJS.ErrnoException).code === 'EOF') break;
      throw err;
    }
    if (n === 0) break;
    total += n;
    if (total > maxBytes)
      throw new CliError(`standard input is too large (over ${formatBytes(maxBytes)})`, EXIT.badInput, [
        { path: '-', message: 'raise the limit with --max-size if this input is genuine' },
      ]);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}
