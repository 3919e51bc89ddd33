/**
 * The strongest individual chains behind a party's stake, for the explanation only (the stake itself
 * never enumerates paths). A* over partial chains, ordered by
 *   value so far × the strongest single chain that can still follow,
 * an exact bound when the chain rules below do not bite, so the search walks little more than the
 * chains it returns, strongest first, and stops after `limit` of them.
 * Chains follow the same rules as the stake: inside the party's group they go down the control tree at
 * full weight, then leave it through a holding and never come back into it, and they never revisit an
 * entity (a cycle walked once more is the same explanation, only weaker).
 */
import type { StakePath, StakePathStep } from '../ownership.js';
import { type Forest, inSubtree } from './control.js';
import type { Graph } from './graph.js';

/** Builds (and may share) the step for `node`, holding fraction `pct` of the next one. */
export type StepFactory = (node: number, pct: number, controlled: boolean) => StakePathStep;
/** Converts a fraction to the reported percentage. */
export type Percent = (fraction: number) => number;

export interface PathChannel {
  coef: Float64Array;
  /** The strongest single chain from each entity to the provider. */
  best: Float64Array;
  /** Fewest hops from each entity to the provider. */
  hops: Int32Array;
  /** The strongest chain leaving each entity's subtree: bounds a chain still inside a group. */
  bestOut: Float64Array;
}

const MAX_HOPS = 12;
const MAX_POPS = 2_000;
const MAX_STATES = 16_384;
const CONTROLLED = 1;
const INSIDE = 2;

export function pathChannel(g: Graph, f: Forest, coef: Float64Array, best: Float64Array, hops: Int32Array) {
  return { coef, best, hops, bestOut: bestOutOfSubtree(g, f, coef, best) };
}

/** Bound for chains that start inside x's subtree, for every x at once (bottom-up over the forest). */
function bestOutOfSubtree(g: Graph, f: Forest, coef: Float64Array, best: Float64Array): Float64Array {
  const out = new Float64Array(g.n);
  for (let i = f.byTin.length - 1; i >= 0; i--) {
    const x = f.byTin[i]!;
    let m = out[x]!;
    for (let k = g.outStart[x]!; k < g.outStart[x + 1]!; k++) {
      const w = g.outTo[k]!;
      if (w !== g.provider && inSubtree(f, w, x)) continue;
      const v = coef[k]! * best[w]!;
      if (v > m) m = v;
    }
    out[x] = m;
    const p = f.parent[x]!;
    if (p !== -1 && m > out[p]!) out[p] = m;
  }
  return out;
}

/**
 * Search state in flat arrays. They start small and double up to MAX_STATES, and live at module level:
 * a declaration's graph has a handful of entities and is evaluated often, and allocating (zero-filling)
 * them per look-through cost more than the search itself. Sharing is safe because a search is
 * synchronous and never re-entered.
 */
class SearchBuffers {
  capacity = 64;
  node = new Int32Array(this.capacity);
  prev = new Int32Array(this.capacity);
  hops = new Int32Array(this.capacity);
  flags = new Uint8Array(this.capacity);
  hop = new Float64Array(this.capacity);
  value = new Float64Array(this.capacity);
  priority = new Float64Array(this.capacity);
  heap = new Int32Array(this.capacity);

  grow(): void {
    const size = Math.min(MAX_STATES, this.capacity * 2);
    const widen = <T extends Int32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.node = widen(this.node, (n) => new Int32Array(n));
    this.prev = widen(this.prev, (n) => new Int32Array(n));
    this.hops = widen(this.hops, (n) => new Int32Array(n));
    this.flags = widen(this.flags, (n) => new Uint8Array(n));
    this.hop = widen(this.hop, (n) => new Float64Array(n));
    this.value = widen(this.value, (n) => new Float64Array(n));
    this.priority = widen(this.priority, (n) => new Float64Array(n));
    this.heap = widen(this.heap, (n) => new Int32Array(n));
    this.capacity = size;
  }
}

const shared = new SearchBuffers();

export class PathSearch {
  private readonly b = shared;
  private states = 0;
  private size = 0;

  constructor(
    private readonly g: Graph,
    private readonly f: Forest,
  ) {}

  /**
   * `twin` is the other measure (votes for capital): `same` tells whether every weight and bound this
   * search looked at is equal there, in which case a search on the twin would return the same paths.
   */
  strongest(
    ch: PathChannel,
    twin: PathChannel,
    party: number,
    limit: number,
    step: StepFactory,
    percent: Percent,
  ): { paths: StakePath[]; same: boolean } {
    // Buffers are read through `this.b` each time: a push may grow (replace) them.
    const { g, f } = this;
    const { provider, outStart, outTo } = g;
    const { coef, best, bestOut } = ch;
    const lo = f.tin[party]!;
    const hi = f.tout[party]!;
    this.states = 0;
    this.size = 0;
    const found: StakePath[] = [];
    let same = bestOut[party] === twin.bestOut[party];
    this.push(party, -1, 0, INSIDE, 1, bestOut[party]!);
    for (let pops = 0; this.size > 0 && pops < MAX_POPS && found.length < limit; pops++) {
      const s = this.pop();
      const x = this.b.node[s]!;
      if (x === provider) {
        found.push(this.rebuild(s, step, percent));
        continue;
      }
      if (this.b.hops[s]! >= MAX_HOPS) continue;
      const val = this.b.value[s]!;
      if (this.b.flags[s]! & INSIDE) {
        for (let k = f.childStart[x]!; k < f.childStart[x + 1]!; k++) {
          const c = f.children[k]!;
          // The provider is the destination, never a step inside a group.
          if (c === provider) continue;
          const pct = this.direct(x, c, coef);
          same &&= pct === this.direct(x, c, twin.coef) && bestOut[c] === twin.bestOut[c];
          this.push(c, s, pct, CONTROLLED | INSIDE, val, bestOut[c]!);
        }
      }
      for (let k = outStart[x]!; k < outStart[x + 1]!; k++) {
        const w = outTo[k]!;
        const c = coef[k]!;
        same &&= c === twin.coef[k] && (w === provider || best[w] === twin.best[w]);
        if (c <= 0) continue;
        if (w === provider) {
          this.push(w, s, c, 0, val * c, 1);
          continue;
        }
        const t = f.tin[w]!;
        const inGroup = t >= lo && t < hi;
        // Chains that cannot reach the provider within the hop limit are not worth a state.
        const feasible = this.b.hops[s]! + 1 + ch.hops[w]! <= MAX_HOPS;
        if (!inGroup && feasible && !this.onPath(s, w)) this.push(w, s, c, 0, val * c, best[w]!);
      }
    }
    return { paths: found, same };
  }

  private push(v: number, from: number, pct: number, flags: number, val: number, bound: number): void {
    const p = val * bound;
    if (!(p > 1e-15) || this.states >= MAX_STATES) return;
    if (this.states >= this.b.capacity) this.b.grow();
    const id = this.states++;
    this.b.node[id] = v;
    this.b.prev[id] = from;
    this.b.hop[id] = pct;
    this.b.flags[id] = flags;
    this.b.value[id] = val;
    this.b.hops[id] = from === -1 ? 0 : this.b.hops[from]! + 1;
    this.b.priority[id] = p;
    const heap = this.b.heap;
    let i = this.size++;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!this.better(id, heap[up]!)) break;
      heap[i] = heap[up]!;
      i = up;
    }
    heap[i] = id;
  }

  private pop(): number {
    const heap = this.b.heap;
    const top = heap[0]!;
    const last = heap[--this.size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const child = r < this.size && this.better(heap[r]!, heap[l]!) ? r : l;
      if (!this.better(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Higher priority first; ties by creation order, so results never depend on heap internals. */
  private better(x: number, y: number): boolean {
    const px = this.b.priority[x]!;
    const py = this.b.priority[y]!;
    return px > py || (px === py && x < y);
  }

  private onPath(s: number, v: number): boolean {
    for (let x = s; x !== -1; x = this.b.prev[x]!) if (this.b.node[x] === v) return true;
    return false;
  }

  private direct(from: number, to: number, coef: Float64Array): number {
    const { outStart, outTo } = this.g;
    for (let k = outStart[from]!; k < outStart[from + 1]!; k++) if (outTo[k] === to) return coef[k]!;
    return 0;
  }

  private rebuild(s: number, step: StepFactory, percent: Percent): StakePath {
    const steps: StakePathStep[] = [];
    let next = 0;
    for (let x = s; x !== -1; x = this.b.prev[x]!) {
      steps.push(step(this.b.node[x]!, next, (this.b.flags[x]! & CONTROLLED) !== 0));
      next = this.b.hop[x]!;
    }
    steps.reverse();
    return { steps, effectivePct: percent(this.b.value[s]!) };
  }
}
