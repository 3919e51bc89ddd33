/**
 * Storage-agnostic proof planning, after transparency-dev/merkle's `proof.Inclusion`/`proof.Consistency`.
 *
 * The storage model: a log of n leaves is kept as the hashes of its *complete, power-of-two-aligned
 * subtrees*, addressed by (level, index): node (l, i) covers leaves [i·2^l, (i+1)·2^l) and exists once
 * all those leaves do. Level 0 holds the leaf hashes. Such a node never changes after it is written,
 * so the same store answers questions about every past tree size as well as the current one.
 *
 * A proof for any (index, size) needs at most ~2·log2(n) of those nodes. Some proof elements are not
 * stored nodes but *ephemeral* ones: hashes of incomplete subtrees on the right edge of a tree whose
 * size is not a power of two. Those are rebuilt from the stored nodes that cover them. So every plan
 * says: read these nodes (`nodes`, in order), then fold `nodes[begin, end)` into one hash (from the
 * lowest node leftwards), and keep the rest as they are. A database implementation does one batched
 * `SELECT hash FROM nodes WHERE (level, index) IN (…)` and calls assembleProof.
 */
import { bitLength, isIndex, isPowerOfTwo, shl, shr, trailingZeros, xor } from './bits.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './hash.js';

/** Address of a stored node: level 0 is the leaves; node (l, i) covers leaves [i·2^l, (i+1)·2^l). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export interface ProofPlan {
  /** Stored nodes to read; assembleProof takes their hashes in this order. */
  readonly nodes: readonly NodeId[];
  /** nodes[begin, end) are rehashed into one ephemeral node; begin === end when there is none. */
  readonly begin: number;
  readonly end: number;
}

/** Appends, lowest level first, the nodes covering [start, start + count), start a multiple of 2^⌈log2 count⌉. */
function pushRange(start: number, count: number, out: NodeId[]): void {
  for (let level = 0, rest = count; rest > 0; level++, rest = shr(rest, 1)) {
    if (rest % 2 === 0) continue;
    // The node for this bit sits after every larger node of the range.
    const pos = start + (count - (count % 2 ** (level + 1)));
    out.push({ level, index: shr(pos, level) });
  }
}

/**
 * Nodes proving that node (level, index) is in the tree of `size` leaves: the node itself, its
 * siblings up to the fork with the tree's right edge, the nodes making up the ephemeral sibling of the
 * fork, then the nodes covering everything left of the fork. Port of transparency-dev's `nodes`.
 */
function nodesFor(
  index: number,
  level: number,
  size: number,
): { nodes: NodeId[]; begin: number; end: number } {
  // How many levels above (level, index) its path parts from the path to the (absent) leaf `size`.
  const inner = bitLength(xor(index, shr(size, level))) - 1;
  const forkLevel = level + inner;
  const forkStart = shl(shr(index, inner), forkLevel);
  const forkEnd = forkStart + 2 ** forkLevel;

  const nodes: NodeId[] = [{ level, index }];
  for (let l = level, i = index; l < forkLevel; l++, i = shr(i, 1)) {
    nodes.push({ level: l, index: i % 2 === 0 ? i + 1 : i - 1 });
  }
  const begin = nodes.length;
  pushRange(forkEnd, size - forkEnd, nodes); // The ephemeral node: [forkEnd, size).
  const end = nodes.length;
  pushRange(0, forkStart, nodes); // Everything to the left: [0, forkStart).
  return begin < end ? { nodes, begin, end } : { nodes, begin: 0, end: 0 };
}

/** Drops the first node (the one being proven, which the verifier already has). */
function skipFirst(p: { nodes: NodeId[]; begin: number; end: number }): ProofPlan {
  const nodes = p.nodes.slice(1);
  return p.begin < p.end ? { nodes, begin: p.begin - 1, end: p.end - 1 } : { nodes, begin: 0, end: 0 };
}

/** What to read to build the inclusion proof of leaf `index` in the tree of `size` leaves. */
export function inclusionPlan(index: number, size: number): ProofPlan {
  if (!isIndex(size))
    throw new LedgerError('bad tree size', `tree size ${size} is not a non-negative safe integer`);
  if (!isIndex(index) || index >= size) {
    throw new LedgerError('index out of range', `leaf index ${index} is not below tree size ${size}`);
  }
  return skipFirst(nodesFor(index, 0, size));
}

/** What to read to build the consistency proof between tree sizes 0 < size1 ≤ size2. */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  if (!isIndex(size1) || !isIndex(size2)) {
    throw new LedgerError(
      'bad tree size',
      `tree sizes ${size1} and ${size2} must be non-negative safe integers`,
    );
  }
  if (size1 === 0)
    throw new LedgerError('empty first tree', 'a consistency proof from the empty tree is meaningless');
  if (size1 > size2) throw new LedgerError('size1 above size2', `size1 ${size1} is above size2 ${size2}`);
  if (size1 === size2) return { nodes: [], begin: 0, end: 0 };
  // The largest complete subtree ending at size1 is a node of both trees; prove its place in tree 2.
  const level = trailingZeros(size1);
  const p = nodesFor(shr(size1 - 1, level), level, size2);
  // When size1 is a power of two that node is the first tree's root, which the verifier already has.
  return isPowerOfTwo(size1) ? skipFirst(p) : { nodes: p.nodes, begin: p.begin, end: p.end };
}

/** Hashes for a plan: an array in plan order, or a lookup by node id. */
export type NodeHashes = readonly Uint8Array[] | ((id: NodeId) => Uint8Array);

/** Builds the proof from the hashes of the plan's nodes (port of transparency-dev's `Rehash`). */
export function assembleProof(plan: ProofPlan, hashes: NodeHashes): Uint8Array[] {
  const get =
    typeof hashes === 'function' ? (i: number) => hashes(plan.nodes[i]!) : (i: number) => hashes[i]!;
  if (typeof hashes !== 'function' && hashes.length !== plan.nodes.length) {
    throw new LedgerError(
      'hash count mismatch',
      `got ${hashes.length} hashes for ${plan.nodes.length} nodes`,
    );
  }
  const read = (i: number): Uint8Array => {
    const h = get(i);
    if (h?.byteLength !== HASH_SIZE) {
      const id = plan.nodes[i]!;
      throw new LedgerError('bad node hash', `node (${id.level}, ${id.index}) has no ${HASH_SIZE}-byte hash`);
    }
    return h;
  };
  const proof: Uint8Array[] = [];
  for (let i = 0; i < plan.nodes.length; i++) {
    if (i === plan.begin && plan.begin < plan.end) {
      // Fold the ephemeral node's parts: they are ordered from the lowest (rightmost) upwards.
      let h = read(i);
      for (i++; i < plan.end; i++) h = nodeHash(read(i), h);
      i--;
      proof.push(h);
    } else {
      proof.push(read(i));
    }
  }
  return proof;
}

/**
 * The right border of a tree of `size` leaves: the complete subtrees that exactly cover [0, size),
 * largest (leftmost) first. At most log2(size) + 1 nodes. They give the root, and they are all an
 * append needs to read.
 */
export function borderNodes(size: number): NodeId[] {
  if (!isIndex(size))
    throw new LedgerError('bad tree size', `tree size ${size} is not a non-negative safe integer`);
  const nodes: NodeId[] = [];
  pushRange(0, size, nodes);
  return nodes.reverse();
}

/** The root of a tree from the hashes of its borderNodes, in the same order. */
export function rootFromBorder(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return new Uint8Array(EMPTY_ROOT);
  // A one-node border is the root itself: copy it, so callers never alias a store's hash.
  let root = hashes.length === 1 ? new Uint8Array(hashes[0]!) : hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i]!, root);
  return root;
}
