/**
 * KeyProvider backed by a directory:
 *   <dir>/            mode 0700
 *   <dir>/<kid>.pem   PKCS#8 PEM private key, mode 0600, written once, never rewritten
 *   <dir>/keys.json   public index (JWKs, status), replaced atomically
 * Order of writes on creation and rotation: the new key file first, the index last. A crash in between
 * leaves an orphan key file that the index does not mention, which is harmless; the index is never torn.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { removeStaleTemporaries, writeFileAtomic, writeFileExclusive } from './atomic-file.js';
import {
  assertActive,
  assertClockForward,
  generateKey,
  jwkThumbprint,
  KeyNotUsableError,
  type KeyProvider,
  publicJwkOf,
  type RandomBytes,
  retire,
  signEd25519,
} from './keys.js';
import type { KeyInfo } from './types.js';

const INDEX_FILE = 'keys.json';
const DIR_MODE = 0o700;
const KEY_MODE = 0o600;
const INDEX_MODE = 0o644; // public material only; the directory's 0700 already restricts access
const KID_PATTERN = /^[A-Za-z0-9_-]{43}$/; // base64url SHA-256 thumbprint

interface IndexEntry extends KeyInfo {
  status: 'active' | 'retired';
  file: string;
}
interface IndexFile {
  version: 1;
  keys: IndexEntry[];
}

export interface FileKeyProviderOptions {
  randomBytes?: RandomBytes;
  /** Test seam forwarded to the atomic index write (see atomic-file.ts). */
  beforeIndexCommit?: (tmpPath: string) => void | Promise<void>;
}

export class FileKeyProvider implements KeyProvider {
  readonly #dir: string;
  readonly #options: FileKeyProviderOptions;
  #keys: KeyInfo[];
  #active: { info: KeyInfo; privateKey: KeyObject };

  private constructor(
    dir: string,
    keys: KeyInfo[],
    active: { info: KeyInfo; privateKey: KeyObject },
    options: FileKeyProviderOptions,
  ) {
    this.#dir = dir;
    this.#keys = keys;
    this.#active = active;
    this.#options = options;
  }

  /** Opens the key directory, creating the directory, a first key and the index on first use. */
  static async open(dir: string, now: Date, options: FileKeyProviderOptions = {}): Promise<FileKeyProvider> {
    await ensurePrivateDirectory(dir);
    await removeStaleTemporaries(dir);
    const index = await readIndex(dir);
    if (index === undefined) {
      const created = await generateKey(now, options.randomBytes);
      await writeKeyFile(dir, created.info.kid, created.privateKey);
      await writeIndex(dir, [created.info], options);
      return new FileKeyProvider(dir, [created.info], created, options);
    }
    const keys = index.keys.map(toKeyInfo);
    // Every private key file still on disk must be private, even retired ones: a leaked retired key could
    // forge back-dated labels.
    for (const entry of index.keys) await assertPrivateFile(join(dir, entry.file), { mustExist: false });
    const activeEntries = index.keys.filter((k) => k.status === 'active');
    if (activeEntries.length !== 1) {
      throw new Error(
        `${join(dir, INDEX_FILE)} must list exactly one active key, found ${activeEntries.length}`,
      );
    }
    const info = toKeyInfo(activeEntries[0]!);
    const privateKey = await loadPrivateKey(join(dir, activeEntries[0]!.file), info);
    return new FileKeyProvider(dir, keys, { info, privateKey }, options);
  }

  activeKey(): KeyInfo {
    return this.#active.info;
  }

  keys(): KeyInfo[] {
    return [...this.#keys];
  }

  async sign(kid: string, data: Uint8Array): Promise<Uint8Array> {
    assertActive(this.#keys, kid);
    return signEd25519(this.#active.privateKey, data);
  }

  async rotate(now: Date): Promise<KeyInfo> {
    assertClockForward(this.#active.info, now);
    const next = await generateKey(now, this.#options.randomBytes);
    await writeKeyFile(this.#dir, next.info.kid, next.privateKey);
    const previous = this.#active.info.kid;
    const keys = [...this.#keys.map((k) => (k.kid === previous ? retire(k, now) : k)), next.info];
    await writeIndex(this.#dir, keys, this.#options);
    // Memory changes only once the index is durable, so a failed rotation leaves the provider unchanged.
    this.#keys = keys;
    this.#active = next;
    return next.info;
  }

  toString(): string {
    return `FileKeyProvider(${this.#dir}, active=${this.#active.info.kid})`;
  }
  toJSON(): unknown {
    return { provider: 'file', dir: this.#dir, activeKid: this.#active.info.kid };
  }
  [inspect.custom](): string {
    return this.toString();
  }
}

async function ensurePrivateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const info = await stat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a directory`);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `Refusing to use key directory ${dir}: its mode is ${octal(info.mode)}, group/others must have no access (chmod 700).`,
    );
  }
}

async function readIndex(dir: string): Promise<IndexFile | undefined> {
  const path = join(dir, INDEX_FILE);
  let text: string;
  try {
    const handle = await open(path, 'r');
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseIndex(text, path);
}

function parseIndex(text: string, path: string): IndexFile {
  const data = JSON.parse(text) as IndexFile;
  if (data?.version !== 1 || !Array.isArray(data.keys) || data.keys.length === 0) {
    throw new Error(`${path} is not a version 1 key index`);
  }
  for (const k of data.keys) {
    const ok =
      typeof k?.kid === 'string' &&
      KID_PATTERN.test(k.kid) &&
      k.alg === 'EdDSA' &&
      k.publicJwk?.kty === 'OKP' &&
      k.publicJwk.crv === 'Ed25519' &&
      typeof k.publicJwk.x === 'string' &&
      typeof k.createdAt === 'string' &&
      (k.status === 'active' || k.status === 'retired') &&
      (k.status === 'active') === (k.retiredAt === undefined) &&
      k.file === `${k.kid}.pem`;
    if (!ok) throw new Error(`${path} has an invalid key entry`);
  }
  return data;
}

function toKeyInfo(entry: IndexEntry): KeyInfo {
  const info: KeyInfo = {
    kid: entry.kid,
    alg: 'EdDSA',
    publicJwk: Object.freeze({ kty: 'OKP', crv: 'Ed25519', x: entry.publicJwk.x }),
    createdAt: entry.createdAt,
  };
  if (entry.retiredAt !== undefined) info.retiredAt = entry.retiredAt;
  return Object.freeze(info);
}

async function writeIndex(dir: string, keys: KeyInfo[], options: FileKeyProviderOptions): Promise<void> {
  const index: IndexFile = {
    version: 1,
    keys: keys.map((k) => ({
      ...k,
      status: k.retiredAt === undefined ? 'active' : 'retired',
      file: `${k.kid}.pem`,
    })),
  };
  await writeFileAtomic(join(dir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`, {
    mode: INDEX_MODE,
    beforeCommit: options.beforeIndexCommit,
  });
}

async function writeKeyFile(dir: string, kid: string, privateKey: KeyObject): Promise<void> {
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  await writeFileExclusive(join(dir, `${kid}.pem`), pem, KEY_MODE);
  await assertPrivateFile(join(dir, `${kid}.pem`), { mustExist: true });
}

/** Checks the mode on the opened descriptor (fstat), so the file checked is the file read. */
async function assertPrivateFile(path: string, { mustExist }: { mustExist: boolean }): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (!mustExist && (error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    await checkPrivateMode(handle, path);
  } finally {
    await handle.close();
  }
}

async function checkPrivateMode(handle: Awaited<ReturnType<typeof open>>, path: string): Promise<void> {
  const info = await handle.stat();
  if (!info.isFile()) throw new Error(`Refusing to load private key ${path}: not a regular file.`);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `Refusing to load private key ${path}: its mode is ${octal(info.mode)}, it must not be readable by group/others (chmod 600).`,
    );
  }
}

async function loadPrivateKey(path: string, expected: KeyInfo): Promise<KeyObject> {
  const handle = await open(path, 'r');
  let pem: string;
  try {
    await checkPrivateMode(handle, path);
    pem = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // Never echo the file content: it is a secret even when it is garbage.
    throw new KeyNotUsableError(`private key ${path} is not a readable PKCS#8 PEM key`);
  }
  const kid = await jwkThumbprint(publicJwkOf(privateKey));
  if (kid !== expected.kid) {
    throw new KeyNotUsableError(`private key ${path} does not match kid ${expected.kid} in ${INDEX_FILE}`);
  }
  return privateKey;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
