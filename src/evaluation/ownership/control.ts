/**
 * Control (Commercial Code L233-3) as a forest: each controlled entity hangs under its nearest
 * controller, so "X controls Y" is "X is an ancestor of Y" and X's control group is X's subtree.
 *
 * For consistent inputs (no entity's votes above 100 %) the controllers of an entity form a chain, since
 * two disjoint groups cannot both hold a majority; the forest is therefore exact, and it grows
 * monotonically while the fixed point is searched, which is why a worklist converges.
 */
import type { Graph } from './graph.js';

/** More than 50 % of the votes; the epsilon absorbs float noise such as 30 + 20.000000000000004. */
const MAJORITY = 0.5 + 1e-9;
const MAX_RESTARTS = 32;

export interface Forest {
  parent: Int32Array;
  /** Pre-order number, -1 for entities outside the graph that matters. tout is exclusive. */
  tin: Int32Array;
  tout: Int32Array;
  depth: Int32Array;
  root: Int32Array;
  byTin: Int32Array;
  childStart: Int32Array;
  children: Int32Array;
}

class UnionFind {
  private readonly up: Int32Array;
  constructor(n: number) {
    this.up = new Int32Array(n);
    for (let i = 0; i < n; i++) this.up[i] = i;
  }
  find(x: number): number {
    const up = this.up;
    while (up[x] !== x) {
      up[x] = up[up[x]!]!;
      x = up[x]!;
    }
    return x;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    // Smaller root wins so the outcome does not depend on the order conflicts were found in.
    if (ra < rb) this.up[rb] = ra;
    else this.up[ra] = rb;
    return true;
  }
}

/**
 * Mutual control is found as a candidate controller sitting below the entity it would control. The
 * entities on that loop are then barred from controlling one another and the fixed point is recomputed
 * from scratch, because control derived through the loop must disappear with it.
 */
export function computeControl(g: Graph): Int32Array {
  const mutual = new UnionFind(g.n);
  for (let attempt = 0; ; attempt++) {
    const { parent, conflicts } = controlPass(g, mutual);
    if (conflicts.length === 0 || attempt >= MAX_RESTARTS) return parent;
    let merged = false;
    for (let i = 0; i < conflicts.length; i += 2) {
      const top = conflicts[i]!;
      const low = conflicts[i + 1]!;
      for (let x = low; x !== -1 && x !== top; x = parent[x]!) merged = mutual.union(x, top) || merged;
      merged = mutual.union(low, top) || merged;
    }
    if (!merged) return parent;
  }
}

/**
 * A direct majority holder is always the nearest controller (no entity below it can gather the other
 * half), so those links are set at once and only the remaining entities go through the worklist. That
 * keeps a long chain of subsidiaries linear instead of re-walking it at every link.
 */
function directMajorities(g: Graph, mutual: UnionFind, parent: Int32Array): void {
  const { n, relevant, inStart, inFrom, inVote } = g;
  for (let y = 0; y < n; y++) {
    if (!relevant[y]) continue;
    let best = -1;
    let bestVote = MAJORITY;
    for (let k = inStart[y]!; k < inStart[y + 1]!; k++) {
      const h = inFrom[k]!;
      if (inVote[k]! > bestVote && mutual.find(h) !== mutual.find(y)) {
        best = h;
        bestVote = inVote[k]!;
      }
    }
    parent[y] = best;
  }
  // Majorities running in a circle are mutual control: nobody on the circle controls the others.
  const state = new Uint8Array(n);
  const path = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    let len = 0;
    let x = v;
    while (x !== -1 && state[x] === 0) {
      state[x] = 1;
      path[len++] = x;
      x = parent[x]!;
    }
    if (x !== -1 && state[x] === 1) {
      const members: number[] = [];
      for (let i = len - 1; i >= 0; i--) {
        members.push(path[i]!);
        if (path[i] === x) break;
      }
      for (const m of members) {
        mutual.union(m, x);
        parent[m] = -1;
      }
    }
    for (let i = 0; i < len; i++) state[path[i]!] = 2;
  }
}

function controlPass(g: Graph, mutual: UnionFind): { parent: Int32Array; conflicts: number[] } {
  const { n, relevant, inStart, inFrom, inVote, outStart, outTo } = g;
  const parent = new Int32Array(n).fill(-1);
  directMajorities(g, mutual, parent);
  const open = new Uint8Array(n);
  for (let v = 0; v < n; v++) open[v] = relevant[v] && parent[v] === -1 ? 1 : 0;
  const firstChild = new Int32Array(n).fill(-1);
  const nextSib = new Int32Array(n).fill(-1);
  const prevSib = new Int32Array(n).fill(-1);
  for (let v = n - 1; v >= 0; v--) {
    const p = parent[v]!;
    if (p === -1) continue;
    nextSib[v] = firstChild[p]!;
    if (firstChild[p] !== -1) prevSib[firstChild[p]!] = v;
    firstChild[p] = v;
  }
  const queue = new Int32Array(n + 1);
  const queued = new Uint8Array(n);
  let head = 0;
  let tail = 0;
  // Only entities without a direct majority holder can change: the others are settled.
  const push = (v: number) => {
    if (queued[v] || !open[v]) return;
    queued[v] = 1;
    queue[tail] = v;
    tail = tail === n ? 0 : tail + 1;
  };
  for (let v = 0; v < n; v++) push(v);

  const acc = new Float64Array(n);
  const depth = new Int32Array(n);
  const below = new Uint8Array(n);
  const stamp = new Int32Array(n);
  const path = new Int32Array(n);
  const touched = new Int32Array(n);
  const stack = new Int32Array(n);
  const conflicts: number[] = [];
  // Consistent inputs settle in a few visits per entity; the cap only stops inconsistent ones from cycling.
  let budget = 64 * n + 4 * inFrom.length + 1024;
  let round = 0;

  while (head !== tail && budget-- > 0) {
    const y = queue[head]!;
    head = head === n ? 0 : head + 1;
    queued[y] = 0;
    round++;
    let touchedCount = 0;
    for (let k = inStart[y]!; k < inStart[y + 1]!; k++) {
      const v = inVote[k]!;
      if (v <= 0) continue;
      // Credit the holder and every entity above it: they all count this holding as their group's.
      let len = 0;
      let hit = false;
      for (let x = inFrom[k]!; x !== -1; x = parent[x]!) {
        if (x === y) {
          hit = true;
          break;
        }
        path[len++] = x;
      }
      for (let i = 0; i < len; i++) {
        const node = path[i]!;
        if (stamp[node] !== round) {
          stamp[node] = round;
          acc[node] = 0;
          below[node] = 0;
          touched[touchedCount++] = node;
        }
        acc[node]! += v;
        if (hit) below[node] = 1;
        else depth[node] = len - 1 - i;
      }
    }
    let best = -1;
    let bestDepth = -1;
    let bestAcc = 0;
    for (let t = 0; t < touchedCount; t++) {
      const node = touched[t]!;
      const a = acc[node]!;
      if (a <= MAJORITY || mutual.find(node) === mutual.find(y)) continue;
      if (below[node]) {
        conflicts.push(y, node);
        continue;
      }
      const d = depth[node]!;
      if (d > bestDepth || (d === bestDepth && (a > bestAcc || (a === bestAcc && node < best)))) {
        best = node;
        bestDepth = d;
        bestAcc = a;
      }
    }
    if (best === parent[y]) continue;

    const old = parent[y]!;
    if (old !== -1) {
      if (prevSib[y] !== -1) nextSib[prevSib[y]!] = nextSib[y]!;
      else firstChild[old] = nextSib[y]!;
      if (nextSib[y] !== -1) prevSib[nextSib[y]!] = prevSib[y]!;
    }
    parent[y] = best;
    prevSib[y] = -1;
    nextSib[y] = -1;
    if (best !== -1) {
      nextSib[y] = firstChild[best]!;
      if (firstChild[best] !== -1) prevSib[firstChild[best]!] = y;
      firstChild[best] = y;
    }
    // Every entity held from y's subtree now has holders with a different chain of controllers above them.
    let sp = 0;
    stack[sp++] = y;
    while (sp > 0) {
      const s = stack[--sp]!;
      for (let k = outStart[s]!; k < outStart[s + 1]!; k++) push(outTo[k]!);
      for (let c = firstChild[s]!; c !== -1; c = nextSib[c]!) stack[sp++] = c;
    }
  }
  return { parent, conflicts };
}

export function buildForest(g: Graph, parent: Int32Array): Forest {
  const { n, relevant } = g;
  const childStart = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) if (relevant[v] && parent[v] !== -1) childStart[parent[v]! + 1]!++;
  for (let i = 0; i < n; i++) childStart[i + 1]! += childStart[i]!;
  const fill = childStart.slice(0, n);
  const children = new Int32Array(childStart[n]!);
  for (let v = 0; v < n; v++) if (relevant[v] && parent[v] !== -1) children[fill[parent[v]!]!++] = v;

  const tin = new Int32Array(n).fill(-1);
  const tout = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const root = new Int32Array(n).fill(-1);
  const byTin = new Int32Array(n);
  const stack = new Int32Array(n);
  let time = 0;
  const walk = (r: number) => {
    let sp = 0;
    stack[sp++] = r;
    depth[r] = 0;
    root[r] = r;
    while (sp > 0) {
      const v = stack[--sp]!;
      tin[v] = time;
      byTin[time++] = v;
      // Pushed in reverse so children are numbered in index order.
      for (let k = childStart[v + 1]! - 1; k >= childStart[v]!; k--) {
        const c = children[k]!;
        depth[c] = depth[v]! + 1;
        root[c] = r;
        stack[sp++] = c;
      }
    }
  };
  for (let v = 0; v < n; v++) if (relevant[v] && parent[v] === -1) walk(v);
  // A cycle in `parent` cannot come out of computeControl; if it ever did, cut it rather than loop.
  for (let v = 0; v < n; v++) {
    if (relevant[v] && tin[v] === -1) {
      parent[v] = -1;
      walk(v);
    }
  }
  const size = new Int32Array(n);
  for (let i = time - 1; i >= 0; i--) {
    const v = byTin[i]!;
    size[v]!++;
    if (parent[v] !== -1) size[parent[v]!]! += size[v]!;
  }
  for (let i = 0; i < time; i++) {
    const v = byTin[i]!;
    tout[v] = tin[v]! + size[v]!;
  }
  return { parent, tin, tout, depth, root, byTin: byTin.subarray(0, time), childStart, children };
}

/** u is a, or is controlled by a. */
export function inSubtree(f: Forest, u: number, a: number): boolean {
  const t = f.tin[u]!;
  return t >= 0 && t >= f.tin[a]! && t < f.tout[a]!;
}

export function lca(f: Forest, a: number, b: number): number {
  if (f.root[a] !== f.root[b] || f.root[a] === -1) return -1;
  const { parent, depth } = f;
  while (depth[a]! > depth[b]!) a = parent[a]!;
  while (depth[b]! > depth[a]!) b = parent[b]!;
  while (a !== b) {
    a = parent[a]!;
    b = parent[b]!;
  }
  return a;
}
