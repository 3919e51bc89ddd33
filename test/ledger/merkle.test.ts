/**
 * RFC 6962/9162 known answers (the Certificate Transparency reference tree) and the rejection cases
 * of proof verification, each with the reason it must give.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { bitLength, popcount, shr, splitPoint, trailingZeros, xor } from '../../src/ledger/bits.js';
import { LedgerError } from '../../src/ledger/errors.js';
import {
  assertConsistency,
  assertInclusion,
  checkConsistency,
  checkInclusion,
  consistencyProofFromLeaves,
  EMPTY_ROOT,
  inclusionProofFromLeaves,
  leafHash,
  nodeHash,
  rootFromInclusionProof,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/merkle.js';
import { CT_INPUTS, CT_ROOTS, EMPTY_ROOT_HEX, hex, hexAll, leaves, unhex } from './helpers.js';

const CT_LEAVES = CT_INPUTS.map(leafHash);
const root = (n: number) => unhex(CT_ROOTS[n - 1]!);

describe('RFC 6962 reference tree', () => {
  test('the empty tree hashes to SHA-256("")', () => {
    assert.equal(hex(EMPTY_ROOT), EMPTY_ROOT_HEX);
    assert.equal(hex(rootOf([])), EMPTY_ROOT_HEX);
  });

  for (let n = 1; n <= 8; n++) {
    test(`root of the first ${n} leaves`, () =>
      assert.equal(hex(rootOf(CT_LEAVES.slice(0, n))), CT_ROOTS[n - 1]));
  }

  test('leaf and node hashes are domain-separated', () => {
    assert.equal(hex(leafHash(new Uint8Array(0))), CT_ROOTS[0]);
    assert.equal(hex(nodeHash(CT_LEAVES[0]!, CT_LEAVES[1]!)), CT_ROOTS[1]);
    assert.notEqual(hex(leafHash(new Uint8Array([1, ...CT_LEAVES[0]!, ...CT_LEAVES[1]!]))), CT_ROOTS[1]);
  });

  // transparency-dev/merkle cmd/proofgen: inclusion and consistency vectors (leaf indices 0-based here).
  const inclusion: [number, number, string[]][] = [
    [0, 1, []],
    [
      0,
      8,
      [
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ],
    ],
    [
      5,
      8,
      [
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ],
    ],
    [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
    [
      1,
      5,
      [
        '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ],
    ],
  ];
  for (const [index, size, want] of inclusion) {
    test(`inclusion proof of leaf ${index} in ${size}`, () => {
      const proof = inclusionProofFromLeaves(index, CT_LEAVES.slice(0, size));
      assert.deepEqual(hexAll(proof), want);
      assert.ok(verifyInclusion(CT_LEAVES[index]!, index, size, proof, root(size)));
      assert.equal(hex(rootFromInclusionProof(CT_LEAVES[index]!, index, size, proof)), CT_ROOTS[size - 1]);
    });
  }

  const consistency: [number, number, string[]][] = [
    [1, 1, []],
    [
      1,
      8,
      [
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ],
    ],
    [
      6,
      8,
      [
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ],
    ],
    [
      2,
      5,
      [
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ],
    ],
    [
      6,
      7,
      [
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ],
    ],
  ];
  for (const [size1, size2, want] of consistency) {
    test(`consistency proof from ${size1} to ${size2}`, () => {
      const proof = consistencyProofFromLeaves(size1, CT_LEAVES.slice(0, size2));
      assert.deepEqual(hexAll(proof), want);
      assert.ok(verifyConsistency(size1, size2, proof, root(size1), root(size2)));
    });
  }
});

describe('inclusion verification refuses', () => {
  const size = 7;
  const index = 4;
  const proof = inclusionProofFromLeaves(index, CT_LEAVES.slice(0, size));
  const leaf = CT_LEAVES[index]!;
  const cases: [string, () => ReturnType<typeof checkInclusion>, string][] = [
    ['an index at the size', () => checkInclusion(leaf, size, size, proof, root(size)), 'index out of range'],
    ['a negative index', () => checkInclusion(leaf, -1, size, proof, root(size)), 'index out of range'],
    ['a fractional index', () => checkInclusion(leaf, 1.5, size, proof, root(size)), 'index out of range'],
    ['an unsafe index', () => checkInclusion(leaf, 2 ** 64, 2 ** 64, proof, root(size)), 'bad tree size'],
    ['NaN as size', () => checkInclusion(leaf, 0, Number.NaN, proof, root(size)), 'bad tree size'],
    ['the empty tree', () => checkInclusion(leaf, 0, 0, [], EMPTY_ROOT), 'index out of range'],
    [
      'a short leaf hash',
      () => checkInclusion(leaf.subarray(1), index, size, proof, root(size)),
      'bad leaf hash',
    ],
    [
      'an extra hash at the end',
      () => checkInclusion(leaf, index, size, [...proof, leaf], root(size)),
      'proof too long',
    ],
    [
      'an extra hash in front',
      () => checkInclusion(leaf, index, size, [leaf, ...proof], root(size)),
      'proof too long',
    ],
    [
      'a missing hash',
      () => checkInclusion(leaf, index, size, proof.slice(1), root(size)),
      'proof too short',
    ],
    ['an empty proof', () => checkInclusion(leaf, index, size, [], root(size)), 'proof too short'],
    [
      'a 31-byte proof element',
      () => checkInclusion(leaf, index, size, [proof[0]!.subarray(1), ...proof.slice(1)], root(size)),
      'bad proof element',
    ],
    ['a root of another size', () => checkInclusion(leaf, index, size, proof, root(8)), 'root mismatch'],
    ['a 33-byte root', () => checkInclusion(leaf, index, size, proof, new Uint8Array(33)), 'bad root'],
    ['another leaf', () => checkInclusion(CT_LEAVES[3]!, index, size, proof, root(size)), 'root mismatch'],
    ['another index', () => checkInclusion(leaf, 5, size, proof, root(size)), 'root mismatch'],
    [
      'another size, other proof length',
      () => checkInclusion(leaf, index, 6, proof, root(size)),
      'proof too long',
    ],
  ];
  for (const [name, run, reason] of cases) {
    test(`${name} (${reason})`, () => {
      const result = run();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, reason);
    });
  }

  test('the size is bound by the root, not by the proof', () => {
    // Leaf 4 hashes up the same way in trees of 7 and 8 leaves, so the pair (proof, root of 7) also
    // "verifies" at size 8. RFC 6962 relies on the signed checkpoint binding size and root together,
    // which is why callers must take both from the same checkpoint.
    assert.ok(verifyInclusion(leaf, index, 8, proof, root(size)));
  });

  test('assertInclusion throws a LedgerError naming the reason', () => {
    assert.throws(
      () => assertInclusion(leaf, index, size, [...proof, leaf], root(size)),
      (err: unknown) =>
        err instanceof LedgerError && err.reason === 'proof too long' && /want 3/.test(err.message),
    );
    assert.doesNotThrow(() => assertInclusion(leaf, index, size, proof, root(size)));
  });

  test('rootFromInclusionProof throws on malformed input', () => {
    assert.throws(() => rootFromInclusionProof(leaf, index, size, []), { reason: 'proof too short' });
  });
});

describe('consistency verification refuses', () => {
  const all = CT_LEAVES.slice(0, 7);
  const proof = consistencyProofFromLeaves(3, all);
  const [r3, r7] = [root(3), root(7)];
  const cases: [string, () => ReturnType<typeof checkConsistency>, string][] = [
    ['size1 above size2', () => checkConsistency(7, 3, proof, r7, r3), 'size1 above size2'],
    ['size1 zero', () => checkConsistency(0, 7, proof, EMPTY_ROOT, r7), 'empty first tree'],
    ['equal sizes with a proof', () => checkConsistency(7, 7, proof, r7, r7), 'proof too long'],
    ['equal sizes, different roots', () => checkConsistency(7, 7, [], r3, r7), 'root mismatch'],
    ['an empty proof', () => checkConsistency(3, 7, [], r3, r7), 'proof too short'],
    ['a trailing hash', () => checkConsistency(3, 7, [...proof, r3], r3, r7), 'proof too long'],
    ['a missing hash', () => checkConsistency(3, 7, proof.slice(0, -1), r3, r7), 'proof too short'],
    [
      'a short element',
      () => checkConsistency(3, 7, [proof[0]!.subarray(2), ...proof.slice(1)], r3, r7),
      'bad proof element',
    ],
    ['a wrong first root', () => checkConsistency(3, 7, proof, root(4), r7), 'root1 mismatch'],
    ['a wrong second root', () => checkConsistency(3, 7, proof, r3, root(8)), 'root2 mismatch'],
    ['swapped roots', () => checkConsistency(3, 7, proof, r7, r3), 'root1 mismatch'],
    ['a short root', () => checkConsistency(3, 7, proof, r3.subarray(1), r7), 'bad root'],
    ['fractional sizes', () => checkConsistency(3, 7.5, proof, r3, r7), 'bad tree size'],
    ['sizes beyond 2^53', () => checkConsistency(3, 2 ** 60, proof, r3, r7), 'bad tree size'],
  ];
  for (const [name, run, reason] of cases) {
    test(`${name} (${reason})`, () => {
      const result = run();
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, reason);
    });
  }

  test('equal non-zero sizes with equal roots and no proof are consistent', () => {
    assert.ok(verifyConsistency(7, 7, [], r7, r7));
    assert.throws(() => assertConsistency(7, 7, [], r3, r7), LedgerError);
  });

  test('a power-of-two first size omits its own root from the proof', () => {
    const p = consistencyProofFromLeaves(4, CT_LEAVES);
    assert.ok(verifyConsistency(4, 8, p, root(4), root(8)));
    assert.equal(checkConsistency(4, 8, [root(4), ...p], root(4), root(8)).ok, false);
  });
});

describe('53-bit arithmetic', () => {
  const safe = fc.maxSafeNat();
  test('xor, bitLength, popcount, trailingZeros and shr agree with BigInt', () => {
    fc.assert(
      fc.property(safe, safe, fc.integer({ min: 0, max: 53 }), (a, b, k) => {
        const [A, B] = [BigInt(a), BigInt(b)];
        assert.equal(xor(a, b), Number(A ^ B));
        assert.equal(bitLength(a), a === 0 ? 0 : A.toString(2).length);
        assert.equal(popcount(a), [...A.toString(2)].filter((c) => c === '1').length);
        if (a > 0) assert.equal(trailingZeros(a), A.toString(2).length - 1 - A.toString(2).lastIndexOf('1'));
        assert.equal(shr(a, k), Number(A >> BigInt(k)));
      }),
      { numRuns: 2000 },
    );
  });

  test('splitPoint is the largest power of two below n', () => {
    for (const n of [2, 3, 4, 5, 8, 9, 2 ** 31, 2 ** 31 + 1, 2 ** 32 + 1, 2 ** 52 + 7]) {
      const k = splitPoint(n);
      assert.ok(k < n && 2 * k >= n && popcount(k) === 1, `n=${n} k=${k}`);
    }
  });
});

describe('hashing', () => {
  test('nodeHash refuses anything but two 32-byte hashes', () => {
    assert.throws(() => nodeHash(new Uint8Array(31), CT_LEAVES[0]!), { reason: 'bad hash' });
    assert.throws(() => nodeHash(CT_LEAVES[0]!, new Uint8Array(33)), { reason: 'bad hash' });
  });

  test('roots are fresh copies: mutating one changes nothing else', () => {
    rootOf([]).fill(0);
    rootOf([CT_LEAVES[0]!]).fill(0);
    assert.equal(hex(EMPTY_ROOT), EMPTY_ROOT_HEX);
    assert.equal(hex(CT_LEAVES[0]!), CT_ROOTS[0]);
  });
});

describe('from-scratch proofs', () => {
  test('reject bad arguments', () => {
    const l = leaves(4);
    assert.throws(() => inclusionProofFromLeaves(4, l), { reason: 'index out of range' });
    assert.throws(() => consistencyProofFromLeaves(0, l), { reason: 'bad tree size' });
    assert.throws(() => consistencyProofFromLeaves(5, l), { reason: 'bad tree size' });
    assert.throws(() => rootOf([new Uint8Array(31)]), { reason: 'bad leaf hash' });
  });
});
