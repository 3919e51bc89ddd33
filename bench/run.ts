/**
 * `npm run bench [-- --quick] [-- name-filter]`: runs every `bench/*.bench.ts` in one process,
 * one JSON line per figure on stdout.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Bench, createContext } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();

const { ctx, figures } = createContext(quick);
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Bench };
  await mod.default(ctx);
}
const failed = figures.filter(
  (f) => f.target !== undefined && (f.goal === 'min' ? f.value < f.target : f.value > f.target),
);
if (process.stderr.isTTY) {
  process.stderr.write(`${figures.length} figures, ${failed.length} beyond target\n`);
}
