/**
 * Strongly connected components and the non-negative linear systems x = c + A·x built on them.
 * Components are solved dependencies first, so acyclic parts cost one pass and only genuine
 * cross-holdings iterate; Tarjan is iterative because recursion would overflow on 100k-entity chains.
 */

export interface Scc {
  /** Component of each node, -1 when excluded. Numbered in completion order: dependencies first. */
  comp: Int32Array;
  count: number;
  memberStart: Int32Array;
  members: Int32Array;
}

export interface LinearSystem {
  n: number;
  /** CSR of dependencies: node v depends on adj[start[v] .. start[v+1]) with those coefficients. */
  start: Int32Array;
  adj: Int32Array;
  coefA: Float64Array;
  coefB: Float64Array;
  constA: Float64Array;
  constB: Float64Array;
  include: Uint8Array;
  /** A node whose value is its constant alone (-1 for none): the absorbing provider. */
  sink: number;
  /** Values are clamped to [0, ceiling]; only a bound against divergence on inconsistent inputs. */
  ceiling: number;
}

/** Convergence threshold on values that are fractions of 1. */
const EPSILON = 1e-12;

export function tarjan(n: number, start: Int32Array, adj: Int32Array, include: Uint8Array, sink = -1): Scc {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  let sp = 0;
  let csp = 0;
  let counter = 0;
  let count = 0;
  const end = (v: number) => (v === sink ? start[v]! : start[v + 1]!);
  for (let s = 0; s < n; s++) {
    if (!include[s] || index[s] !== -1) continue;
    index[s] = low[s] = counter++;
    stack[sp++] = s;
    onStack[s] = 1;
    callNode[csp] = s;
    callEdge[csp++] = start[s]!;
    while (csp > 0) {
      const v = callNode[csp - 1]!;
      const e = callEdge[csp - 1]!;
      if (e < end(v)) {
        callEdge[csp - 1] = e + 1;
        const w = adj[e]!;
        if (!include[w]) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[csp] = w;
          callEdge[csp++] = start[w]!;
        } else if (onStack[w] && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      if (low[v] === index[v]) {
        let x: number;
        do {
          x = stack[--sp]!;
          onStack[x] = 0;
          comp[x] = count;
        } while (x !== v);
        count++;
      }
      csp--;
      if (csp > 0) {
        const u = callNode[csp - 1]!;
        if (low[v]! < low[u]!) low[u] = low[v]!;
      }
    }
  }
  const memberStart = new Int32Array(count + 1);
  for (let v = 0; v < n; v++) if (comp[v]! >= 0) memberStart[comp[v]! + 1]!++;
  for (let c = 0; c < count; c++) memberStart[c + 1]! += memberStart[c]!;
  const fill = memberStart.slice(0, count);
  const members = new Int32Array(memberStart[count]!);
  for (let v = 0; v < n; v++) if (comp[v]! >= 0) members[fill[comp[v]!]!++] = v;
  return { comp, count, memberStart, members };
}

/**
 * Solves x = clamp(c + A·x) for two channels at once (capital and votes share every structure).
 * Within a cyclic component, Gauss-Seidel from 0 rises monotonically to the least solution, i.e. the
 * sum of the infinite series. The series diverges only where a set of entities holds all of its own
 * shares, or on inconsistent inputs (holdings above 100 %); the iteration cap and the ceiling keep
 * those finite.
 */
export function solveLinear(sys: LinearSystem, scc?: Scc): { a: Float64Array; b: Float64Array; scc: Scc } {
  const { n, start, adj, coefA, coefB, constA, constB, include, sink, ceiling } = sys;
  const s = scc ?? tarjan(n, start, adj, include, sink);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const update = (v: number): number => {
    let sa = constA[v]!;
    let sb = constB[v]!;
    if (v !== sink) {
      for (let k = start[v]!; k < start[v + 1]!; k++) {
        const w = adj[k]!;
        if (!include[w]) continue;
        sa += coefA[k]! * a[w]!;
        sb += coefB[k]! * b[w]!;
      }
    }
    sa = Math.max(0, Math.min(ceiling, sa));
    sb = Math.max(0, Math.min(ceiling, sb));
    const delta = Math.max(Math.abs(sa - a[v]!), Math.abs(sb - b[v]!));
    a[v] = sa;
    b[v] = sb;
    return delta;
  };
  for (let c = 0; c < s.count; c++) {
    const from = s.memberStart[c]!;
    const to = s.memberStart[c + 1]!;
    if (to - from === 1 && !selfLoop(s.members[from]!, start, adj, sink)) {
      update(s.members[from]!);
      continue;
    }
    let edges = 0;
    for (let i = from; i < to; i++) {
      const v = s.members[i]!;
      edges += start[v + 1]! - start[v]! + 1;
    }
    const maxIterations = Math.max(200, Math.min(10_000, Math.floor(5e7 / edges)));
    for (let it = 0; it < maxIterations; it++) {
      let change = 0;
      for (let i = from; i < to; i++) {
        const d = update(s.members[i]!);
        if (d > change) change = d;
      }
      if (change < EPSILON) break;
    }
  }
  return { a, b, scc: s };
}

function selfLoop(v: number, start: Int32Array, adj: Int32Array, sink: number): boolean {
  if (v === sink) return false;
  for (let k = start[v]!; k < start[v + 1]!; k++) if (adj[k] === v) return true;
  return false;
}

/**
 * x(v) = max(c(v), max over deps of coef·x(dep)) for two channels: the strongest single chain.
 * With coefficients ≤ 1 a cycle never improves a chain, so sweeps stop changing after at most one
 * per member of a component; values only grow, so the loop ends on exact equality.
 */
export function solveMax(sys: LinearSystem, scc: Scc): { a: Float64Array; b: Float64Array } {
  const { n, start, adj, coefA, coefB, constA, constB, include, sink } = sys;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const update = (v: number): boolean => {
    let ma = constA[v]!;
    let mb = constB[v]!;
    if (v !== sink) {
      for (let k = start[v]!; k < start[v + 1]!; k++) {
        const w = adj[k]!;
        if (!include[w]) continue;
        const xa = coefA[k]! * a[w]!;
        const xb = coefB[k]! * b[w]!;
        if (xa > ma) ma = xa;
        if (xb > mb) mb = xb;
      }
    }
    const changed = ma > a[v]! || mb > b[v]!;
    a[v] = ma;
    b[v] = mb;
    return changed;
  };
  for (let c = 0; c < scc.count; c++) {
    const from = scc.memberStart[c]!;
    const to = scc.memberStart[c + 1]!;
    for (let sweep = 0; sweep <= to - from; sweep++) {
      let changed = false;
      for (let i = from; i < to; i++) if (update(scc.members[i]!)) changed = true;
      if (!changed || to - from === 1) break;
    }
  }
  return { a, b };
}
