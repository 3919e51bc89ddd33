/**
 * Service figures for the verifiable-labels issue:
 * - `log.append.durable.<engine>`: leaves per second appended to the stored log in batches of 1,000,
 *   each batch one committed transaction with its signed checkpoint;
 * - `verify.http.ratio`: POST /v1/verify throughput at 50 connections over that of a bare Fastify route
 *   measured in the same run (target ≥ 0.5).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { buildServer } from '../src/api/server.js';
import { loadConfig } from '../src/config.js';
import { MemoryKeyProvider } from '../src/credentials/index.js';
import { createContext } from '../src/workflow/bootstrap.js';
import { appendToLog } from '../src/workflow/log.js';
import { seedExamples } from '../src/workflow/seed.js';
import { createPostgresDatabase, postgresAvailable } from '../test/helpers/service.js';
import type { BenchContext } from './harness.js';

async function context(dir: string, databaseUrl?: string) {
  const config = loadConfig(
    {},
    {
      dataDir: dir,
      databaseUrl: databaseUrl ?? join(dir, 'bench.db'),
      keysDir: join(dir, 'keys'),
      evidenceDir: join(dir, 'evidence'),
      publicUrl: 'https://label.bench',
      logOrigin: 'label.bench/log',
      seedExamples: false,
      rateLimitAnonymous: 10_000_000,
    },
  );
  return createContext(config, { keys: await MemoryKeyProvider.create(new Date()) });
}

async function durableAppends(bench: BenchContext, engine: 'sqlite' | 'postgres', dir: string) {
  const database = engine === 'postgres' ? await createPostgresDatabase() : undefined;
  const ctx = await context(join(dir, engine), database?.url);
  try {
    const batches = bench.quick ? 10 : 50;
    const batchSize = 1000;
    const start = performance.now();
    for (let b = 0; b < batches; b++) {
      const at = new Date().toISOString();
      const entries = Array.from({ length: batchSize }, (_, i) => ({
        v: 1 as const,
        type: 'label.issued' as const,
        at,
        subject: `urn:uuid:00000000-0000-4000-8000-${String(b * batchSize + i).padStart(12, '0')}`,
        digest: 'a'.repeat(64),
      }));
      await ctx.store.db.transaction().execute((trx) => appendToLog(trx, ctx, entries));
      bench.progress(`log appends (${engine})`, b + 1, batches);
    }
    const seconds = (performance.now() - start) / 1000;
    bench.report({
      name: `log.append.durable.${engine}`,
      value: Math.round((batches * batchSize) / seconds),
      unit: 'leaves/s',
      target: 10_000,
      goal: 'min',
      details: { batches, batchSize, seconds: Number(seconds.toFixed(2)) },
    });
  } finally {
    await ctx.store.close();
    await database?.drop();
  }
}

interface LoadResult {
  requests: { average: number; total: number };
  latency: { p99: number };
  errors: number;
  non2xx: number;
}

/**
 * autocannon runs in its own process, as a load generator would: in this process it would take the
 * event loop from the servers it measures.
 */
async function load(
  url: string,
  body?: string,
  duration = 5,
): Promise<LoadResult & { cpuPerRequestUs: number }> {
  // Both servers live in this process: its CPU time per request served is the server's own cost, which
  // other processes on the machine do not distort the way they distort throughput.
  const before = process.cpuUsage();
  const result = await loadInChild(url, body, duration);
  const used = process.cpuUsage(before);
  return { ...result, cpuPerRequestUs: (used.user + used.system) / Math.max(1, result.requests.total) };
}

function loadInChild(url: string, body?: string, duration = 5): Promise<LoadResult> {
  const bin = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
  const args = [bin, '-c', '50', '-d', String(duration), '-j'];
  if (body) args.push('-m', 'POST', '-H', 'content-type=application/json', '-b', body);
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) return reject(err);
      try {
        resolve(JSON.parse(stdout) as LoadResult);
      } catch (parseErr) {
        reject(parseErr);
      }
    });
  });
}

export default async function (bench: BenchContext) {
  const dir = mkdtempSync(join(tmpdir(), 'confiance-bench-'));
  try {
    await durableAppends(bench, 'sqlite', dir);
    if (await postgresAvailable()) await durableAppends(bench, 'postgres', dir);

    const ctx = await context(join(dir, 'verify'));
    await seedExamples(ctx);
    const label = await ctx.store.db
      .selectFrom('labels')
      .select('credential')
      .where('state', '=', 'active')
      .executeTakeFirstOrThrow();
    const app = await buildServer(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const bare = Fastify({ logger: false });
    bare.post('/v1/verify', async () => ({ status: 'valid' }));
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const body = JSON.stringify({ credential: label.credential });
    const duration = 3;
    const addr = (s: typeof app) => {
      const a = s.server.address();
      return typeof a === 'object' && a ? `http://127.0.0.1:${a.port}/v1/verify` : '';
    };
    // Warm both up, then measure in alternating rounds so that drift on a shared machine (other
    // processes taking a core from the load generator or the server) hits both; the figure is the median
    // of the per-round ratios.
    await load(addr(app), body, 1);
    await load(addr(bare), body, 1);
    const rounds = bench.quick ? 3 : 5;
    const ratios: number[] = [];
    const ours: Awaited<ReturnType<typeof load>>[] = [];
    const baseline: Awaited<ReturnType<typeof load>>[] = [];
    for (let round = 0; round < rounds; round++) {
      const o = await load(addr(app), body, duration);
      const b = await load(addr(bare), body, duration);
      ours.push(o);
      baseline.push(b);
      ratios.push(o.requests.average / b.requests.average);
      bench.progress('verify throughput rounds', round + 1, rounds);
    }
    await app.close();
    await bare.close();
    await ctx.store.close();
    const median = (values: number[]) =>
      [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;
    bench.report({
      name: 'verify.http.ratio',
      value: Number(median(ratios).toFixed(3)),
      unit: 'ratio',
      target: 0.5,
      goal: 'min',
      details: {
        rounds: ratios.map((r) => Number(r.toFixed(3))),
        verifyRps: median(ours.map((o) => o.requests.average)),
        bareRps: median(baseline.map((b) => b.requests.average)),
        verifyErrors: ours.reduce((sum, o) => sum + o.errors + o.non2xx, 0),
        verifyP99ms: median(ours.map((o) => o.latency.p99)),
        verifyCpuUsPerRequest: Number(median(ours.map((o) => o.cpuPerRequestUs)).toFixed(1)),
        bareCpuUsPerRequest: Number(median(baseline.map((b) => b.cpuPerRequestUs)).toFixed(1)),
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
