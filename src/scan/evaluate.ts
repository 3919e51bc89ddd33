/**
 * From what the readers found to findings: each resource's data class (its tag or label, else the default),
 * its provider and region resolved through the catalogue to the labelled offers there, and the placement
 * decision for each place it may go. A resource is denied when any of its places is, unknown when a place
 * or the class cannot be told, allowed only when every place is allowed.
 */
import type { PlacementEngine } from '../placement/engine.js';
import { explainCheck } from '../placement/explain.js';
import type { DataClass, Lang } from '../placement/types.js';
import type { CatalogueProvider, RegionCatalogue } from '../regions/catalogue.js';
import { locate } from '../regions/locate.js';
import type { SealGate } from '../sovereignty/gate.js';
import type {
  Finding,
  FindingPlacement,
  FindingStatus,
  LocationClaim,
  SkipReason,
  Subject,
  UnknownLocation,
} from './types.js';

export interface ScanContext {
  engine: PlacementEngine;
  classes: readonly DataClass[];
  catalogue: RegionCatalogue;
  lang: Lang;
  defaults: { dataClass?: string; provider?: string; region?: string };
  /** A tender-style SEAL gate every placement must also meet (`--seal`). */
  seal?: SealGate;
}

const W = {
  noClass: {
    fr: (key: string) => `Aucune classe de données (étiquette ${key} ou --class).`,
    en: (key: string) => `No data class (tag or label ${key}, or --class).`,
  },
  classAfterApply: {
    fr: () => 'La classe de données ne sera connue qu’après application du plan.',
    en: () => 'The data class is known only after the plan is applied.',
  },
  unknownClass: {
    fr: (id: string, known: string) => `Classe de données « ${id} » inconnue (connues : ${known}).`,
    en: (id: string, known: string) => `Unknown data class "${id}" (known: ${known}).`,
  },
  noProvider: {
    fr: (p: string) => `Le fournisseur ${p} n’est pas au catalogue des régions : lieu inconnu.`,
    en: (p: string) => `Provider ${p} is not in the region catalogue: location unknown.`,
  },
  ambiguous: {
    fr: (code: string, ps: string) =>
      `La région ${code} existe chez plusieurs fournisseurs (${ps}) : précisez --provider.`,
    en: (code: string, ps: string) => `Region ${code} exists at several providers (${ps}): give --provider.`,
  },
  unknownRegion: {
    fr: (code: string, ps: string) => `Région ou zone ${code} inconnue du catalogue (${ps}).`,
    en: (code: string, ps: string) => `Region or zone ${code} unknown to the catalogue (${ps}).`,
  },
  allowed: {
    fr: (cls: string, where: string) => `Autorisé : données ${cls} ${where}.`,
    en: (cls: string, where: string) => `Allowed: ${cls} data ${where}.`,
  },
} as const;

const SKIP: Record<SkipReason, Record<Lang, (detail: string) => string>> = {
  'data-source': {
    fr: () => 'Source de données : lit, ne place rien.',
    en: () => 'Data source: reads, places nothing.',
  },
  'logical-provider': {
    fr: (p) => `Le fournisseur ${p} ne place aucune donnée.`,
    en: (p) => `Provider ${p} places no data.`,
  },
  'no-data-kind': {
    fr: (k) => `${k} : pas de données propres à placer.`,
    en: (k) => `${k}: no data of its own to place.`,
  },
  'no-placement-found': {
    fr: (k) => `${k} : aucune contrainte de région ou de zone trouvée.`,
    en: (k) => `${k}: no region or zone constraint found.`,
  },
};

const UNKNOWN: Record<UnknownLocation, Record<Lang, string>> = {
  'known-after-apply': {
    fr: 'Lieu connu seulement après application',
    en: 'Location known only after apply',
  },
  'no-region': { fr: 'Aucune région', en: 'No region' },
  'region-from-environment': {
    fr: 'Région fixée par l’environnement à l’application',
    en: 'Region set by the environment at apply time',
  },
  'unresolved-expression': { fr: 'Région introuvable dans le plan', en: 'Region not found in the plan' },
  unconstrained: { fr: 'Placement non contraint', en: 'Placement not constrained' },
  'preference-only': { fr: 'Région ou zone seulement préférée', en: 'Region or zone only preferred' },
};

/** A localised header, then the reader's technical detail (attribute names, expressions) as it is. */
function unknownText(s: Subject, lang: Lang): string {
  if (!s.unknown) return UNKNOWN['no-region'][lang];
  return `${UNKNOWN[s.unknown.reason][lang]} (${s.unknown.detail}).`;
}

export function evaluateSubjects(
  subjects: readonly Subject[],
  ctx: ScanContext,
  classKey: string,
): Finding[] {
  const scratch: Scratch = { placements: new Map(), candidates: new Map(), where: new WeakMap() };
  return subjects.map((s) => evaluateSubject(s, ctx, classKey, scratch));
}

/**
 * What a scan computes once and reuses: thousands of resources share a few classes, provider hints and
 * regions, so each (class, providers, region) decision and its wording is made once per scan.
 */
interface Scratch {
  classes?: Map<string, DataClass>;
  placements: Map<string, FindingPlacement>;
  candidates: Map<string, { list: CatalogueProvider[]; key: string }>;
  where: WeakMap<FindingPlacement, string>;
}

function classById(ctx: ScanContext, scratch: Scratch, id: string): DataClass | undefined {
  scratch.classes ??= new Map(ctx.classes.map((c) => [c.id, c]));
  return scratch.classes.get(id) ?? scratch.classes.get(id.toLowerCase());
}

function candidatesOf(
  s: Subject,
  ctx: ScanContext,
  scratch: Scratch,
): { list: CatalogueProvider[]; key: string } {
  const tf = s.providers.terraform;
  const k = s.providers.kubernetes;
  const hint = tf
    ? `tf\0${tf.type}\0${tf.universeDomain ?? ''}`
    : `k8s\0${k?.provisioner ?? ''}\0${k?.topologyKey ?? ''}`;
  let found = scratch.candidates.get(hint);
  if (!found) {
    let list: CatalogueProvider[];
    const named = ctx.defaults.provider ? ctx.catalogue.provider(ctx.defaults.provider) : undefined;
    if (tf) {
      list = ctx.catalogue.forTerraform(tf.type, tf.universeDomain);
      if (list.length === 0 && named) list = [named];
    } else {
      const hinted = k ? ctx.catalogue.forKubernetes(k) : [];
      list = hinted.length > 0 ? hinted : named ? [named] : [...ctx.catalogue.providers];
    }
    found = { list, key: list.map((c) => c.id).join(',') };
    scratch.candidates.set(hint, found);
  }
  return found;
}

function evaluateSubject(s: Subject, ctx: ScanContext, classKey: string, scratch: Scratch): Finding {
  const lang = ctx.lang;
  if (s.skip) return makeFinding(s, 'skipped', SKIP[s.skip.reason][lang](s.skip.detail));

  // The data class.
  let cls: DataClass | undefined;
  let from: Finding['dataClassFrom'];
  if (s.dataClass?.unknownUntilApply && s.dataClass.value === undefined)
    return makeFinding(s, 'unknown', W.classAfterApply[lang]());
  const wanted = s.dataClass?.value ?? ctx.defaults.dataClass;
  from = s.dataClass?.value !== undefined ? s.dataClass.from : wanted !== undefined ? 'default' : undefined;
  if (wanted === undefined) return makeFinding(s, 'unknown', W.noClass[lang](classKey));
  cls = classById(ctx, scratch, wanted);
  if (!cls)
    return makeFinding(s, 'denied', W.unknownClass[lang](wanted, ctx.classes.map((c) => c.id).join(', ')));

  // The providers the resource may be at.
  const providers = candidatesOf(s, ctx, scratch);
  const candidates = providers.list;
  if (candidates.length === 0)
    return makeFinding(s, 'unknown', W.noProvider[lang](s.providers.terraform?.type ?? '?'), [], cls, from);

  // Where it goes. When the input leaves the region to the environment, a single-region provider (Cloud
  // Temple, S3NS) can only mean its one region; otherwise --region stands in, if given. Once a default
  // answers the input's silence, that silence no longer makes the resource undecidable.
  let claims: LocationClaim[] = s.locations;
  let filled = false;
  const reason = s.unknown?.reason;
  if (claims.length === 0 && (reason === 'no-region' || reason === 'region-from-environment')) {
    const only = locate(ctx.catalogue, ctx.engine, candidates, undefined);
    if (only.status === 'resolved') {
      claims = [{ code: only.location.code, kind: 'region', from: `${only.provider.name}, only region` }];
      filled = true;
    }
  }
  if (
    claims.length === 0 &&
    ctx.defaults.region &&
    (reason === 'no-region' || reason === 'region-from-environment' || reason === 'unconstrained')
  ) {
    claims = [{ code: ctx.defaults.region, kind: 'region', from: '--region' }];
    filled = true;
  }
  if (claims.length === 0) return makeFinding(s, 'unknown', unknownText(s, lang), [], cls, from);
  const placements = claims.map((c) => place(ctx, cls!, providers, c, scratch));

  const denied = placements.find((p) => p.outcome === 'denied');
  if (denied) {
    const why = denied.reasons.find((r) => r.status === 'fail');
    return makeFinding(
      s,
      'denied',
      `${scratch.where.get(denied)}${lang === 'fr' ? ' : ' : ': '}${why?.text ?? ''}`,
      placements,
      cls,
      from,
    );
  }
  const unresolved = placements.find((p) => p.unresolved);
  if (unresolved) return makeFinding(s, 'unknown', unresolved.unresolved!, placements, cls, from);
  if (s.unknown && !filled) return makeFinding(s, 'unknown', unknownText(s, lang), placements, cls, from);
  const places =
    placements.length === 1
      ? scratch.where.get(placements[0]!)!
      : [...new Set(placements.map((p) => scratch.where.get(p)!))].join(lang === 'fr' ? ' ; ' : '; ');
  return makeFinding(s, 'allowed', W.allowed[lang](cls.id, places), placements, cls, from);
}

function makeFinding(
  s: Subject,
  status: FindingStatus,
  message: string,
  placements: FindingPlacement[] = [],
  cls?: DataClass,
  from?: Finding['dataClassFrom'],
): Finding {
  const f: Finding = { file: s.file, format: s.format, id: s.id, type: s.type, status, message, placements };
  if (s.line !== undefined) f.line = s.line;
  if (s.column !== undefined) f.column = s.column;
  if (cls) f.dataClass = cls.id;
  if (from) f.dataClassFrom = from;
  return f;
}

function place(
  ctx: ScanContext,
  cls: DataClass,
  providers: { list: CatalogueProvider[]; key: string },
  claim: LocationClaim,
  scratch: Scratch,
): FindingPlacement {
  const key = `${cls.id}\0${providers.key}\0${claim.code.toLowerCase()}`;
  const cached = scratch.placements.get(key);
  if (cached) {
    const copy = { ...cached, claim };
    scratch.where.set(copy, scratch.where.get(cached)!);
    return copy;
  }
  const lang = ctx.lang;
  const candidates = providers.list;
  let result: FindingPlacement;
  const found = locate(ctx.catalogue, ctx.engine, candidates, claim.code);
  if (found.status === 'ambiguous')
    result = { claim, reasons: [], unresolved: W.ambiguous[lang](claim.code, found.providers.join(', ')) };
  else if (found.status === 'unknown')
    result = {
      claim,
      reasons: [],
      unresolved: W.unknownRegion[lang](claim.code, providers.key.replaceAll(',', ', ')),
    };
  else {
    const decision = ctx.engine.decide(
      cls,
      { kind: 'location', location: found.location, offerIds: found.offerIds },
      ctx.seal,
    );
    const chosen = decision.candidates[0];
    const offer = chosen?.offerId ? ctx.engine.offer(chosen.offerId) : undefined;
    result = {
      claim,
      location: found.location,
      outcome: decision.outcome,
      ...(offer
        ? {
            offer: { id: offer.offer.id, name: offer.offer.name, level: offer.level, labelId: offer.labelId },
          }
        : {}),
      reasons: decision.checks.map((c) => ({
        requirement: c.requirement,
        status: c.status,
        code: c.code,
        text: explainCheck(c, cls, lang),
      })),
    };
  }
  scratch.placements.set(key, result);
  scratch.where.set(result, where(result, lang));
  return result;
}

function where(p: FindingPlacement, lang: Lang): string {
  const l = p.location;
  if (!l) return p.claim.code;
  const countries =
    l.countries.length <= 3
      ? l.countries.join('/')
      : `${l.countries.length} ${lang === 'fr' ? 'pays' : 'countries'}`;
  const at = [l.provider, l.code, l.city, countries].filter(Boolean).join(' ');
  const offer = p.offer ? ` (${p.offer.id}, ${p.offer.level})` : '';
  return `${lang === 'fr' ? 'à' : 'in'} ${at}${offer}`;
}
