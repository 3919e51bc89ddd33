/**
 * Ledger benchmarks: appends to the in-memory tree, proof latency on a million-leaf tree, and the
 * speed-up over @transmute/rfc9162 (the only RFC 9162 package on npm, O(n) and async per proof).
 *
 * Leaf hashes are random bytes (hashing entries is not what is measured); proof positions come from a
 * seeded generator so runs are comparable. Every proof timed is also checked, outside the timing, on a
 * sample, so a fast wrong answer cannot pass for a result.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CoMETRE } from '@transmute/rfc9162';
import { isPowerOfTwo } from '../src/ledger/bits.js';
import { MemoryTree } from '../src/ledger/memory.js';
import { verifyConsistency, verifyInclusion } from '../src/ledger/verify.js';
import { type BenchContext, percentile, seededRandom } from './harness.js';

function randomLeaves(n: number): Uint8Array[] {
  const buf = randomBytes(32 * n);
  return Array.from({ length: n }, (_, i) => new Uint8Array(buf.buffer, buf.byteOffset + 32 * i, 32));
}

const same = (a: readonly Uint8Array[], b: readonly Uint8Array[]) =>
  a.length === b.length && a.every((x, i) => Buffer.compare(x, b[i]!) === 0);

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`ledger bench: ${what}`);
}

export default async function ledgerBench(ctx: BenchContext): Promise<void> {
  const size = ctx.quick ? 100_000 : 1_000_000;
  const batch = 1_000;
  const leaves = randomLeaves(size);

  // Appends, in batches, into a tree that starts small and grows (the realistic case).
  const tree = new MemoryTree();
  const t0 = performance.now();
  for (let i = 0; i < size; i += batch) {
    tree.appendBatch(leaves.slice(i, i + batch));
    ctx.progress('ledger: append', i + batch, size);
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  ctx.report({
    name: 'ledger.append.batch',
    value: Math.round(size / appendSeconds),
    unit: 'leaves/s',
    target: 10_000,
    goal: 'min',
    details: {
      leaves: size,
      batch,
      seconds: Number(appendSeconds.toFixed(3)),
      bytesPerLeaf: Math.round(tree.byteLength / size),
      scope: 'in-memory MemoryTree only; durable appends (database) are measured later by the storage layer',
    },
  });

  const samples = ctx.quick ? 2_000 : 10_000;
  const root = tree.root();

  // Inclusion proofs at the current size, random leaves.
  {
    const rand = seededRandom(1);
    for (let i = 0; i < 500; i++) tree.inclusionProof(Math.floor(rand() * size)); // warm-up
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const index = Math.floor(rand() * size);
      const start = performance.now();
      const proof = tree.inclusionProof(index);
      times.push(performance.now() - start);
      if (i % 100 === 0)
        check(verifyInclusion(leaves[index]!, index, size, proof, root), `inclusion ${index}`);
      ctx.progress('ledger: inclusion proofs', i + 1, samples);
    }
    ctx.report({
      name: `ledger.inclusion.p99.${ctx.quick ? '100k' : '1m'}`,
      value: Number(percentile(times, 99).toFixed(4)),
      unit: 'ms',
      target: 1,
      goal: 'max',
      details: { treeSize: size, proofs: samples, p50: Number(percentile(times, 50).toFixed(4)) },
    });
  }

  // Consistency proofs between random past and later sizes.
  {
    const rand = seededRandom(2);
    const times: number[] = [];
    for (let i = 0; i < samples + 500; i++) {
      const size2 = 1 + Math.floor(rand() * size);
      const size1 = 1 + Math.floor(rand() * size2);
      const start = performance.now();
      const proof = tree.consistencyProof(size1, size2);
      const elapsed = performance.now() - start;
      if (i < 500) continue; // warm-up
      times.push(elapsed);
      if (i % 100 === 0) {
        check(
          verifyConsistency(size1, size2, proof, tree.root(size1), tree.root(size2)),
          `consistency ${size1}→${size2}`,
        );
      }
      ctx.progress('ledger: consistency proofs', i - 499, samples);
    }
    ctx.report({
      name: `ledger.consistency.p99.${ctx.quick ? '100k' : '1m'}`,
      value: Number(percentile(times, 99).toFixed(4)),
      unit: 'ms',
      target: 1,
      goal: 'max',
      details: { treeSize: size, proofs: samples, p50: Number(percentile(times, 50).toFixed(4)) },
    });
  }

  await speedups(ctx, leaves.slice(0, 100_000));
}

/** Time per proof, @transmute/rfc9162 over ours, on the same 100,000-leaf tree in the same run. */
async function speedups(ctx: BenchContext, leaves: Uint8Array[]): Promise<void> {
  const n = leaves.length;
  const tree = MemoryTree.from(leaves);
  const theirRuns = ctx.quick ? 1 : 3; // about 5 s each
  const ourRuns = ctx.quick ? 20_000 : 100_000;
  const rand = seededRandom(3);

  const ours = (fn: (i: number) => unknown): number => {
    for (let i = 0; i < 1000; i++) fn(i);
    const start = performance.now();
    for (let i = 0; i < ourRuns; i++) fn(i);
    return (performance.now() - start) / ourRuns;
  };

  // Inclusion.
  {
    const indices = Array.from({ length: ourRuns }, () => Math.floor(rand() * n));
    let theirs = 0;
    for (let k = 0; k < theirRuns; k++) {
      const index = indices[k]!;
      const start = performance.now();
      const proof = await CoMETRE.getInclusionProofForLeaf(index, leaves);
      theirs += performance.now() - start;
      check(
        same(proof.inclusion_path, tree.inclusionProof(index)),
        'inclusion proofs differ from the oracle',
      );
      ctx.progress('ledger: transmute inclusion', k + 1, theirRuns);
    }
    const mine = ours((i) => tree.inclusionProof(indices[i % indices.length]!));
    ctx.report({
      name: 'ledger.inclusion.speedup.vs.transmute',
      value: Math.round(theirs / theirRuns / mine),
      unit: 'x',
      target: 1000,
      goal: 'min',
      details: {
        treeSize: n,
        transmuteMsPerProof: Number((theirs / theirRuns).toFixed(1)),
        oursMsPerProof: mine,
        theirRuns,
        ourRuns,
      },
    });
  }

  // Consistency.
  {
    const sizes = Array.from({ length: ourRuns }, () => 1 + Math.floor(rand() * (n - 1)));
    let theirs = 0;
    for (let k = 0; k < theirRuns; k++) {
      const size1 = sizes[k]!;
      const start = performance.now();
      const proof = await CoMETRE.getConsistencyProofFromLeaves(
        { log_id: '', tree_size: size1, leaf_index: 0, inclusion_path: [] },
        leaves,
      );
      theirs += performance.now() - start;
      // The oracle prepends the first root when size1 is a power of two (it ignores RFC 9162's flag b).
      const path = isPowerOfTwo(size1) ? proof.consistency_path.slice(1) : proof.consistency_path;
      check(same(path, tree.consistencyProof(size1)), 'consistency proofs differ from the oracle');
      ctx.progress('ledger: transmute consistency', k + 1, theirRuns);
    }
    const mine = ours((i) => tree.consistencyProof(sizes[i % sizes.length]!));
    ctx.report({
      name: 'ledger.consistency.speedup.vs.transmute',
      value: Math.round(theirs / theirRuns / mine),
      unit: 'x',
      target: 1000,
      goal: 'min',
      details: {
        treeSize: n,
        transmuteMsPerProof: Number((theirs / theirRuns).toFixed(1)),
        oursMsPerProof: mine,
        theirRuns,
        ourRuns,
      },
    });
  }
}
