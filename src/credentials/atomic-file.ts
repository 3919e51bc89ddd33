/**
 * Crash-safe file replacement: write a temporary file in the same directory, fsync it, rename it over the
 * target (atomic on POSIX), then fsync the directory so the rename itself survives a power cut. A reader
 * therefore sees either the old file or the new one, never a half-written one.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX = '.tmp';

export interface AtomicWriteOptions {
  mode: number;
  /**
   * Test seam: runs after the temporary file is durable and before the rename, i.e. at the exact point a
   * crash would be most harmful. Throwing here simulates that crash.
   */
  beforeCommit?: (tmpPath: string) => void | Promise<void>;
}

export async function writeFileAtomic(
  path: string,
  data: string,
  options: AtomicWriteOptions,
): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`);
  const handle = await open(tmp, 'wx', options.mode);
  try {
    await handle.writeFile(data, 'utf8');
    // Open with 'wx' applies the mode through the umask; chmod makes the final mode exact.
    await handle.chmod(options.mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await options.beforeCommit?.(tmp);
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}

/** Creates a file that must not already exist (e.g. a new private key), durably. */
export async function writeFileExclusive(path: string, data: string, mode: number): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(dirname(path));
}

/** Removes temporary files left by a crash between write and rename. They are never read. */
export async function removeStaleTemporaries(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith('.') && name.endsWith(TMP_SUFFIX)) await unlink(join(dir, name));
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some platforms refuse fsync on a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}
