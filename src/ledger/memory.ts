/**
 * An in-memory Merkle tree over the (level, index) node store of plan.ts, for tests, tools and as the
 * reference for the database-backed store.
 *
 * Layout: one flat Uint8Array per level, 32 bytes per node, level l holding the ⌊size / 2^l⌋ complete
 * nodes of that level. That is about 2n hashes in all: 64 MB for a million leaves, with no per-node
 * JavaScript object (a Map of Buffers would cost several times more and stress the GC). Arrays grow by
 * doubling, so appends are amortised O(log n), and every proof or past root reads O(log n) nodes.
 */
import { isIndex, shr } from './bits.js';
import { LedgerError } from './errors.js';
import { HASH_SIZE, nodeHashInto } from './hash.js';
import {
  assembleProof,
  borderNodes,
  consistencyPlan,
  inclusionPlan,
  type NodeId,
  rootFromBorder,
} from './plan.js';

export class MemoryTree {
  #levels: Uint8Array[] = [];
  #size = 0;
  readonly #initialCapacity: number;

  /** `initialCapacity`: leaves to reserve room for up front (avoids regrowth when the size is known). */
  constructor(options: { initialCapacity?: number } = {}) {
    this.#initialCapacity = Math.max(1, options.initialCapacity ?? 1024);
  }

  /** Builds a tree from leaf hashes in one go. */
  static from(leafHashes: readonly Uint8Array[]): MemoryTree {
    const tree = new MemoryTree({ initialCapacity: leafHashes.length });
    tree.appendBatch(leafHashes);
    return tree;
  }

  /** Number of leaves. */
  get size(): number {
    return this.#size;
  }

  /** Bytes held by the node arrays (allocated, including room reserved for growth). */
  get byteLength(): number {
    return this.#levels.reduce((sum, level) => sum + level.byteLength, 0);
  }

  /** Makes room for node `index` at `level`, returning that level's array. */
  #reserve(level: number, index: number): Uint8Array {
    let buf = this.#levels[level];
    const need = (index + 1) * HASH_SIZE;
    if (buf === undefined || buf.byteLength < need) {
      const initial = Math.max(1, shr(this.#initialCapacity, level)) * HASH_SIZE;
      const grown = new Uint8Array(Math.max(need, initial, (buf?.byteLength ?? 0) * 2));
      if (buf !== undefined) grown.set(buf);
      this.#levels[level] = grown;
      buf = grown;
    }
    return buf;
  }

  /** Appends a leaf hash (not an entry: see leafHash / entryLeafHash) and returns its index. */
  append(leafHash: Uint8Array): number {
    if (leafHash?.byteLength !== HASH_SIZE) {
      throw new LedgerError(
        'bad leaf hash',
        `leaf hash is ${leafHash?.byteLength ?? 'not a'} bytes, want ${HASH_SIZE}`,
      );
    }
    const leafIndex = this.#size;
    this.#reserve(0, leafIndex).set(leafHash, leafIndex * HASH_SIZE);
    // Each trailing one bit of the index completes a node one level up (see append.ts).
    for (let level = 0, index = leafIndex; index % 2 === 1; level++, index = (index - 1) / 2) {
      const parent = (index - 1) / 2;
      const out = this.#reserve(level + 1, parent);
      const children = this.#levels[level]!;
      nodeHashInto(children, (index - 1) * HASH_SIZE, children, index * HASH_SIZE, out, parent * HASH_SIZE);
    }
    this.#size = leafIndex + 1;
    return leafIndex;
  }

  /** Appends many leaf hashes; returns the index of the first. All are checked before any is added. */
  appendBatch(leafHashes: readonly Uint8Array[]): number {
    leafHashes.forEach((h, i) => {
      if (h?.byteLength !== HASH_SIZE) {
        throw new LedgerError('bad leaf hash', `leaf hash ${i} of the batch is not ${HASH_SIZE} bytes`);
      }
    });
    const first = this.#size;
    if (leafHashes.length > 0) this.#reserve(0, first + leafHashes.length - 1);
    for (const h of leafHashes) this.append(h);
    return first;
  }

  #checkSize(size: number, what = 'tree size'): void {
    if (!isIndex(size) || size > this.#size) {
      throw new LedgerError('size beyond tree', `${what} ${size} is not between 0 and ${this.#size}`);
    }
  }

  /** The hash of stored node (level, index), a copy. */
  getNode(level: number, index: number): Uint8Array {
    if (!isIndex(level) || !isIndex(index) || level >= 53 || index >= shr(this.#size, level)) {
      throw new LedgerError(
        'node not stored',
        `node (${level}, ${index}) is not a complete subtree of ${this.#size} leaves`,
      );
    }
    const offset = index * HASH_SIZE;
    return this.#levels[level]!.slice(offset, offset + HASH_SIZE);
  }

  readonly #read = (id: NodeId): Uint8Array => this.getNode(id.level, id.index);

  /** The root at `size` (default: now). Any past size costs O(log n). */
  root(size: number = this.#size): Uint8Array {
    this.#checkSize(size);
    return rootFromBorder(borderNodes(size).map(this.#read));
  }

  /** Inclusion proof of leaf `index` in the tree of `size` leaves (default: now). */
  inclusionProof(index: number, size: number = this.#size): Uint8Array[] {
    this.#checkSize(size);
    return assembleProof(inclusionPlan(index, size), this.#read);
  }

  /** Consistency proof from the tree of `size1` leaves to the one of `size2` (default: now). */
  consistencyProof(size1: number, size2: number = this.#size): Uint8Array[] {
    this.#checkSize(size2, 'size2');
    return assembleProof(consistencyPlan(size1, size2), this.#read);
  }
}
