/**
 * The placement decision: may data of a class live on this offer, in this region? Each requirement of the
 * class (label level, territory, certifications) is checked against what the registry says of the offer
 * and of the region its label certifies, and answered with a code and parameters (./explain.ts words them).
 *
 * Built once per registry version: offers are indexed by id and by (provider, region), each class's
 * requirements are compiled to a rank, a set and a list on first use, and the eligible (offer, region)
 * pairs of a class are sorted once, so a decision is a handful of map lookups.
 *
 * An optional SEAL gate (EU Cloud Sovereignty Framework, "SEAL-3 at least on SOV-2 and SOV-3") adds a
 * `sovereignty` requirement, checked against the SEAL bounds the registry keeps per offer: only a proven
 * level passes; a level that is below or that the facts leave open fails (never passed on a guess).
 */
import type { SealGate } from '../sovereignty/gate.js';
import { type CompiledGate, compileGate, sovereigntyCheck } from './sovereignty.js';
import type {
  Candidate,
  Check,
  DataClass,
  Decision,
  PlacementLocation,
  PlacementOffer,
  PlacementRegion,
  PlacementTarget,
} from './types.js';

/** Statuses under which a declared certification counts. */
export const VALID_CERTIFICATION_STATUSES: ReadonlySet<string> = new Set(['certified', 'qualified']);
export const DEFAULT_LIST_LIMIT = 20;

interface IndexedOffer {
  entry: PlacementOffer;
  rank: number;
  /** Public state at the engine's instant (a validity end passed makes it `expired`). */
  state: string;
  regions: Map<string, PlacementRegion>;
  certifications: ReadonlySet<string> | null;
}

interface CompiledClass {
  minimumLevel: string | null;
  rank: number;
  territories: ReadonlySet<string> | null;
  certifications: readonly string[];
}

/** Region codes compare case-insensitively and without spaces (`GRA11`/`gra11`, `West Europe`/`westeurope`). */
export function normaliseRegionCode(code: string): string {
  return code.trim().toLowerCase().replace(/\s+/g, '');
}

export interface EngineInput {
  offers: readonly PlacementOffer[];
  /** The referential's levels, lowest first. */
  levelOrder: readonly string[];
  now: Date;
}

export class PlacementEngine {
  readonly now: Date;
  readonly levelOrder: readonly string[];
  readonly #offers = new Map<string, IndexedOffer>();
  readonly #byProviderRegion = new Map<string, string[]>();
  readonly #compiled = new WeakMap<DataClass, CompiledClass>();
  readonly #eligible = new Map<string, Candidate[]>();

  constructor(input: EngineInput) {
    this.now = input.now;
    this.levelOrder = input.levelOrder;
    const nowIso = input.now.toISOString();
    for (const entry of input.offers) {
      const regions = new Map<string, PlacementRegion>();
      for (const r of entry.regions) regions.set(normaliseRegionCode(r.code), r);
      const state = entry.state === 'active' && entry.validUntil <= nowIso ? 'expired' : entry.state;
      const certifications = entry.certifications
        ? new Set(
            entry.certifications
              .filter((c) => VALID_CERTIFICATION_STATUSES.has(c.status))
              .map((c) => c.scheme),
          )
        : null;
      this.#offers.set(entry.offer.id, {
        entry,
        rank: input.levelOrder.indexOf(entry.level),
        state,
        regions,
        certifications,
      });
      for (const code of regions.keys()) {
        const key = `${entry.provider.id}|${code}`;
        const list = this.#byProviderRegion.get(key);
        if (list) list.push(entry.offer.id);
        else this.#byProviderRegion.set(key, [entry.offer.id]);
      }
    }
  }

  get size(): number {
    return this.#offers.size;
  }

  offer(id: string): PlacementOffer | undefined {
    return this.#offers.get(id)?.entry;
  }

  offers(): IterableIterator<PlacementOffer> {
    return [...this.#offers.values()].map((o) => o.entry).values();
  }

  /** Offers of these registry providers whose label covers the region code. */
  offersIn(providerIds: readonly string[], code: string): string[] {
    const norm = normaliseRegionCode(code);
    const found: string[] = [];
    for (const p of providerIds)
      for (const id of this.#byProviderRegion.get(`${p}|${norm}`) ?? []) found.push(id);
    return found;
  }

  /** `seal`: an optional SEAL gate every candidate offer must meet on proven levels. */
  decide(cls: DataClass, target: PlacementTarget, seal?: SealGate): Decision {
    const compiled = this.#compile(cls);
    const g = compileGate(seal);
    switch (target.kind) {
      case 'offer':
        return this.#decideOffer(cls, compiled, g, target.offerId, target.region);
      case 'location':
        return this.#decideLocation(cls, compiled, g, target.location, target.offerIds);
      case 'any':
        return this.#decideAny(cls, compiled, g, target.limit ?? DEFAULT_LIST_LIMIT);
    }
  }

  /** The yes/no alone, for callers that need no explanation (benchmarks, bulk checks). */
  allows(cls: DataClass, offerId: string, region: string, seal?: SealGate): boolean {
    const offer = this.#offers.get(offerId);
    if (!offer) return false;
    const r = offer.regions.get(normaliseRegionCode(region));
    if (!r) return false;
    const c = this.#compile(cls);
    if (c.rank >= 0 && (offer.state !== 'active' || offer.rank < c.rank)) return false;
    if (c.territories !== null && !c.territories.has(r.country)) return false;
    if (c.certifications.length > 0) {
      if (offer.certifications === null) return false;
      for (const s of c.certifications) if (!offer.certifications.has(s)) return false;
    }
    const g = compileGate(seal);
    return g === null || sovereigntyCheck(g, offer.entry.seal).status === 'pass';
  }

  #compile(cls: DataClass): CompiledClass {
    let c = this.#compiled.get(cls);
    if (!c) {
      c = {
        minimumLevel: cls.minimumLevel,
        rank: cls.minimumLevel === null ? -1 : this.levelOrder.indexOf(cls.minimumLevel),
        territories: cls.territories === null ? null : new Set(cls.territories),
        certifications: cls.certifications,
      };
      this.#compiled.set(cls, c);
    }
    return c;
  }

  #decideOffer(
    cls: DataClass,
    c: CompiledClass,
    g: CompiledGate | null,
    offerId: string,
    region: string | undefined,
  ): Decision {
    const offer = this.#offers.get(offerId);
    if (!offer) {
      const checks: Check[] = [
        { requirement: 'offer', status: 'fail', code: 'offer.unknown', params: { offer: offerId } },
      ];
      return { outcome: 'denied', dataClass: cls.id, checks, candidates: [] };
    }
    if (region !== undefined) {
      const r = offer.regions.get(normaliseRegionCode(region));
      if (!r) {
        const checks: Check[] = [
          {
            requirement: 'region',
            status: 'fail',
            code: 'region.not-covered',
            params: { offer: offerId, region, covered: offer.entry.regions.map((x) => x.code) },
          },
        ];
        return {
          outcome: 'denied',
          dataClass: cls.id,
          checks,
          candidates: [{ offerId, region: { code: region, country: '' }, allowed: false, checks }],
        };
      }
      const candidate = evaluate(c, g, offer, r);
      return single(cls, candidate);
    }
    const candidates = offer.entry.regions.map((r) => evaluate(c, g, offer, r));
    return choose(cls, sortCandidates(candidates, this.#offers));
  }

  #decideLocation(
    cls: DataClass,
    c: CompiledClass,
    g: CompiledGate | null,
    location: PlacementLocation,
    offerIds: readonly string[],
  ): Decision {
    const candidates: Candidate[] = [];
    const norm = normaliseRegionCode(location.code);
    for (const id of new Set(offerIds)) {
      const offer = this.#offers.get(id);
      if (!offer) continue;
      const r = offer.regions.get(norm);
      if (!r) continue;
      candidates.push(evaluate(c, g, offer, r));
    }
    if (candidates.length === 0) {
      // No labelled offer covers this region: only a class that needs no label can go there.
      const checks: Check[] = [];
      let allowed = true;
      if (c.rank >= 0) {
        allowed = false;
        checks.push({
          requirement: 'label',
          status: 'fail',
          code: 'label.none',
          params: { region: location.code, provider: location.provider ?? '', required: cls.minimumLevel! },
        });
      } else checks.push(LABEL_NOT_REQUIRED);
      const t = territoryCheck(c, location.countries);
      if (t.status === 'fail') allowed = false;
      checks.push(t);
      if (c.certifications.length > 0) {
        allowed = false;
        checks.push({
          requirement: 'certification',
          status: 'fail',
          code: 'certification.no-offer',
          params: { required: [...c.certifications] },
        });
      }
      if (g !== null) {
        // No registry offer here, so no SEAL profile either: the gate cannot be met.
        allowed = false;
        checks.push({
          requirement: 'sovereignty',
          status: 'fail',
          code: 'sovereignty.no-offer',
          params: { gate: g.text },
        });
      }
      return {
        outcome: allowed ? 'allowed' : 'denied',
        dataClass: cls.id,
        checks,
        candidates: [{ offerId: '', region: location, allowed, checks }],
      };
    }
    return choose(cls, sortCandidates(candidates, this.#offers));
  }

  #decideAny(cls: DataClass, c: CompiledClass, g: CompiledGate | null, limit: number): Decision {
    // The gate is part of the question: a list computed under another gate (or none) is another answer.
    const key = g === null ? cls.digest : `${cls.digest}|seal=${g.text}`;
    let eligible = this.#eligible.get(key);
    if (!eligible) {
      eligible = [];
      for (const offer of this.#offers.values()) {
        for (const r of offer.entry.regions) {
          const candidate = evaluate(c, g, offer, r);
          if (candidate.allowed) eligible.push(candidate);
        }
      }
      sortCandidates(eligible, this.#offers);
      this.#eligible.set(key, eligible);
    }
    const candidates = eligible.slice(0, Math.max(0, limit));
    if (eligible.length > 0) {
      return {
        outcome: 'allowed',
        dataClass: cls.id,
        checks: eligible[0]!.checks,
        candidates,
        eligible: eligible.length,
      };
    }
    const checks: Check[] = [
      { requirement: 'offer', status: 'fail', code: 'offer.none-eligible', params: { offers: this.size } },
    ];
    return { outcome: 'denied', dataClass: cls.id, checks, candidates: [], eligible: 0 };
  }
}

const LABEL_NOT_REQUIRED: Check = Object.freeze({
  requirement: 'label',
  status: 'pass',
  code: 'label.not-required',
  params: {},
}) as Check;
const TERRITORY_ANYWHERE: Check = Object.freeze({
  requirement: 'territory',
  status: 'pass',
  code: 'territory.anywhere',
  params: {},
}) as Check;

function evaluate(
  c: CompiledClass,
  g: CompiledGate | null,
  offer: IndexedOffer,
  region: PlacementRegion,
): Candidate {
  const e = offer.entry;
  let allowed = true;
  let label: Check;
  if (c.rank < 0) label = LABEL_NOT_REQUIRED;
  else if (offer.state !== 'active') {
    allowed = false;
    label = {
      requirement: 'label',
      status: 'fail',
      code: 'label.state',
      params: { state: offer.state, label: e.labelId },
    };
  } else if (offer.rank < c.rank) {
    allowed = false;
    label = {
      requirement: 'label',
      status: 'fail',
      code: 'label.level',
      params: { level: e.level, required: c.minimumLevel! },
    };
  } else label = { requirement: 'label', status: 'pass', code: 'label.active', params: { level: e.level } };
  // The country the label certifies for this region, not what a catalogue or a plan says of it.
  const territory = territoryCheck(c, [region.country]);
  if (territory.status === 'fail') allowed = false;
  const checks = [label, territory];
  if (c.certifications.length > 0) {
    const cert = certificationCheck(c, offer);
    if (cert.status === 'fail') allowed = false;
    checks.push(cert);
  }
  if (g !== null) {
    const sov = sovereigntyCheck(g, offer.entry.seal);
    if (sov.status === 'fail') allowed = false;
    checks.push(sov);
  }
  return { offerId: e.offer.id, region, allowed, checks };
}

function territoryCheck(c: CompiledClass, countries: readonly string[]): Check {
  if (c.territories === null) return TERRITORY_ANYWHERE;
  const outside = countries.filter((x) => !c.territories!.has(x));
  if (outside.length === 0 && countries.length > 0)
    return {
      requirement: 'territory',
      status: 'pass',
      code: 'territory.inside',
      params: { countries: [...countries] },
    };
  return {
    requirement: 'territory',
    status: 'fail',
    code: countries.length === 0 ? 'territory.unknown' : 'territory.outside',
    params: { countries: outside },
  };
}

function certificationCheck(c: CompiledClass, offer: IndexedOffer): Check {
  if (offer.certifications === null)
    return {
      requirement: 'certification',
      status: 'fail',
      code: 'certification.unknown',
      params: { required: [...c.certifications] },
    };
  const missing = c.certifications.filter((s) => !offer.certifications!.has(s));
  return missing.length === 0
    ? {
        requirement: 'certification',
        status: 'pass',
        code: 'certification.held',
        params: { schemes: [...c.certifications] },
      }
    : { requirement: 'certification', status: 'fail', code: 'certification.missing', params: { missing } };
}

function single(cls: DataClass, candidate: Candidate): Decision {
  return {
    outcome: candidate.allowed ? 'allowed' : 'denied',
    dataClass: cls.id,
    checks: candidate.checks,
    candidates: [candidate],
  };
}

function choose(cls: DataClass, sorted: Candidate[]): Decision {
  const best = sorted[0]!;
  return {
    outcome: best.allowed ? 'allowed' : 'denied',
    dataClass: cls.id,
    checks: best.checks,
    candidates: sorted,
  };
}

/** Allowed first; then the strongest label, the longest validity left, then ids for a stable order. */
function sortCandidates(list: Candidate[], offers: Map<string, IndexedOffer>): Candidate[] {
  return list.sort((a, b) => {
    if (a.allowed !== b.allowed) return a.allowed ? -1 : 1;
    const oa = offers.get(a.offerId);
    const ob = offers.get(b.offerId);
    const rank = (ob?.rank ?? -1) - (oa?.rank ?? -1);
    if (rank !== 0) return rank;
    const va = oa?.entry.validUntil ?? '';
    const vb = ob?.entry.validUntil ?? '';
    if (va !== vb) return va < vb ? 1 : -1;
    if (a.offerId !== b.offerId) return a.offerId < b.offerId ? -1 : 1;
    return a.region.code < b.region.code ? -1 : a.region.code > b.region.code ? 1 : 0;
  });
}
