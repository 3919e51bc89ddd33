/**
 * Indexed form of an ownership input: typed-array adjacency in both directions, so the 100k-entity
 * look-through stays in flat memory instead of millions of small objects.
 */
import type { OwnershipInput } from '../ownership.js';

export interface ProviderRight {
  holder: number;
  right: 'vetoRight' | 'appointsBoardMajority';
}

export interface Graph {
  n: number;
  /** -1 when the provider id is not among the entities. */
  provider: number;
  ids: string[];
  names: string[];
  countries: string[];
  nonEu: Uint8Array;
  /** Entities that can reach the provider (or hold a special right on it); nothing else can matter. */
  relevant: Uint8Array;
  /** Out-links (holder → held), between relevant entities only, none from the provider. Fractions 0..1. */
  outStart: Int32Array;
  outTo: Int32Array;
  outCap: Float64Array;
  outVote: Float64Array;
  /** The same links grouped by held entity. */
  inStart: Int32Array;
  inFrom: Int32Array;
  inCap: Float64Array;
  inVote: Float64Array;
  rights: ProviderRight[];
}

function pct(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}

export function buildGraph(input: OwnershipInput): Graph {
  const index = new Map<string, number>();
  const ids: string[] = [];
  const names: string[] = [];
  const countries: string[] = [];
  for (const e of input.entities ?? []) {
    if (!e || typeof e.id !== 'string' || index.has(e.id)) continue;
    index.set(e.id, ids.length);
    ids.push(e.id);
    names.push(typeof e.name === 'string' ? e.name : e.id);
    countries.push(typeof e.country === 'string' ? e.country : '');
  }
  const n = ids.length;
  const eu = new Set<string>();
  for (const c of input.euCountries ?? []) if (typeof c === 'string') eu.add(c.trim().toUpperCase());
  const nonEu = new Uint8Array(n);
  // An unknown or empty country is treated as non-EU: the label must not be granted on missing data.
  const isEu = new Map<string, boolean>();
  for (let i = 0; i < n; i++) {
    const country = countries[i]!;
    let known = isEu.get(country);
    if (known === undefined) {
      known = eu.has(country.trim().toUpperCase());
      isEu.set(country, known);
    }
    nonEu[i] = known ? 0 : 1;
  }
  const provider = index.get(input.providerId) ?? -1;

  // Links resolved to indices in flat arrays; the provider is a pure sink: what it holds says nothing
  // about who holds it, and control or chains running through it would leave it only to come back.
  const links = input.links ?? [];
  const lHolder = new Int32Array(links.length);
  const lHeld = new Int32Array(links.length);
  const lCap = new Float64Array(links.length);
  const lVote = new Float64Array(links.length);
  let count = 0;
  const rights: ProviderRight[] = [];
  const rightSeen = new Set<string>();
  for (const l of links) {
    if (!l) continue;
    const h = index.get(l.holder);
    const d = index.get(l.held);
    if (h === undefined || d === undefined || h === d) continue;
    const cap = pct(l.capitalPct);
    const vote = l.votingPct === undefined || l.votingPct === null ? cap : pct(l.votingPct);
    if (d === provider) {
      for (const right of ['vetoRight', 'appointsBoardMajority'] as const) {
        if (l[right] !== true || rightSeen.has(`${h}:${right}`)) continue;
        rightSeen.add(`${h}:${right}`);
        rights.push({ holder: h, right });
      }
    }
    if ((cap <= 0 && vote <= 0) || h === provider) continue;
    lHolder[count] = h;
    lHeld[count] = d;
    lCap[count] = cap;
    lVote[count] = vote;
    count++;
  }

  // Several links between the same pair (share classes, successive purchases) add up: group by holder,
  // then merge equal targets within each holder's run.
  const byHolder = csr(n, lHolder, count, () => true);
  const pHolder = new Int32Array(count);
  const pHeld = new Int32Array(count);
  const pCap = new Float64Array(count);
  const pVote = new Float64Array(count);
  const slot = new Int32Array(n).fill(-1);
  let pairs = 0;
  for (let h = 0; h < n; h++) {
    const first = pairs;
    for (let i = byHolder.start[h]!; i < byHolder.start[h + 1]!; i++) {
      const k = byHolder.order[i]!;
      const d = lHeld[k]!;
      let p = slot[d]!;
      if (p < first) {
        p = pairs++;
        slot[d] = p;
        pHolder[p] = h;
        pHeld[p] = d;
      }
      pCap[p] = Math.min(100, pCap[p]! + lCap[k]!);
      pVote[p] = Math.min(100, pVote[p]! + lVote[k]!);
    }
  }

  const relevant = new Uint8Array(n);
  if (provider >= 0) {
    const all = csr(n, pHeld, pairs, () => true);
    const queue = new Int32Array(n);
    let tail = 0;
    const seed = (v: number) => {
      if (relevant[v]) return;
      relevant[v] = 1;
      queue[tail++] = v;
    };
    seed(provider);
    for (const r of rights) seed(r.holder);
    for (let head = 0; head < tail; head++) {
      const v = queue[head]!;
      for (let k = all.start[v]!; k < all.start[v + 1]!; k++) seed(pHolder[all.order[k]!]!);
    }
  }

  const keep = (k: number) => relevant[pHolder[k]!] === 1 && relevant[pHeld[k]!] === 1;
  const out = csr(n, pHolder, pairs, keep);
  const inn = csr(n, pHeld, pairs, keep);
  return {
    n,
    provider,
    ids,
    names,
    countries,
    nonEu,
    relevant,
    outStart: out.start,
    outTo: gather(out.order, pHeld),
    outCap: fractions(out.order, pCap),
    outVote: fractions(out.order, pVote),
    inStart: inn.start,
    inFrom: gather(inn.order, pHolder),
    inCap: fractions(inn.order, pCap),
    inVote: fractions(inn.order, pVote),
    rights,
  };
}

function gather(order: Int32Array, from: Int32Array): Int32Array {
  const out = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = from[order[i]!]!;
  return out;
}

function fractions(order: Int32Array, from: Float64Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = from[order[i]!]! / 100;
  return out;
}

/** Counting sort of pair indices by `key`; within a bucket pairs keep input order, for determinism. */
function csr(
  n: number,
  key: Int32Array,
  count: number,
  keep: (k: number) => boolean,
): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(n + 1);
  let kept = 0;
  for (let k = 0; k < count; k++) {
    if (!keep(k)) continue;
    start[key[k]! + 1]!++;
    kept++;
  }
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const order = new Int32Array(kept);
  for (let k = 0; k < count; k++) {
    if (!keep(k)) continue;
    order[fill[key[k]!]!++] = k;
  }
  return { start, order };
}
