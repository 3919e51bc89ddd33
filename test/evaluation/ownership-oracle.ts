/**
 * Random ownership graphs for the property tests, and a deliberately naive reference: control as an
 * n×n fixed point, stakes by a forward iteration per party. Quadratic and slow, but shares no code
 * or formulation with the look-through (which is backward, tree-based and solved once for all parties).
 */
import fc from 'fast-check';
import type { OwnershipInput, OwnershipLink } from '../../src/evaluation/ownership.js';

export const EU = ['FR', 'DE', 'IT'];
const COUNTRIES = ['FR', 'DE', 'IT', 'US', 'GB', 'CN'];

export interface RawLink {
  holder: number;
  held: number;
  cap: number;
  vote: number | undefined;
  veto: boolean;
  board: boolean;
}

export interface RandomGraph {
  n: number;
  countries: string[];
  links: RawLink[];
}

/**
 * Percentages clustered where the rules bend: small stakes, pairs of ~30 % that only control together,
 * exactly 50 % (not control), and majorities.
 */
const arbPct = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 20 }) },
  { weight: 3, arbitrary: fc.integer({ min: 25, max: 35 }) },
  { weight: 1, arbitrary: fc.constant(50) },
  { weight: 3, arbitrary: fc.integer({ min: 51, max: 100 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 100 }) },
);

/** Mostly chains running down towards the provider (entity 0), with random links making diamonds and cycles. */
export const arbRawGraph = (maxEntities = 30): fc.Arbitrary<RandomGraph> =>
  fc.integer({ min: 2, max: maxEntities }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      countries: fc.array(fc.constantFrom(...COUNTRIES), { minLength: n, maxLength: n }),
      links: fc.array(
        fc
          .record({
            holder: fc.nat({ max: n - 1 }),
            pick: fc.nat({ max: n - 1 }),
            downstream: fc.boolean(),
            cap: arbPct,
            vote: fc.option(arbPct, { nil: undefined, freq: 3 }),
            veto: fc.boolean(),
            board: fc.boolean(),
          })
          .map(({ holder, pick, downstream, ...rest }) => ({
            holder,
            held: downstream ? Math.max(0, holder - 1 - (pick % 3)) : pick,
            ...rest,
          })),
        { minLength: n - 1, maxLength: 2 * n + 2, size: 'max' },
      ),
    }),
  );

/** Consistent graphs: no self-holding, and each entity's capital and votes held at most 100 %. */
export const arbGraph = (maxEntities = 30): fc.Arbitrary<RandomGraph> =>
  arbRawGraph(maxEntities).map(normalise);

export function normalise(g: RandomGraph): RandomGraph {
  const links = g.links.filter((l) => l.holder !== l.held).map((l) => ({ ...l }));
  for (let held = 0; held < g.n; held++) {
    const into = links.filter((l) => l.held === held);
    const capSum = into.reduce((s, l) => s + l.cap, 0);
    const voteSum = into.reduce((s, l) => s + (l.vote ?? l.cap), 0);
    const capScale = capSum > 100 ? 100 / capSum : 1;
    const voteScale = voteSum > 100 ? 100 / voteSum : 1;
    for (const l of into) {
      const vote = Math.floor((l.vote ?? l.cap) * voteScale * 100) / 100;
      l.cap = Math.floor(l.cap * capScale * 100) / 100;
      l.vote = vote === l.cap ? undefined : vote;
    }
  }
  return { ...g, links };
}

export function ids(g: RandomGraph): string[] {
  return Array.from({ length: g.n }, (_, i) => `e${i}`);
}

export function toInput(g: RandomGraph, names: string[] = ids(g)): OwnershipInput {
  return {
    providerId: names[0]!,
    entities: names.map((id, i) => ({ id, name: `Org ${id}`, country: g.countries[i]! })),
    links: g.links.map((l) => {
      const link: OwnershipLink = { holder: names[l.holder]!, held: names[l.held]!, capitalPct: l.cap };
      if (l.vote !== undefined) link.votingPct = l.vote;
      if (l.veto) link.vetoRight = true;
      if (l.board) link.appointsBoardMajority = true;
      return link;
    }),
    euCountries: EU,
  };
}

export interface Reference {
  /** ctrl[x][y]: x controls y. */
  ctrl: boolean[][];
  mutual: boolean;
  capital: number[];
  voting: number[];
  totalCapital: number;
  totalVoting: number;
}

export function reference(g: RandomGraph): Reference {
  const { n } = g;
  const cap = matrix(n);
  const vote = matrix(n);
  for (const l of g.links) {
    // The provider's own holdings are outside the analysis (it is a pure sink).
    if (l.holder === l.held || l.holder === 0) continue;
    cap[l.holder]![l.held]! += l.cap / 100;
    vote[l.holder]![l.held]! += (l.vote ?? l.cap) / 100;
  }
  const ctrl = Array.from({ length: n }, () => new Array<boolean>(n).fill(false));
  for (let changed = true; changed; ) {
    changed = false;
    for (let x = 0; x < n; x++) {
      for (let y = 0; y < n; y++) {
        if (x === y || ctrl[x]![y]) continue;
        let s = 0;
        for (let h = 0; h < n; h++) if (h !== y && (h === x || ctrl[x]![h])) s += vote[h]![y]!;
        if (s > 0.5 + 1e-9) {
          ctrl[x]![y] = true;
          changed = true;
        }
      }
    }
    for (let x = 0; x < n; x++)
      for (let y = 0; y < n; y++)
        if (ctrl[x]![y])
          for (let z = 0; z < n; z++)
            if (z !== x && ctrl[y]![z] && !ctrl[x]![z]) {
              ctrl[x]![z] = true;
              changed = true;
            }
  }
  let mutual = false;
  for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) if (ctrl[x]![y] && ctrl[y]![x]) mutual = true;

  const nonEu = g.countries.map((c) => !EU.includes(c));
  const nonEuish = nonEu.map((ne, h) => ne || nonEu.some((xne, x) => xne && ctrl[x]![h]));
  const capital: number[] = [];
  const voting: number[] = [];
  for (let p = 1; p < n; p++) {
    const group = ctrl[p]!.map((c, y) => (c || y === p) && y !== 0);
    capital[p] = firstPassage(n, cap, group);
    voting[p] = firstPassage(n, vote, group);
  }
  return {
    ctrl,
    mutual,
    capital,
    voting,
    totalCapital: collective(n, cap, nonEuish),
    totalVoting: collective(n, vote, nonEuish),
  };
}

/** Forward: how much of each entity the group reaches along chains that never come back into it. */
function firstPassage(n: number, w: number[][], group: boolean[]): number {
  const x = group.map((inGroup): number => (inGroup ? 1 : 0));
  for (let it = 0; it < 50_000; it++) {
    let change = 0;
    for (let v = 1; v < n; v++) {
      if (group[v]) continue;
      let s = 0;
      for (let u = 1; u < n; u++) s += x[u]! * w[u]![v]!;
      change = Math.max(change, Math.abs(s - x[v]!));
      x[v] = s;
    }
    if (change < 1e-15) break;
  }
  let stake = 0;
  for (let u = 1; u < n; u++) stake += x[u]! * w[u]![0]!;
  return Math.min(1, stake);
}

function collective(n: number, w: number[][], nonEuish: boolean[]): number {
  const share = new Array<number>(n).fill(0);
  for (let it = 0; it < 50_000; it++) {
    let change = 0;
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let h = 1; h < n; h++) s += w[h]![x]! * (nonEuish[h] ? 1 : share[h]!);
      s = Math.min(1, s);
      change = Math.max(change, Math.abs(s - share[x]!));
      share[x] = s;
    }
    if (change < 1e-15) break;
  }
  return share[0]!;
}

function matrix(n: number): number[][] {
  return Array.from({ length: n }, () => new Array<number>(n).fill(0));
}
