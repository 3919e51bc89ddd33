/**
 * Child process of bench/registry.bench.ts: serves the registry from the database the benchmark filled,
 * so `registry.server.rss` measures a server process, not the generator that produced the 100,000 rows.
 * Protocol over the IPC channel: sends `{ port }` once listening (index loaded), answers `rss` with
 * `{ rss }` and exits on `stop`.
 */
import { buildServer } from '../src/api/server.js';
import { searchRegistry } from '../src/workflow/registry.js';
import { context } from './registry.bench.js';

const [dir, databaseUrl] = process.argv.slice(2);
const ctx = await context(dir!, databaseUrl!);
const app = await buildServer(ctx);
await app.listen({ port: 0, host: '127.0.0.1' });
// The first search loads the search index; a real server would have done so by its first visitor.
await searchRegistry(ctx, {});
const address = app.server.address();
process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
process.on('message', async (message) => {
  if (message === 'rss') process.send!({ rss: process.memoryUsage().rss });
  if (message === 'stop') {
    await app.close();
    await ctx.store.close();
    process.exit(0);
  }
});
