/**
 * Placement decisions over the live registry: "may data of this class go on this offer, in this region?"
 * answered with the reason for each requirement and a signed receipt. Anyone may ask (relying parties are
 * mostly anonymous); a signed-in caller may also use its organisation's own data classes.
 *
 * The engine is rebuilt when the registry version changes (a label granted, suspended, expired…), so every
 * answer reflects the registry at one version, which the receipt names together with the log checkpoint.
 */
import { randomUUID } from 'node:crypto';
import { PlacementEngine } from '../placement/engine.js';
import { buildReceipt, type PlacementReceipt, signReceipt } from '../placement/receipt.js';
import type { DataClass, Lang, PlacementOffer } from '../placement/types.js';
import { loadRegionCatalogue, type RegionCatalogue } from '../regions/catalogue.js';
import { placementTarget, QuestionError } from '../regions/target.js';
import { parseSealGate, type SealGate, SealGateError } from '../sovereignty/gate.js';
import { shippedObjectives } from '../sovereignty/profile.js';
import { latestCheckpoint } from '../store/log-repository.js';
import type { Actor, Context } from './context.js';
import { invalid } from './errors.js';
import { findOrganisationClass } from './placement-classes.js';
import { referentialClasses, referentialOf } from './placement-referential.js';
import { cacheOf, memo } from './registry/cache.js';
import { readOffers, registryVersion } from './registry.js';

export { MAX_LIMIT as MAX_LIST_LIMIT } from '../regions/target.js';

export interface PlacementQuery {
  class: string;
  offer?: string;
  region?: string;
  provider?: string;
  lang?: Lang;
  limit?: number;
  /** A SEAL gate, `SOV-2:3,SOV-3:3` or one requirement per item. */
  seal?: string | string[];
}

export interface PlacementState {
  engine: PlacementEngine;
  version: string;
  asOf: Date;
}

/** The engine over the registry at its current version; built once per version and shared. */
export async function placementState(ctx: Context): Promise<PlacementState> {
  const now = ctx.clock();
  const version = await registryVersion(ctx, now);
  return memo(cacheOf<Promise<PlacementState>>(ctx, 'placement.engine', 1), version, async () => {
    const offers: PlacementOffer[] = await readOffers(ctx, now);
    const levelOrder = referentialOf(ctx).levelOrder;
    return { engine: new PlacementEngine({ offers, levelOrder, now }), version, asOf: now };
  });
}

/** The query's SEAL gate against the shipped framework's objectives; bad input names `$.seal`. */
export function placementGate(seal: PlacementQuery['seal']): SealGate | undefined {
  if (seal === undefined) return undefined;
  try {
    const gate = parseSealGate(seal, shippedObjectives(), '$.seal');
    return gate.length > 0 ? gate : undefined;
  } catch (err) {
    if (err instanceof SealGateError) throw invalid('invalid SEAL gate', err.issues);
    throw err;
  }
}

/** A class by id: the referential's first, then the caller's organisation's. */
export async function resolveDataClass(ctx: Context, actor: Actor | null, id: string): Promise<DataClass> {
  const referential = referentialOf(ctx);
  const { classes } = referentialClasses(referential);
  const found =
    classes.find((c) => c.id === id) ?? (actor ? await findOrganisationClass(ctx, actor, id) : undefined);
  if (!found) {
    throw invalid(`unknown data class "${id}"`, [
      {
        path: '$.class',
        message: `one of: ${classes.map((c) => c.id).join(', ')}${actor ? " or one of your organisation's classes" : ''}`,
      },
    ]);
  }
  return found;
}

export function regionCatalogue(): RegionCatalogue {
  return loadRegionCatalogue();
}

function targetOf(catalogue: RegionCatalogue, engine: PlacementEngine, q: PlacementQuery) {
  try {
    return placementTarget(catalogue, engine, q);
  } catch (err) {
    if (err instanceof QuestionError) throw invalid(err.message, err.details);
    throw err;
  }
}

export interface PlacementAnswer {
  receipt: PlacementReceipt;
  jws: string;
}

export async function decidePlacement(
  ctx: Context,
  actor: Actor | null,
  query: PlacementQuery,
): Promise<PlacementAnswer> {
  const lang = query.lang ?? 'fr';
  const gate = placementGate(query.seal);
  const cls = await resolveDataClass(ctx, actor, query.class);
  const state = await placementState(ctx);
  const { target, location } = targetOf(regionCatalogue(), state.engine, query);
  const decision = state.engine.decide(cls, target, gate);
  const referential = referentialOf(ctx);
  const checkpoint = await latestCheckpoint(ctx.store.db);
  const question: PlacementReceipt['question'] = { dataClass: cls.id };
  if (query.offer !== undefined) question.offer = query.offer;
  if (query.region !== undefined) question.region = query.region;
  if (query.provider !== undefined) question.provider = query.provider;
  const receipt = buildReceipt({
    id: `urn:uuid:${randomUUID()}`,
    issuer: ctx.issuer.did,
    issuedAt: ctx.clock(),
    lang,
    question,
    dataClass: cls,
    decision,
    engine: state.engine,
    referential: {
      id: referential.document.id,
      version: referential.document.version,
      digest: referentialClasses(referential).digest,
    },
    registry: { version: state.version, asOf: state.asOf.toISOString() },
    checkpoint: checkpoint?.note ?? null,
    ...(location ? { location } : {}),
    ...(gate ? { seal: gate } : {}),
  });
  const active = ctx.issuer.keys.activeKey();
  const jws = await signReceipt(receipt, {
    did: ctx.issuer.did,
    kid: active.kid,
    sign: (input) => ctx.issuer.keys.sign(active.kid, input),
  });
  return { receipt, jws };
}

/** "aws eu-west-3" → Paris, FR, and the labelled offers there with their levels. */
export async function describeRegion(ctx: Context, provider: string, code: string) {
  const catalogue = regionCatalogue();
  const state = await placementState(ctx);
  const { target, location } = targetOf(catalogue, state.engine, { class: '', provider, region: code });
  const p = catalogue.provider(location?.provider ?? '');
  const offerIds = target.kind === 'location' ? target.offerIds : [];
  return {
    provider: p ? { id: p.id, name: p.name, operator: p.operator } : null,
    region: location ?? null,
    offers: offerIds.flatMap((id) => {
      const o = state.engine.offer(id);
      return o
        ? [
            {
              id: o.offer.id,
              name: o.offer.name,
              provider: o.provider,
              level: o.level,
              state: o.state,
              labelId: o.labelId,
            },
          ]
        : [];
    }),
    registry: { version: state.version },
  };
}

/** The catalogue as the API lists it. */
export function listRegions() {
  return regionCatalogue().providers.map((p) => ({
    id: p.id,
    name: p.name,
    operator: p.operator,
    ...(p.licensedTechnology ? { licensedTechnology: p.licensedTechnology } : {}),
    ...(p.note ? { note: p.note } : {}),
    terraform: p.terraform?.providers ?? [],
    sources: p.sources,
    regions: p.regions.map((r) => ({
      code: r.code,
      countries: r.countries,
      ...(r.city ? { city: r.city } : {}),
      kind: r.kind,
    })),
  }));
}
