/**
 * RFC 9162 §2.1 Merkle Tree Hash and proofs, written straight from the RFC's recursive definitions.
 *
 * The Merkle code of this module is hand-written on purpose: no production-grade RFC 6962/9162 library
 * exists on npm (research notes, stack.md "Merkle tree / transparency log": @transmute/rfc9162 is
 * async and O(n) per proof, merkletreejs is not RFC 6962). We keep the code small, follow transparency-dev/merkle's structure,
 * and test it against that project's probe files, the Certificate Transparency reference vectors and
 * @transmute/rfc9162 as an oracle.
 *
 * The functions here take the whole list of leaf hashes and cost O(n) per call: they are the readable
 * specification, used to cross-check the O(log n) machinery (plan.ts, memory.ts) and for small trees.
 * This file also re-exports the hashing and verification functions, so `merkle.js` is the one import
 * for "RFC 9162 Merkle trees".
 */
import { splitPoint } from './bits.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash.js';

export { EMPTY_ROOT, HASH_SIZE, leafHash, nodeHash } from './hash.js';
export {
  assertConsistency,
  assertInclusion,
  checkConsistency,
  checkInclusion,
  checkRootFromInclusionProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify.js';

type Leaves = readonly Uint8Array[];

/** MTH(D[lo:hi]) for hi > lo: the largest-power-of-two split, recursively. */
function mth(leaves: Leaves, lo: number, hi: number): Uint8Array {
  const n = hi - lo;
  if (n === 1) return leaves[lo]!;
  const k = splitPoint(n);
  return nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
}

function checkLeaves(leaves: Leaves): void {
  for (let i = 0; i < leaves.length; i++) {
    if (leaves[i]!.byteLength !== HASH_SIZE) {
      throw new LedgerError(
        'bad leaf hash',
        `leaf hash ${i} is ${leaves[i]!.byteLength} bytes, want ${HASH_SIZE}`,
      );
    }
  }
}

/** The Merkle Tree Hash of a list of leaf hashes (not entries: hash entries with leafHash first). */
export function rootOf(leafHashes: Leaves): Uint8Array {
  checkLeaves(leafHashes);
  if (leafHashes.length === 0) return new Uint8Array(EMPTY_ROOT);
  return leafHashes.length === 1 ? new Uint8Array(leafHashes[0]!) : mth(leafHashes, 0, leafHashes.length);
}

/** PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, the audit path of leaf m within the subtree. */
function path(m: number, leaves: Leaves, lo: number, hi: number, out: Uint8Array[]): void {
  const n = hi - lo;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(m, leaves, lo, lo + k, out);
    out.push(mth(leaves, lo + k, hi));
  } else {
    path(m - k, leaves, lo + k, hi, out);
    out.push(mth(leaves, lo, lo + k));
  }
}

/** The inclusion proof of leaf `index` in the tree made of all of `leafHashes`. O(n). */
export function inclusionProofFromLeaves(index: number, leafHashes: Leaves): Uint8Array[] {
  checkLeaves(leafHashes);
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new LedgerError(
      'index out of range',
      `leaf index ${index} is not below tree size ${leafHashes.length}`,
    );
  }
  const out: Uint8Array[] = [];
  path(index, leafHashes, 0, leafHashes.length, out);
  return out;
}

/** SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1. */
function subproof(m: number, leaves: Leaves, lo: number, hi: number, b: boolean, out: Uint8Array[]): void {
  const n = hi - lo;
  if (m === n) {
    // The subtree is the whole first tree: the verifier knows its hash when it is the first root (b).
    if (!b) out.push(mth(leaves, lo, hi));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(m, leaves, lo, lo + k, b, out);
    out.push(mth(leaves, lo + k, hi));
  } else {
    subproof(m - k, leaves, lo + k, hi, false, out);
    out.push(mth(leaves, lo, lo + k));
  }
}

/**
 * The consistency proof from the first `size1` leaves to all of `leafHashes`. O(n).
 * Requires 0 < size1 ≤ n; equal sizes give the empty proof.
 */
export function consistencyProofFromLeaves(size1: number, leafHashes: Leaves): Uint8Array[] {
  checkLeaves(leafHashes);
  const n = leafHashes.length;
  if (!Number.isSafeInteger(size1) || size1 < 1 || size1 > n) {
    throw new LedgerError('bad tree size', `size1 ${size1} must be between 1 and ${n}`);
  }
  const out: Uint8Array[] = [];
  subproof(size1, leafHashes, 0, n, true, out);
  return out;
}
