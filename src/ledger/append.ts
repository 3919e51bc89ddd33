/**
 * Appending leaves to a tree stored as (level, index) nodes (see plan.ts).
 *
 * Appending leaf number `size` completes one new node per trailing one bit of `size`: the leaf merges
 * with its left neighbour, the result with the next one up, and so on. Those left neighbours are nodes
 * of the right border of the current tree, so an append reads at most log2(n) nodes and writes at most
 * log2(n) + 1: O(log n) per leaf whatever the storage.
 *
 * `Frontier` keeps that border in memory (log2(n) hashes) so a batch, or a streaming audit, reads the
 * store once at the start and then needs no reads at all.
 */
import { isIndex, shr } from './bits.js';
import { LedgerError } from './errors.js';
import { HASH_SIZE, nodeHash } from './hash.js';
import { borderNodes, type NodeId, rootFromBorder } from './plan.js';

/** A node to write: its address and hash. */
export interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}

/** Reads a stored node's hash (synchronously; fetch appendPlan/borderNodes ids first for async stores). */
export type NodeReader = (id: NodeId) => Uint8Array;

function checkLeafHash(h: Uint8Array, what = 'leaf hash'): void {
  if (h?.byteLength !== HASH_SIZE) {
    throw new LedgerError('bad leaf hash', `${what} is ${h?.byteLength ?? 'not a'} bytes, want ${HASH_SIZE}`);
  }
}

/** The stored nodes an append at `size` reads: its left neighbours, lowest level first. */
export function appendPlan(size: number): NodeId[] {
  if (!isIndex(size))
    throw new LedgerError('bad tree size', `tree size ${size} is not a non-negative safe integer`);
  const ids: NodeId[] = [];
  for (let level = 0, index = size; index % 2 === 1; level++, index = shr(index, 1)) {
    ids.push({ level, index: index - 1 });
  }
  return ids;
}

/** The nodes to store when leaf `size` (0-based: the tree grows to size + 1) is appended. */
export function appendLeaf(size: number, leafHash: Uint8Array, read: NodeReader): StoredNode[] {
  checkLeafHash(leafHash);
  const out: StoredNode[] = [{ level: 0, index: size, hash: leafHash }];
  let hash = leafHash;
  for (const left of appendPlan(size)) {
    const sibling = read(left);
    if (sibling?.byteLength !== HASH_SIZE) {
      throw new LedgerError(
        'bad node hash',
        `node (${left.level}, ${left.index}) has no ${HASH_SIZE}-byte hash`,
      );
    }
    hash = nodeHash(sibling, hash);
    out.push({ level: left.level + 1, index: shr(left.index, 1), hash });
  }
  return out;
}

/** The nodes to store when many leaves are appended to a tree of `size` leaves (O(log n) reads in all). */
export function appendLeaves(
  size: number,
  leafHashes: readonly Uint8Array[],
  read: NodeReader,
): StoredNode[] {
  const frontier = Frontier.fromBorder(size, borderNodes(size).map(read));
  const out: StoredNode[] = [];
  const emit = (node: StoredNode) => out.push(node);
  for (const h of leafHashes) frontier.append(h, emit);
  return out;
}

/** The right border of a growing tree, in memory: enough to append and to give the current root. */
export class Frontier {
  // Hashes of borderNodes(size), largest subtree first; stack top = smallest (rightmost) subtree.
  #hashes: Uint8Array[] = [];
  #size = 0;

  /** Resumes from a stored tree: `border` holds the hashes of borderNodes(size), in that order. */
  static fromBorder(size: number, border: readonly Uint8Array[]): Frontier {
    const ids = borderNodes(size);
    if (border.length !== ids.length) {
      throw new LedgerError(
        'hash count mismatch',
        `a tree of ${size} leaves has ${ids.length} border nodes, got ${border.length}`,
      );
    }
    border.forEach((h, i) => {
      checkLeafHash(h, `border node (${ids[i]!.level}, ${ids[i]!.index})`);
    });
    const f = new Frontier();
    f.#hashes = [...border];
    f.#size = size;
    return f;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash; `emit` receives every node this completes, the leaf first. */
  append(leafHash: Uint8Array, emit?: (node: StoredNode) => void): void {
    checkLeafHash(leafHash);
    let hash = leafHash;
    let index = this.#size;
    let level = 0;
    emit?.({ level, index, hash });
    while (index % 2 === 1) {
      hash = nodeHash(this.#hashes.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      emit?.({ level, index, hash });
    }
    this.#hashes.push(hash);
    this.#size++;
  }

  /** The root of the tree of the leaves appended so far. O(log n). */
  root(): Uint8Array {
    return rootFromBorder(this.#hashes);
  }

  /** The border as stored nodes (for persisting a checkpoint of the frontier). */
  border(): StoredNode[] {
    return borderNodes(this.#size).map((id, i) => ({ ...id, hash: this.#hashes[i]! }));
  }
}
