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
  /** The links grouped by held entity. Only the rows of relevant entities are meaningful. */
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
  // One index per input entity. Inserted backwards so that the first of duplicated ids wins with a
  // single map operation each; a later duplicate (or an entry without an id) is a node nothing links to.
  const entities = input.entities ?? [];
  const n = entities.length;
  const index = new Map<string, number>();
  const ids = new Array<string>(n);
  const names = new Array<string>(n);
  const countries = new Array<string>(n);
  for (let i = n - 1; i >= 0; i--) {
    const e = entities[i];
    const id = e && typeof e.id === 'string' ? e.id : '';
    ids[i] = id;
    names[i] = e && typeof e.name === 'string' ? e.name : id;
    countries[i] = e && typeof e.country === 'string' ? e.country : '';
    if (e && typeof e.id === 'string') index.set(id, i);
  }
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
  // then merge equal targets within each holder's run. That grouping is already the out-adjacency.
  const byHolder = sortBy(n, lHolder, count);
  const outStart = new Int32Array(n + 1);
  const pHolder = new Int32Array(count);
  const outTo = new Int32Array(count);
  const outCap = new Float64Array(count);
  const outVote = new Float64Array(count);
  const slot = new Int32Array(n).fill(-1);
  let pairs = 0;
  for (let h = 0; h < n; h++) {
    const first = pairs;
    outStart[h] = first;
    for (let i = byHolder.start[h]!; i < byHolder.start[h + 1]!; i++) {
      const k = byHolder.order[i]!;
      const d = lHeld[k]!;
      let p = slot[d]!;
      if (p < first) {
        p = pairs++;
        slot[d] = p;
        pHolder[p] = h;
        outTo[p] = d;
      }
      outCap[p]! += lCap[k]!;
      outVote[p]! += lVote[k]!;
    }
  }
  outStart[n] = pairs;
  for (let p = 0; p < pairs; p++) {
    outCap[p] = Math.min(100, outCap[p]!) / 100;
    outVote[p] = Math.min(100, outVote[p]!) / 100;
  }

  // The in-adjacency finds what can reach the provider (or holds a right on it), and is kept as it is:
  // whoever holds a relevant entity is relevant, and the rows of the others are never read.
  const byHeld = sortBy(n, outTo, pairs);
  const inStart = byHeld.start;
  const inFrom = new Int32Array(pairs);
  const inCap = new Float64Array(pairs);
  const inVote = new Float64Array(pairs);
  for (let i = 0; i < pairs; i++) {
    const p = byHeld.order[i]!;
    inFrom[i] = pHolder[p]!;
    inCap[i] = outCap[p]!;
    inVote[i] = outVote[p]!;
  }
  const relevant = new Uint8Array(n);
  if (provider >= 0) {
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
      for (let k = inStart[v]!; k < inStart[v + 1]!; k++) seed(inFrom[k]!);
    }
  }

  // Out-adjacency compacted in place to relevant entities: holdings in what cannot reach the provider
  // carry nothing.
  let kept = 0;
  for (let h = 0; h < n; h++) {
    const from = outStart[h]!;
    const to = outStart[h + 1]!;
    outStart[h] = kept;
    if (!relevant[h]) continue;
    for (let p = from; p < to; p++) {
      if (!relevant[outTo[p]!]) continue;
      outTo[kept] = outTo[p]!;
      outCap[kept] = outCap[p]!;
      outVote[kept] = outVote[p]!;
      kept++;
    }
  }
  outStart[n] = kept;
  return {
    n,
    provider,
    ids,
    names,
    countries,
    nonEu,
    relevant,
    outStart,
    outTo: outTo.subarray(0, kept),
    outCap: outCap.subarray(0, kept),
    outVote: outVote.subarray(0, kept),
    inStart,
    inFrom,
    inCap,
    inVote,
    rights,
  };
}

/** Counting sort of indices 0..count-1 by `key`; within a bucket the order is kept, for determinism. */
function sortBy(n: number, key: Int32Array, count: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(n + 1);
  for (let k = 0; k < count; k++) start[key[k]! + 1]!++;
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const order = new Int32Array(count);
  for (let k = 0; k < count; k++) order[fill[key[k]!]!++] = k;
  return { start, order };
}
