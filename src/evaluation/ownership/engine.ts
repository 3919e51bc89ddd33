/**
 * Orchestration of the look-through. `probe` is called between phases so the benchmark can sample the
 * heap while the (synchronous) computation runs; production calls pass nothing.
 */
import type { OwnershipFacts, OwnershipInput, PartyStake, StakePath, StakePathStep } from '../ownership.js';
import { buildForest, computeControl, type Forest } from './control.js';
import { buildGraph, type Graph } from './graph.js';
import { PathSearch, pathChannel } from './paths.js';
import {
  computeEconomic,
  type Economic,
  groupStakes,
  groupWindows,
  nonEuTotals,
  refineScratch,
  refineStake,
} from './stakes.js';

export type Probe = (phase: string) => void;

/** Below this, a stake is float residue of a long cycle, not a holding. */
const NEGLIGIBLE = 1e-12;
/**
 * Edge visits allowed for exact re-entry corrections: real group structures need thousands, the
 * 100k-organisation benchmark about a million; only adversarial nests of cross-held subsidiaries go beyond.
 */
const REFINE_BUDGET = 5e6;
/**
 * Up to this many parties every one is explained. Above, the 20 strongest EU and non-EU parties, and
 * every non-EU party whose stake shows at the two decimals explanations are printed with: a chain that
 * prints "⇒ 0 %" explains nothing, and in large graphs most non-EU parties are that remote.
 */
const EXPLAIN_ALL_UP_TO = 200;
const EXPLAINED_STRONGEST = 20;
const VISIBLE_PCT = 0.005;
const PATHS_PER_PARTY = 5;
/** Shared (frozen) by the parties a big graph does not explain: 200k empty arrays would be garbage. */
const NO_PATHS: StakePath[] = Object.freeze([]) as unknown as StakePath[];

export function runLookThrough(input: OwnershipInput, probe: Probe = () => {}): OwnershipFacts {
  const g = buildGraph(input);
  probe('graph');
  if (g.provider < 0) return emptyFacts();
  const parent = computeControl(g);
  const f = buildForest(g, parent);
  probe('control');
  const econ = computeEconomic(g);
  probe('economic');
  const stakes = groupStakes(g, f, econ);
  probe('groups');
  refineReentries(g, f, econ, stakes);
  probe('refine');

  const { n, provider, nonEu, relevant } = g;
  // Topmost non-EU entity above each entity in the control forest: the one 19.6.b is about.
  const topNonEu = new Int32Array(n).fill(-1);
  for (const v of f.byTin) {
    const p = f.parent[v]!;
    if (p !== -1) topNonEu[v] = topNonEu[p] !== -1 ? topNonEu[p]! : nonEu[p] ? p : -1;
  }
  const nonEuish = new Uint8Array(n);
  for (let v = 0; v < n; v++) nonEuish[v] = nonEu[v] || topNonEu[v] !== -1 ? 1 : 0;
  const totals = nonEuTotals(g, econ, nonEuish);
  probe('totals');

  const controllers = new Uint8Array(n);
  for (let x = f.parent[provider]!; x !== -1; x = f.parent[x]!) controllers[x] = 1;
  const parties: PartyStake[] = [];
  const indexOf: number[] = [];
  for (let v = 0; v < n; v++) {
    if (!relevant[v] || v === provider) continue;
    const cap = clamp(stakes.a[v]!);
    const vote = clamp(stakes.b[v]!);
    if (cap <= NEGLIGIBLE && vote <= NEGLIGIBLE) continue;
    indexOf.push(v);
    parties.push({
      id: g.ids[v]!,
      name: g.names[v]!,
      country: g.countries[v]!,
      eu: !nonEu[v],
      capitalPct: percent(cap),
      votingPct: percent(vote),
      controlsProvider: controllers[v] === 1,
      capitalPaths: NO_PATHS,
      votingPaths: NO_PATHS,
    });
  }
  const keys = Float64Array.from(parties, (p) => Math.max(p.capitalPct, p.votingPct));
  const order = Array.from(parties, (_, i) => i);
  order.sort((x, y) => keys[y]! - keys[x]! || compareIds(parties[x]!.id, parties[y]!.id));
  const sorted = order.map((i) => parties[i]!);
  const sortedIndex = order.map((i) => indexOf[i]!);
  probe('parties');

  explain(g, f, econ, sorted, sortedIndex);
  probe('paths');

  let maxCap: PartyStake | null = null;
  let maxVote: PartyStake | null = null;
  for (const p of sorted) {
    if (p.eu) continue;
    if (maxCap === null || p.capitalPct > maxCap.capitalPct || tieById(p, maxCap, 'capitalPct')) maxCap = p;
    if (maxVote === null || p.votingPct > maxVote.votingPct || tieById(p, maxVote, 'votingPct')) maxVote = p;
  }
  let controller = -1;
  for (let x = f.parent[provider]!; x !== -1; x = f.parent[x]!) if (nonEu[x]) controller = x;

  const specialRights: OwnershipFacts['specialRights'] = [];
  for (const r of g.rights) {
    const party = nonEu[r.holder] ? r.holder : topNonEu[r.holder]!;
    if (party === -1) continue;
    specialRights.push({ holder: g.ids[r.holder]!, right: r.right, nonEuParty: g.ids[party]! });
  }
  specialRights.sort((x, y) => compareIds(x.holder, y.holder) || compareIds(x.right, y.right));

  return {
    parties: sorted,
    nonEu: {
      maxCapitalPct: maxCap?.capitalPct ?? 0,
      maxVotingPct: maxVote?.votingPct ?? 0,
      maxCapitalParty: maxCap && maxCap.capitalPct > 0 ? maxCap.id : null,
      maxVotingParty: maxVote && maxVote.votingPct > 0 ? maxVote.id : null,
      totalCapitalPct: percent(totals.a),
      totalVotingPct: percent(totals.b),
      controlled: controller !== -1,
      controller: controller === -1 ? null : g.ids[controller]!,
    },
    specialRights,
  };
}

function refineReentries(g: Graph, f: Forest, econ: Economic, stakes: ReturnType<typeof groupStakes>): void {
  const window = groupWindows(g, f, econ);
  const scratch = refineScratch(g.n);
  let budget = REFINE_BUDGET;
  // Non-EU parties first: if the budget ever runs out, the figures the label depends on are exact.
  for (const wantNonEu of [1, 0]) {
    for (let v = 0; v < g.n && budget > 0; v++) {
      if (!stakes.reentry[v] || g.nonEu[v] !== wantNonEu) continue;
      const exact = refineStake(g, f, econ, window, v, scratch, budget);
      if (exact === null) {
        budget = 0;
        break;
      }
      budget -= exact.work;
      if (Number.isNaN(exact.a)) continue;
      stakes.a[v] = exact.a;
      stakes.b[v] = exact.b;
    }
  }
}

function explain(g: Graph, f: Forest, econ: Economic, parties: PartyStake[], index: number[]): void {
  const big = parties.length > EXPLAIN_ALL_UP_TO;
  const chosen: number[] = [];
  let eu = 0;
  let nonEu = 0;
  // Parties are sorted strongest first, so the rank within each side is a running count.
  for (let i = 0; i < parties.length; i++) {
    const p = parties[i]!;
    const rank = p.eu ? eu++ : nonEu++;
    const visible = !p.eu && Math.max(p.capitalPct, p.votingPct) >= VISIBLE_PCT;
    if (!big || rank < EXPLAINED_STRONGEST || visible) chosen.push(i);
  }
  if (chosen.length === 0) return;
  const search = new PathSearch(g, f);
  const capital = pathChannel(g, f, g.outCap, econ.bestA, econ.hops);
  const voting = pathChannel(g, f, g.outVote, econ.bestB, econ.hops);
  // Chains converge on the provider, so most steps recur across paths and parties: one frozen object
  // per (entity, holding, control) keeps the output of a 100k-entity graph from dominating the run.
  const steps: Array<StakePathStep[] | undefined> = new Array(g.n);
  const step = (v: number, fraction: number, controlled: boolean): StakePathStep => {
    const pct = percent(fraction);
    let known = steps[v];
    if (known === undefined) {
      known = [];
      steps[v] = known;
    }
    for (const s of known) if (s.pct === pct && s.controlled === controlled) return s;
    const created = Object.freeze({ id: g.ids[v]!, name: g.names[v]!, pct, controlled });
    known.push(created);
    return created;
  };
  for (const i of chosen) {
    const p = parties[i]!;
    const v = index[i]!;
    let same = false;
    p.capitalPaths = [];
    p.votingPaths = [];
    if (p.capitalPct > 0) {
      const found = search.strongest(capital, voting, v, PATHS_PER_PARTY, step, percent);
      p.capitalPaths = found.paths;
      same = found.same;
    }
    if (p.votingPct <= 0) continue;
    // Without preference shares on the way, the vote search would retrace the capital one exactly.
    p.votingPaths = same
      ? [...p.capitalPaths]
      : search.strongest(voting, capital, v, PATHS_PER_PARTY, step, percent).paths;
  }
}

function emptyFacts(): OwnershipFacts {
  return {
    parties: [],
    nonEu: {
      maxCapitalPct: 0,
      maxVotingPct: 0,
      maxCapitalParty: null,
      maxVotingParty: null,
      totalCapitalPct: 0,
      totalVotingPct: 0,
      controlled: false,
      controller: null,
    },
    specialRights: [],
  };
}

function clamp(x: number): number {
  // NaN (from inconsistent inputs) becomes 0 rather than propagating.
  return x > 0 ? Math.min(x, 1) : 0;
}

function percent(fraction: number): number {
  return Math.round(clamp(fraction) * 100 * 1e9) / 1e9;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function tieById(p: PartyStake, q: PartyStake, field: 'capitalPct' | 'votingPct'): boolean {
  return p[field] === q[field] && compareIds(p.id, q.id) < 0;
}
