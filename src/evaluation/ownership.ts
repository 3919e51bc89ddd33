/**
 * Ownership look-through for SecNumCloud 3.2 §19.6.b: how much of the provider's capital and votes
 * non-EU entities hold directly or indirectly, whether one of them controls it, and which special rights
 * (veto, board majority) they exercise. Pure and synchronous; the machinery is in `./ownership/`.
 *
 * The model, and why:
 * - Control follows Commercial Code L233-3: X controls Y when X, together with the entities X controls,
 *   holds more than 50 % of Y's votes. It is the least fixed point of that rule, so combined holdings
 *   resolve whatever order they are found in. Mutual control (A controls B controls A) is contradictory,
 *   so entities caught in such a loop control none of one another; an outside controller of the loop
 *   still controls them. Only votes create control; board-appointment rights are reported, not turned
 *   into control.
 * - The provider is a pure sink: what it holds is ignored, for control too. Its holdings say nothing
 *   about who holds it, and chains through it would leave the provider only to come back into it.
 * - A party's effective stake is what its control group (itself and what it controls) reaches: holdings
 *   of the group count in full, beyond the group they multiply pro rata along every chain, and chains
 *   through cross-holdings add up to the sum of the series. Full weight stops at the party's own group:
 *   a minority stake in someone else's subsidiary is worth its pro-rata share, not the subsidiary's
 *   whole holding, or the same shares would count twice (directly, and again through their controller).
 * - A chain stops when it first reaches the provider and is dropped if it comes back into the party's
 *   group: the group's indirect holding of its own shares, or of a subsidiary it already counts in full,
 *   is not a stake. This keeps every non-EU stake at or below the collective non-EU share, and every
 *   stake at or below 100 %, for consistent inputs. (Beyond a work budget far above real group
 *   structures, such returning chains are left in rather than searched: stakes can then only be
 *   overstated, never understated.)
 * - The collective non-EU share credits each holding to the first non-EU entity, or entity controlled
 *   from outside the EU, met going up from the provider: a US parent and its US subsidiary count once.
 * - Explanations: at most 5 chains per party and measure, of at most 12 hops. Above 200 parties, only
 *   for the 20 strongest EU and non-EU parties and for non-EU parties whose stake shows at two decimals
 *   (≥ 0.005 %). Steps are shared between paths: treat facts as read-only.
 * Percentages are rounded to 1e-9 so float noise (24.000000000000004) never trips a threshold.
 */
import { runLookThrough } from './ownership/engine.js';

export interface OwnershipEntity {
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

export interface OwnershipLink {
  holder: string;
  held: string;
  capitalPct: number;
  /** Defaults to capitalPct. */
  votingPct?: number;
  vetoRight?: boolean;
  appointsBoardMajority?: boolean;
}

export interface OwnershipInput {
  providerId: string;
  /** Includes the provider. */
  entities: OwnershipEntity[];
  links: OwnershipLink[];
  euCountries: ReadonlySet<string> | readonly string[];
}

export interface StakePathStep {
  id: string;
  name: string;
  /** The step's direct stake in the next entity; 0 on the provider's own step, which ends the path. */
  pct: number;
  /** Reached through control by the holder group before it on the path, so it weighs in full. */
  controlled: boolean;
}

export interface StakePath {
  /** From the party down to the provider. */
  steps: StakePathStep[];
  effectivePct: number;
}

export interface PartyStake {
  id: string;
  name: string;
  country: string;
  eu: boolean;
  capitalPct: number;
  votingPct: number;
  controlsProvider: boolean;
  /** The strongest contributing paths, at most 5 each (may be empty for minor parties of big graphs). */
  capitalPaths: StakePath[];
  votingPaths: StakePath[];
}

export interface OwnershipFacts {
  /** Every entity other than the provider with an effective stake > 0, by max(capital, voting) desc then id. */
  parties: PartyStake[];
  nonEu: {
    maxCapitalPct: number;
    maxVotingPct: number;
    maxCapitalParty: string | null;
    maxVotingParty: string | null;
    totalCapitalPct: number;
    totalVotingPct: number;
    /** The provider is controlled by a non-EU party. */
    controlled: boolean;
    /** The topmost non-EU entity in the provider's chain of controllers. */
    controller: string | null;
  };
  /** Special rights on the provider exercised by non-EU parties directly or through entities they control. */
  specialRights: Array<{
    holder: string;
    right: 'vetoRight' | 'appointsBoardMajority';
    /** The holder itself if non-EU, else the topmost non-EU entity controlling the holder. */
    nonEuParty: string;
  }>;
}

export function lookThrough(input: OwnershipInput): OwnershipFacts {
  return runLookThrough(input);
}

const CONTROLLED: Record<'fr' | 'en', string> = { fr: 'contrôlée', en: 'controlled' };

/**
 * en: "US Fund LP → Holding SAS (60 %, controlled) → Provider SA 30 % ⇒ 30 %".
 * The last hop is written after the provider's name because it is the stake the whole path rests on.
 */
export function formatPath(path: StakePath, lang: 'fr' | 'en'): string {
  const pct = (n: number) => `${formatPct(n, lang)} %`;
  const steps = path.steps;
  const ctrl = CONTROLLED[lang] ?? CONTROLLED.en;
  let out = steps[0]?.name ?? '';
  for (let i = 1; i < steps.length; i++) {
    const step = steps[i]!;
    const hop = steps[i - 1]!.pct;
    if (i === steps.length - 1) {
      out += ` → ${step.name} ${pct(hop)}${step.controlled ? ` (${ctrl})` : ''}`;
    } else if (step.controlled) {
      // Control can come from combined holdings with no direct stake at all: say so rather than "0 %".
      out += ` → ${step.name} (${hop > 0 ? `${pct(hop)}, ` : ''}${ctrl})`;
    } else {
      out += ` → ${step.name} (${pct(hop)})`;
    }
  }
  return `${out} ⇒ ${pct(path.effectivePct)}`;
}

function formatPct(n: number, lang: 'fr' | 'en'): string {
  const rounded = Math.round(n * 100) / 100;
  let text = (rounded === 0 ? 0 : rounded).toFixed(2);
  text = text.replace(/0+$/, '').replace(/\.$/, '');
  return lang === 'fr' ? text.replace('.', ',') : text;
}
