/**
 * A real `confiance` server in its own process, for tests that need several processes on one database
 * (the concurrency tests). `startChildServer(env)` spawns this very file; run directly, the file reads its
 * configuration from the environment (DATABASE_URL, CONFIANCE_KEYS_DIR, …), builds the context and the
 * server, listens on a free port of 127.0.0.1 and prints `confiance-child-ready {"port": …}` on stdout.
 * Errors are logged on stderr (LOG_LEVEL, default `error`).
 * It stops on SIGTERM, and by itself when its parent goes away (stdin closes), so no server outlives a run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { repoRoot } from './cli.js';

const self = fileURLToPath(import.meta.url);
const READY = 'confiance-child-ready ';

export interface ChildServer {
  url: string;
  port: number;
  pid: number;
  /** What the child wrote on stderr so far (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

export async function startChildServer(
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ChildServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', self], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`child server did not start within ${timeoutMs} ms:\n${stderr}`)),
      timeoutMs,
    );
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith(READY));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line.slice(READY.length)) as { port: number }).port);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child server exited with ${code} before listening:\n${stderr}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

async function main() {
  const { buildServer } = await import('../../src/api/server.js');
  const { loadConfig } = await import('../../src/config.js');
  const { createContext } = await import('../../src/workflow/bootstrap.js');
  const config = loadConfig(process.env, { host: '127.0.0.1', port: 0, seedExamples: false });
  const ctx = await createContext(config);
  // Unexpected errors (500) are logged on stderr, which the parent shows when a test fails.
  const app = await buildServer(ctx, {
    logger: { level: process.env.LOG_LEVEL ?? 'error', stream: process.stderr },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(
    `${READY}${JSON.stringify({ port: (app.server.address() as AddressInfo).port, pid: process.pid })}\n`,
  );
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await ctx.store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.stdin.on('end', () => void shutdown());
  process.stdin.resume();
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
