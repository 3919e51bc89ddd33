/**
 * Verification of inclusion and consistency proofs, following RFC 9162 §2.1.3.2 and §2.1.4.2 step by
 * step (the fn/sn loops below are the RFC's, numbered as in the RFC).
 *
 * Before running the RFC loop, each function works out the exact proof length the sizes imply (the
 * decomposition used by transparency-dev/merkle) so that a failure can say *why*: 'proof too long' and
 * 'proof too short' instead of a bare root mismatch. The RFC loop alone would reject those proofs too;
 * the pre-check only makes the reason precise.
 *
 * Three families of functions, same logic:
 *   check*    → Check ({ok:true} or {ok:false, reason, message}), never throws;
 *   verify*   → boolean;
 *   assert*   → throws LedgerError naming the reason.
 */
import { bitLength, isIndex, isPowerOfTwo, popcount, shr, trailingZeros, xor } from './bits.js';
import { bytesEqual } from './encoding.js';
import { type Check, type Failure, fail, LedgerError, OK, orThrow } from './errors.js';
import { HASH_SIZE, nodeHash } from './hash.js';

/** Lengths of the two parts of an inclusion proof (transparency-dev's decompInclProof). */
function decompose(index: number, size: number): { inner: number; border: number } {
  const inner = bitLength(xor(index, size - 1));
  return { inner, border: popcount(shr(index, inner)) };
}

function checkElements(proof: readonly Uint8Array[]): Check {
  for (let i = 0; i < proof.length; i++) {
    const len = proof[i]!.byteLength;
    if (len !== HASH_SIZE) return fail('bad proof element', `proof[${i}] is ${len} bytes, want ${HASH_SIZE}`);
  }
  return OK;
}

function checkLength(got: number, want: number): Check {
  if (got > want) return fail('proof too long', `proof has ${got} hashes, want ${want}`);
  if (got < want) return fail('proof too short', `proof has ${got} hashes, want ${want}`);
  return OK;
}

type RootResult = { ok: true; root: Uint8Array } | Failure;

/** Recomputes the root a proof implies for the leaf; fails on malformed input (not on a wrong root). */
export function checkRootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): RootResult {
  if (!isIndex(size)) return fail('bad tree size', `tree size ${size} is not a non-negative safe integer`);
  if (!isIndex(index) || index >= size) {
    return fail('index out of range', `leaf index ${index} is not below tree size ${size}`);
  }
  if (leafHash.byteLength !== HASH_SIZE) {
    return fail('bad leaf hash', `leaf hash is ${leafHash.byteLength} bytes, want ${HASH_SIZE}`);
  }
  const { inner, border } = decompose(index, size);
  const shape = checkLength(proof.length, inner + border);
  if (!shape.ok) return shape;
  const elements = checkElements(proof);
  if (!elements.ok) return elements;

  // RFC 9162 §2.1.3.2. Step 1 (leaf_index < tree_size) is checked above.
  let fn = index; // 2.
  let sn = size - 1;
  let r = leafHash; // 3.
  for (const p of proof) {
    // 4.
    if (sn === 0) return fail('proof too long'); // a. (unreachable after the length check)
    if (fn % 2 === 1 || fn === sn) {
      // b.
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        // ii. Climb while this node is a left child: its right sibling does not exist at this size.
        fn = shr(fn, 1);
        sn = shr(sn, 1);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = shr(fn, 1); // c.
    sn = shr(sn, 1);
  }
  if (sn !== 0) return fail('proof too short'); // 5. (unreachable after the length check)
  return { ok: true, root: r };
}

/** The root a valid inclusion proof implies, or a LedgerError for malformed input. */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array {
  const result = checkRootFromInclusionProof(leafHash, index, size, proof);
  if (!result.ok) throw new LedgerError(result.reason, result.message);
  return result.root;
}

/** Does `proof` show that `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`? */
export function checkInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Check {
  const result = checkRootFromInclusionProof(leafHash, index, size, proof);
  if (!result.ok) return result;
  if (root.byteLength !== HASH_SIZE)
    return fail('bad root', `root is ${root.byteLength} bytes, want ${HASH_SIZE}`);
  if (!bytesEqual(result.root, root)) {
    return fail('root mismatch', `the proof leads to a different root for leaf ${index} of ${size}`);
  }
  return OK;
}

export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  return checkInclusion(leafHash, index, size, proof, root).ok;
}

export function assertInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  orThrow(checkInclusion(leafHash, index, size, proof, root));
}

/** Expected consistency proof length for 0 < size1 < size2. */
function consistencyLength(size1: number, size2: number): number {
  const { inner, border } = decompose(size1 - 1, size2);
  const shift = trailingZeros(size1);
  // When size1 is a power of two the first tree's root is itself a node of the second tree, and the
  // proof omits it (the verifier already has it); otherwise the proof starts with that node.
  return inner - shift + border + (isPowerOfTwo(size1) ? 0 : 1);
}

/** Does `proof` show that the tree (size2, root2) extends the tree (size1, root1), 0 < size1 ≤ size2? */
export function checkConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Check {
  if (!isIndex(size1) || !isIndex(size2)) {
    return fail('bad tree size', `tree sizes ${size1} and ${size2} must be non-negative safe integers`);
  }
  if (size1 > size2) return fail('size1 above size2', `size1 ${size1} is above size2 ${size2}`);
  // A consistency proof from the empty tree proves nothing (every tree extends it), so it is refused
  // rather than accepted vacuously, even between two empty trees (as transparency-dev's probes require).
  if (size1 === 0) return fail('empty first tree', 'a consistency proof from the empty tree is meaningless');
  if (size1 === size2) {
    // Not a proof but a comparison: the roots are compared as given, whatever their length.
    if (proof.length !== 0)
      return fail('proof too long', `sizes are equal but the proof has ${proof.length} hashes`);
    if (!bytesEqual(root1, root2))
      return fail('root mismatch', `sizes are equal (${size1}) but the roots differ`);
    return OK;
  }
  for (const [name, r] of [
    ['root1', root1],
    ['root2', root2],
  ] as const) {
    if (r.byteLength !== HASH_SIZE)
      return fail('bad root', `${name} is ${r.byteLength} bytes, want ${HASH_SIZE}`);
  }
  // RFC 9162 §2.1.4.2 step 1: an empty proof fails (reported with the precise length below).
  const shape = checkLength(proof.length, consistencyLength(size1, size2));
  if (!shape.ok) return shape;
  const elements = checkElements(proof);
  if (!elements.ok) return elements;

  // 2. If first is an exact power of 2, prepend first_hash to the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1; // 3.
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    // 4.
    fn = shr(fn, 1);
    sn = shr(sn, 1);
  }
  let fr = path[0]!; // 5.
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    // 6.
    const c = path[i]!;
    if (sn === 0) return fail('proof too long'); // a. (unreachable after the length check)
    if (fn % 2 === 1 || fn === sn) {
      // b.
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        // iii.
        fn = shr(fn, 1);
        sn = shr(sn, 1);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = shr(fn, 1); // c.
    sn = shr(sn, 1);
  }
  // 7.
  if (sn !== 0) return fail('proof too short');
  if (!bytesEqual(fr, root1))
    return fail('root1 mismatch', `the proof does not lead to root1 at size ${size1}`);
  if (!bytesEqual(sr, root2))
    return fail('root2 mismatch', `the proof does not lead to root2 at size ${size2}`);
  return OK;
}

export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  return checkConsistency(size1, size2, proof, root1, root2).ok;
}

export function assertConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  orThrow(checkConsistency(size1, size2, proof, root1, root2));
}
