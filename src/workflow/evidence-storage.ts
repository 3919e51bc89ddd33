/**
 * Content-addressed storage of evidence files: the SHA-256 of the content is its name, so a file stored
 * twice is stored once and a digest in a label always names exactly one content. Filesystem by default;
 * an S3-compatible store would implement the same interface.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface EvidenceStorage {
  put(content: Uint8Array): Promise<string>;
  get(digest: string): Promise<Uint8Array | undefined>;
}

export function sha256(content: Uint8Array | string): string {
  return createHash('sha256').update(content).digest('hex');
}

export class FileEvidenceStorage implements EvidenceStorage {
  constructor(private readonly root: string) {}

  private path(digest: string): string {
    if (!/^[0-9a-f]{64}$/.test(digest)) throw new Error('not a SHA-256 digest');
    return join(this.root, digest.slice(0, 2), digest.slice(2));
  }

  async put(content: Uint8Array): Promise<string> {
    const digest = sha256(content);
    const target = this.path(digest);
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(join(this.root, digest.slice(0, 2)), { recursive: true, mode: 0o700 });
      // Write then rename: a reader never sees half a file under a digest name.
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temp, content, { mode: 0o600 });
      await rename(temp, target);
    }
    return digest;
  }

  async get(digest: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.path(digest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
}

export class MemoryEvidenceStorage implements EvidenceStorage {
  readonly files = new Map<string, Uint8Array>();
  async put(content: Uint8Array): Promise<string> {
    const digest = sha256(content);
    this.files.set(digest, content);
    return digest;
  }
  async get(digest: string): Promise<Uint8Array | undefined> {
    return this.files.get(digest);
  }
}
