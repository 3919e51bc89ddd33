/**
 * Shared benchmark plumbing. Every benchmark file exports `default async function (ctx: BenchContext)`
 * and reports figures through `ctx.report`, which prints exactly one JSON line per figure on stdout.
 * Progress goes to stderr, and only when stderr is a terminal, so CI logs and `| jq` stay clean.
 */
import { performance } from 'node:perf_hooks';

export interface Figure {
  /** Stable identifier, e.g. `evaluation.single.p50`. */
  name: string;
  value: number;
  unit: string;
  /** The figure the issue asks for, in the same unit. */
  target?: number;
  /** How `value` must compare with `target`. */
  goal?: 'max' | 'min';
  /** Anything worth keeping next to the figure (baseline values, sizes). */
  details?: Record<string, unknown>;
}

export interface BenchContext {
  report(figure: Figure): void;
  progress(label: string, done: number, total: number): void;
  /** Smaller sizes for a quick run (`npm run bench -- --quick`); targets still printed. */
  quick: boolean;
}

export type Bench = (ctx: BenchContext) => Promise<void>;

export function createContext(
  quick: boolean,
  out: (line: string) => void = (l) => process.stdout.write(l + '\n'),
) {
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  const figures: Figure[] = [];
  const ctx: BenchContext = {
    quick,
    report(figure) {
      const ok =
        figure.target === undefined
          ? undefined
          : figure.goal === 'min'
            ? figure.value >= figure.target
            : figure.value <= figure.target;
      if (tty) process.stderr.write('\r\x1b[2K');
      figures.push(figure);
      out(JSON.stringify({ ...figure, ok }));
    },
    progress(label, done, total) {
      if (!tty) return;
      const now = performance.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const filled = Math.round((done / Math.max(total, 1)) * width);
      process.stderr.write(
        `\r\x1b[2K${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`,
      );
      if (done >= total) process.stderr.write('\r\x1b[2K');
    },
  };
  return { ctx, figures };
}

/** Percentile of a sample, by nearest rank. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Runs `fn` repeatedly for about `ms` milliseconds and returns operations per second. */
export async function rate(fn: () => unknown | Promise<unknown>, ms = 1000): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 20; i++) await fn();
    count += 20;
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1), so generated data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
