/**
 * The O(log n) machinery (plans, appends, the in-memory store) against the O(n) from-scratch
 * definitions, exhaustively on small trees and on "uniform" trees of up to 2^52 leaves.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { appendLeaf, appendLeaves, appendPlan, Frontier, type StoredNode } from '../../src/ledger/append.js';
import { bitLength } from '../../src/ledger/bits.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { MemoryTree } from '../../src/ledger/memory.js';
import {
  consistencyProofFromLeaves,
  inclusionProofFromLeaves,
  leafHash,
  nodeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/merkle.js';
import {
  assembleProof,
  borderNodes,
  consistencyPlan,
  inclusionPlan,
  type NodeId,
  type ProofPlan,
  rootFromBorder,
} from '../../src/ledger/plan.js';
import { CT_INPUTS, hex, hexAll, leaves } from './helpers.js';

const MAX = 70;
const all = leaves(MAX);
const tree = MemoryTree.from(all);

/** Every node a plan names must be a complete subtree of the tree it is about. */
function assertStored(plan: ProofPlan, size: number): void {
  for (const { level, index } of plan.nodes) {
    assert.ok(
      index < Math.floor(size / 2 ** level),
      `node (${level}, ${index}) is not complete at size ${size}`,
    );
  }
  assert.ok(plan.nodes.length <= 2 * bitLength(size), `plan of ${plan.nodes.length} nodes for size ${size}`);
}

describe('plans against from-scratch proofs', () => {
  test(`every inclusion proof up to size ${MAX}`, () => {
    for (let size = 1; size <= MAX; size++) {
      const prefix = all.slice(0, size);
      for (let index = 0; index < size; index++) {
        const plan = inclusionPlan(index, size);
        assertStored(plan, size);
        const hashes = plan.nodes.map((id) => tree.getNode(id.level, id.index));
        const want = hexAll(inclusionProofFromLeaves(index, prefix));
        assert.deepEqual(hexAll(assembleProof(plan, hashes)), want, `index ${index} size ${size}`);
        assert.deepEqual(hexAll(tree.inclusionProof(index, size)), want);
      }
    }
  });

  test(`every consistency proof up to size ${MAX}`, () => {
    for (let size2 = 1; size2 <= MAX; size2++) {
      const prefix = all.slice(0, size2);
      for (let size1 = 1; size1 <= size2; size1++) {
        const plan = consistencyPlan(size1, size2);
        assertStored(plan, size2);
        const want = hexAll(consistencyProofFromLeaves(size1, prefix));
        assert.deepEqual(
          hexAll(assembleProof(plan, (id) => tree.getNode(id.level, id.index))),
          want,
          `${size1}→${size2}`,
        );
        assert.deepEqual(hexAll(tree.consistencyProof(size1, size2)), want);
      }
    }
  });

  test(`every past root up to size ${MAX}`, () => {
    for (let size = 0; size <= MAX; size++)
      assert.equal(hex(tree.root(size)), hex(rootOf(all.slice(0, size))));
  });

  test('plans refuse what has no proof', () => {
    assert.throws(() => inclusionPlan(5, 5), { reason: 'index out of range' });
    assert.throws(() => inclusionPlan(0, -1), { reason: 'bad tree size' });
    assert.throws(() => consistencyPlan(0, 5), { reason: 'empty first tree' });
    assert.throws(() => consistencyPlan(6, 5), { reason: 'size1 above size2' });
    assert.deepEqual(consistencyPlan(5, 5).nodes, []);
  });

  test('assembleProof refuses missing or malformed hashes', () => {
    const plan = inclusionPlan(3, 7);
    assert.throws(() => assembleProof(plan, []), { reason: 'hash count mismatch' });
    assert.throws(() => assembleProof(plan, () => new Uint8Array(3)), { reason: 'bad node hash' });
  });
});

/** A tree whose every leaf is the same hash: a complete node depends only on its level. */
function uniform(): (id: NodeId) => Uint8Array {
  const byLevel = [leafHash(new Uint8Array([42]))];
  for (let l = 1; l <= 53; l++) byLevel.push(nodeHash(byLevel[l - 1]!, byLevel[l - 1]!));
  return (id) => byLevel[id.level]!;
}

describe('trees beyond 32-bit sizes', () => {
  const read = uniform();
  const rootAt = (size: number) => rootFromBorder(borderNodes(size).map(read));
  const big = fc.integer({ min: 2, max: 2 ** 52 });

  test('inclusion proofs from plans verify', () => {
    fc.assert(
      fc.property(big, fc.double({ min: 0, max: 1, noNaN: true }), (size, f) => {
        const index = Math.min(size - 1, Math.floor(f * size));
        const plan = inclusionPlan(index, size);
        assertStored(plan, size);
        assert.ok(
          verifyInclusion(read({ level: 0, index }), index, size, assembleProof(plan, read), rootAt(size)),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('consistency proofs from plans verify', () => {
    fc.assert(
      fc.property(big, fc.double({ min: 0, max: 1, noNaN: true }), (size2, f) => {
        const size1 = Math.max(1, Math.floor(f * size2));
        const plan = consistencyPlan(size1, size2);
        assertStored(plan, size2);
        assert.ok(verifyConsistency(size1, size2, assembleProof(plan, read), rootAt(size1), rootAt(size2)));
      }),
      { numRuns: 300 },
    );
  });

  test('the border of 2^52 + 2^31 + 1 leaves', () => {
    const size = 2 ** 52 + 2 ** 31 + 1;
    assert.deepEqual(borderNodes(size), [
      { level: 52, index: 0 },
      { level: 31, index: 2 ** 21 },
      { level: 0, index: 2 ** 52 + 2 ** 31 },
    ]);
    assert.deepEqual(appendPlan(size), [{ level: 0, index: size - 1 }]);
  });
});

describe('appending through a node store', () => {
  const key = (level: number, index: number) => `${level}/${index}`;

  test('appendLeaf, one at a time, writes exactly the nodes MemoryTree holds', () => {
    const store = new Map<string, Uint8Array>();
    for (let i = 0; i < MAX; i++) {
      const reads: NodeId[] = [];
      const written = appendLeaf(i, all[i]!, (id) => {
        reads.push(id);
        return store.get(key(id.level, id.index))!;
      });
      assert.deepEqual(reads, appendPlan(i));
      assert.ok(reads.length <= bitLength(i));
      for (const n of written) store.set(key(n.level, n.index), n.hash);
    }
    assertSameNodes(store, tree, MAX);
  });

  test('appendLeaves in uneven batches reads only the border and writes the same nodes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 20 }), (cuts) => {
        const store = new Map<string, Uint8Array>();
        let size = 0;
        for (const c of [...cuts, MAX]) {
          const end = Math.min(MAX, size + c);
          let reads = 0;
          const written = appendLeaves(size, all.slice(size, end), (id) => {
            reads++;
            return store.get(key(id.level, id.index))!;
          });
          assert.equal(reads, borderNodes(size).length);
          for (const n of written) store.set(key(n.level, n.index), n.hash);
          size = end;
          if (size === MAX) break;
        }
        assertSameNodes(store, tree, MAX);
      }),
      { numRuns: 50 },
    );
  });

  test('a Frontier resumed from a stored border continues the same tree', () => {
    const f = Frontier.fromBorder(
      37,
      borderNodes(37).map((id) => tree.getNode(id.level, id.index)),
    );
    const emitted: StoredNode[] = [];
    for (let i = 37; i < MAX; i++) f.append(all[i]!, (n) => emitted.push(n));
    assert.equal(hex(f.root()), hex(tree.root()));
    for (const n of emitted) assert.equal(hex(n.hash), hex(tree.getNode(n.level, n.index)));
    assert.deepEqual(
      f.border().map((n) => ({ level: n.level, index: n.index })),
      borderNodes(MAX),
    );
    assert.throws(() => Frontier.fromBorder(37, []), { reason: 'hash count mismatch' });
  });

  test('appendLeaf refuses a bad leaf or a missing neighbour', () => {
    assert.throws(() => appendLeaf(0, new Uint8Array(31), () => new Uint8Array(32)), LedgerError);
    assert.throws(() => appendLeaf(1, all[1]!, () => undefined as unknown as Uint8Array), {
      reason: 'bad node hash',
    });
  });
});

function assertSameNodes(store: Map<string, Uint8Array>, t: MemoryTree, size: number): void {
  let count = 0;
  for (let level = 0; 2 ** level <= size; level++) {
    for (let index = 0; index < Math.floor(size / 2 ** level); index++) {
      assert.equal(
        hex(store.get(`${level}/${index}`)!),
        hex(t.getNode(level, index)),
        `node (${level}, ${index})`,
      );
      count++;
    }
  }
  assert.equal(store.size, count, 'no node beyond the complete subtrees');
}

describe('MemoryTree', () => {
  test('stores the reference node hashes (transparency-dev NodeHashes)', () => {
    const t = MemoryTree.from(CT_INPUTS.map(leafHash));
    const want: [number, number, string][] = [
      [0, 1, '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'],
      [0, 7, '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1'],
      [1, 2, '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a'],
      [2, 1, '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
      [3, 0, '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
    ];
    for (const [level, index, h] of want) assert.equal(hex(t.getNode(level, index)), h);
  });

  test('refuses nodes, sizes and leaves that do not exist', () => {
    const t = MemoryTree.from(leaves(5));
    assert.throws(() => t.getNode(1, 2), { reason: 'node not stored' });
    assert.throws(() => t.getNode(3, 0), { reason: 'node not stored' });
    assert.throws(() => t.getNode(-1, 0), { reason: 'node not stored' });
    assert.throws(() => t.root(6), { reason: 'size beyond tree' });
    assert.throws(() => t.inclusionProof(5), { reason: 'index out of range' });
    assert.throws(() => t.consistencyProof(2, 6), { reason: 'size beyond tree' });
    assert.throws(() => t.append(new Uint8Array(33)), { reason: 'bad leaf hash' });
    assert.throws(() => t.appendBatch([leaves(1)[0]!, new Uint8Array(1)]), { reason: 'bad leaf hash' });
    assert.equal(t.size, 5, 'a refused batch adds nothing');
  });

  test('getNode returns a copy', () => {
    const t = MemoryTree.from(leaves(2));
    const before = hex(t.root());
    t.getNode(0, 0).fill(0);
    t.inclusionProof(0)[0]!.fill(0);
    assert.equal(hex(t.root()), before);
  });

  test('grows from a tiny capacity and keeps about 64 bytes per leaf', () => {
    const n = 100_000;
    const l = leaves(n);
    const grown = new MemoryTree({ initialCapacity: 1 });
    for (let i = 0; i < n; i += 1000) grown.appendBatch(l.slice(i, i + 1000));
    const exact = MemoryTree.from(l);
    assert.equal(hex(grown.root()), hex(exact.root()));
    assert.equal(hex(grown.root(12_345)), hex(exact.root(12_345)));
    assert.ok(exact.byteLength <= n * 64 * 1.01, `${exact.byteLength} bytes`);
    assert.ok(grown.byteLength <= n * 64 * 2.1, `${grown.byteLength} bytes`);
  });
});
