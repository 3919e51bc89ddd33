/**
 * Effective stakes of every party at once, and the collective non-EU share.
 *
 * econ(v): the pro-rata share of the provider v reaches along all chains, with no control boost (one
 * backward linear system). A party's stake is then what its control group sends out of itself:
 *   stake(P) = Σ over links m→w, m in P's group, w outside it, of pct(m,w)·econ(w)   (econ(provider) = 1)
 * summed for every P in one pass over the control forest (add at m, cancel at lca(m, w) when w is also
 * in the tree, so the link only counts for the groups that contain m but not w).
 * That is exact unless a chain leaving the group can come back into it; such parties are found from
 * the link structure and recomputed on the small region where chains can return (see refineStake).
 */
import { type Forest, inSubtree, lca } from './control.js';
import type { Graph } from './graph.js';
import { type LinearSystem, type Scc, solveLinear, solveMax } from './linear.js';

/**
 * econ(v) may exceed 1: an entity that indirectly holds some of its own shares passes 1 / (1 − that
 * share) of its holdings to its other shareholders. Only a party's final stake is capped at 100 %.
 */
export const ECON_CEILING = 1e9;

export interface Economic {
  a: Float64Array;
  b: Float64Array;
  /** The strongest single chain from each entity: the bound of the explanation search. */
  bestA: Float64Array;
  bestB: Float64Array;
  /** Fewest hops from each entity to the provider: prunes explanation chains that cannot finish. */
  hops: Int32Array;
  scc: Scc;
  /** Longest chain from a source component; strictly grows along a link between components. */
  level: Int32Array;
  /** Longest chain down to a sink component; strictly shrinks along a link between components. */
  height: Int32Array;
}

export function computeEconomic(g: Graph): Economic {
  const constA = new Float64Array(g.n);
  const constB = new Float64Array(g.n);
  if (g.provider >= 0) {
    constA[g.provider] = 1;
    constB[g.provider] = 1;
  }
  const sys: LinearSystem = {
    n: g.n,
    start: g.outStart,
    adj: g.outTo,
    coefA: g.outCap,
    coefB: g.outVote,
    constA,
    constB,
    include: g.relevant,
    sink: g.provider,
    ceiling: ECON_CEILING,
  };
  const { a, b, scc } = solveLinear(sys);
  const best = solveMax(sys, scc);
  const compHeight = new Int32Array(scc.count);
  for (let c = 0; c < scc.count; c++) {
    for (let i = scc.memberStart[c]!; i < scc.memberStart[c + 1]!; i++) {
      const v = scc.members[i]!;
      for (let k = g.outStart[v]!; k < g.outStart[v + 1]!; k++) {
        const cw = scc.comp[g.outTo[k]!]!;
        if (cw !== c && compHeight[c]! < compHeight[cw]! + 1) compHeight[c] = compHeight[cw]! + 1;
      }
    }
  }
  const compLevel = new Int32Array(scc.count);
  // Components are numbered sinks first, so walking them backwards visits every holder before its holdings.
  for (let c = scc.count - 1; c >= 0; c--) {
    for (let i = scc.memberStart[c]!; i < scc.memberStart[c + 1]!; i++) {
      const v = scc.members[i]!;
      for (let k = g.outStart[v]!; k < g.outStart[v + 1]!; k++) {
        const cw = scc.comp[g.outTo[k]!]!;
        if (cw !== c && compLevel[cw]! < compLevel[c]! + 1) compLevel[cw] = compLevel[c]! + 1;
      }
    }
  }
  const level = new Int32Array(g.n).fill(-1);
  const height = new Int32Array(g.n).fill(-1);
  for (let v = 0; v < g.n; v++) {
    const c = scc.comp[v]!;
    if (c < 0) continue;
    level[v] = compLevel[c]!;
    height[v] = compHeight[c]!;
  }
  return { a, b, bestA: best.a, bestB: best.b, hops: hopsToProvider(g), scc, level, height };
}

function hopsToProvider(g: Graph): Int32Array {
  const hops = new Int32Array(g.n).fill(-1);
  if (g.provider < 0) return hops;
  const queue = new Int32Array(g.n);
  let tail = 0;
  hops[g.provider] = 0;
  queue[tail++] = g.provider;
  for (let head = 0; head < tail; head++) {
    const v = queue[head]!;
    for (let k = g.inStart[v]!; k < g.inStart[v + 1]!; k++) {
      const h = g.inFrom[k]!;
      if (hops[h] !== -1) continue;
      hops[h] = hops[v]! + 1;
      queue[tail++] = h;
    }
  }
  return hops;
}

/** Necessary (not sufficient) condition for a chain of links from `from` to `to`. */
export function mayReach(econ: Economic, from: number, to: number): boolean {
  if (econ.scc.comp[from] === econ.scc.comp[to]) return true;
  return econ.level[to]! > econ.level[from]! && econ.height[to]! < econ.height[from]!;
}

export interface GroupStakes {
  /** Stake of each party's control group, before refinement: exact unless `reentry` is set. */
  a: Float64Array;
  b: Float64Array;
  reentry: Uint8Array;
}

export function groupStakes(g: Graph, f: Forest, econ: Economic): GroupStakes {
  const { n, provider, relevant, outStart, outTo, outCap, outVote } = g;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const reentry = new Uint8Array(n);
  for (let m = 0; m < n; m++) {
    if (!relevant[m] || m === provider) continue;
    for (let k = outStart[m]!; k < outStart[m + 1]!; k++) {
      const w = outTo[k]!;
      // A holding in one's own subsidiary is inside the group: it adds nothing and cancels nothing.
      if (w !== provider && inSubtree(f, w, m)) continue;
      const va = outCap[k]! * econ.a[w]!;
      const vb = outVote[k]! * econ.b[w]!;
      a[m]! += va;
      b[m]! += vb;
      // The provider is never absorbed into a group: holdings in it always count at their percentage.
      if (w === provider) continue;
      const top = lca(f, m, w);
      if (top !== -1) {
        a[top]! -= va;
        b[top]! -= vb;
      }
    }
  }
  for (let i = f.byTin.length - 1; i >= 0; i--) {
    const v = f.byTin[i]!;
    const p = f.parent[v]!;
    if (p === -1) continue;
    a[p]! += a[v]!;
    b[p]! += b[v]!;
  }

  // A chain leaves group(A) and comes back through a link u→x with x in the group and u outside it,
  // provided A reaches u. Reachability is only screened (mayReach); a false alarm costs a check.
  for (let u = 0; u < n; u++) {
    if (!relevant[u] || u === provider) continue;
    for (let k = outStart[u]!; k < outStart[u + 1]!; k++) {
      const x = outTo[k]!;
      if (x === provider) continue;
      for (let anc = x; anc !== -1 && !inSubtree(f, u, anc); anc = f.parent[anc]!) {
        if (anc !== provider && mayReach(econ, anc, u)) reentry[anc] = 1;
      }
    }
  }
  return { a, b, reentry };
}

export interface RefineScratch {
  mark: Int32Array;
  value: Float64Array;
  valueB: Float64Array;
  list: Int32Array;
  stamp: number;
}

export function refineScratch(n: number): RefineScratch {
  return {
    mark: new Int32Array(n),
    value: new Float64Array(n),
    valueB: new Float64Array(n),
    list: new Int32Array(n),
    stamp: 0,
  };
}

/**
 * Exact first-passage stake of P's group: chains that come back into the group are dropped. Solved on
 * the region reachable from the group that might reach it again; everywhere else econ is already exact.
 * Returns the work done (edge visits) so the caller can bound the total, NaN stakes when nothing comes
 * back after all (the unrefined stake stands), or null if `budget` ran out.
 */
export function refineStake(
  g: Graph,
  f: Forest,
  econ: Economic,
  window: GroupWindow,
  party: number,
  scratch: RefineScratch,
  budget: number,
): { a: number; b: number; work: number } | null {
  const { provider, outStart, outTo, outCap, outVote } = g;
  const { mark, value, valueB, list } = scratch;
  const stamp = ++scratch.stamp;
  const lo = f.tin[party]!;
  const hi = f.tout[party]!;
  const { tin, byTin } = f;
  const { level, height } = econ;
  const econA = econ.a;
  const econB = econ.b;
  const ceiling = window.maxLevel[party]!;
  const floor = window.minHeight[party]!;
  let size = 0;
  let work = 0;
  let reenters = false;
  // Breadth-first from the group's members, then through what they reach outside it.
  for (let member = lo, next = 0; ; ) {
    let v: number;
    const outside = member >= hi;
    if (!outside) {
      v = byTin[member++]!;
      if (v === provider) continue;
    } else if (next < size) {
      v = list[next++]!;
    } else {
      break;
    }
    const end = outStart[v + 1]!;
    for (let k = outStart[v]!; k < end; k++) {
      const w = outTo[k]!;
      if (w === provider || mark[w] === stamp) continue;
      const t = tin[w]!;
      if (t >= lo && t < hi) {
        reenters ||= outside;
        continue;
      }
      if (level[w]! > ceiling || height[w]! < floor) continue;
      mark[w] = stamp;
      value[w] = 0;
      valueB[w] = 0;
      list[size++] = w;
    }
    work += end - outStart[v]!;
    if (work > budget) return null;
  }
  // The screening was a false alarm: nothing reachable links back, the unrefined stake is exact.
  if (!reenters) return { a: Number.NaN, b: Number.NaN, work };
  // Deeper levels first: on the acyclic part one sweep is exact, cycles need a few more.
  const region = list.subarray(0, size).sort((x, y) => econ.level[y]! - econ.level[x]! || x - y);
  // What v's holdings outside the group are worth, along chains that never come back into it.
  let outA = 0;
  let outB = 0;
  const sumOut = (v: number) => {
    let sa = 0;
    let sb = 0;
    for (let k = outStart[v]!; k < outStart[v + 1]!; k++) {
      const w = outTo[k]!;
      if (w === provider) {
        sa += outCap[k]!;
        sb += outVote[k]!;
        continue;
      }
      const t = tin[w]!;
      if (t >= lo && t < hi) continue;
      const own = mark[w] === stamp;
      sa += outCap[k]! * (own ? value[w]! : econA[w]!);
      sb += outVote[k]! * (own ? valueB[w]! : econB[w]!);
    }
    outA = sa;
    outB = sb;
  };
  let edges = 1;
  for (const v of region) edges += outStart[v + 1]! - outStart[v]!;
  const maxIterations = Math.max(50, Math.min(10_000, Math.floor((budget - work) / edges)));
  for (let it = 0; it < maxIterations; it++) {
    let change = 0;
    for (const v of region) {
      sumOut(v);
      const sa = Math.min(ECON_CEILING, outA);
      const sb = Math.min(ECON_CEILING, outB);
      change = Math.max(change, Math.abs(sa - value[v]!), Math.abs(sb - valueB[v]!));
      value[v] = sa;
      valueB[v] = sb;
    }
    work += edges;
    if (change < 1e-13) break;
  }
  let a = 0;
  let b = 0;
  for (let i = lo; i < hi; i++) {
    const m = f.byTin[i]!;
    if (m === provider) continue;
    sumOut(m);
    a += outA;
    b += outB;
  }
  return { a, b, work };
}

/**
 * Where a chain can come back into each group from: only from entities whose level is at most the
 * group's highest and whose height is at least the group's lowest (the provider excepted).
 */
export interface GroupWindow {
  maxLevel: Int32Array;
  minHeight: Int32Array;
}

export function groupWindows(g: Graph, f: Forest, econ: Economic): GroupWindow {
  const maxLevel = new Int32Array(g.n).fill(-1);
  const minHeight = new Int32Array(g.n).fill(0x7fffffff);
  for (let i = f.byTin.length - 1; i >= 0; i--) {
    const v = f.byTin[i]!;
    if (v !== g.provider) {
      if (econ.level[v]! > maxLevel[v]!) maxLevel[v] = econ.level[v]!;
      if (econ.height[v]! < minHeight[v]!) minHeight[v] = econ.height[v]!;
    }
    const p = f.parent[v]!;
    if (p === -1) continue;
    if (maxLevel[v]! > maxLevel[p]!) maxLevel[p] = maxLevel[v]!;
    if (minHeight[v]! < minHeight[p]!) minHeight[p] = minHeight[v]!;
  }
  return { maxLevel, minHeight };
}

/**
 * Collective non-EU share: n(X) = Σ holders H of X, pct(H,X)·(1 if H counts as non-EU, else n(H)).
 * Going up from the provider, each holding is credited once, to the first non-EU entity met.
 * The provider holding its own holders is a loop back to the start and carries nothing.
 * Holders sit in the same or a later component than what they hold, so the link graph's components,
 * taken backwards, already order this system; cyclic ones iterate from 0 up to the series' sum.
 */
export function nonEuTotals(g: Graph, econ: Economic, nonEuish: Uint8Array): { a: number; b: number } {
  const { n, provider, inStart, inFrom, inCap, inVote } = g;
  if (provider < 0) return { a: 0, b: 0 };
  const { scc } = econ;
  const shareA = new Float64Array(n);
  const shareB = new Float64Array(n);
  const update = (x: number): number => {
    let sa = 0;
    let sb = 0;
    for (let k = inStart[x]!; k < inStart[x + 1]!; k++) {
      const h = inFrom[k]!;
      if (h === provider) continue;
      const outside = nonEuish[h] === 1;
      sa += inCap[k]! * (outside ? 1 : shareA[h]!);
      sb += inVote[k]! * (outside ? 1 : shareB[h]!);
    }
    sa = Math.min(1, sa);
    sb = Math.min(1, sb);
    const change = Math.max(Math.abs(sa - shareA[x]!), Math.abs(sb - shareB[x]!));
    shareA[x] = sa;
    shareB[x] = sb;
    return change;
  };
  for (let c = scc.count - 1; c >= 0; c--) {
    const from = scc.memberStart[c]!;
    const to = scc.memberStart[c + 1]!;
    if (to - from === 1) {
      update(scc.members[from]!);
      continue;
    }
    for (let it = 0; it < 10_000; it++) {
      let change = 0;
      for (let i = from; i < to; i++) change = Math.max(change, update(scc.members[i]!));
      if (change < 1e-13) break;
    }
  }
  return { a: shareA[provider]!, b: shareB[provider]! };
}
