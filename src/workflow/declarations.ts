/**
 * Declarations are versioned drafts owned by a provider organisation. Saving a new version of an offer
 * that holds a label re-evaluates it at once, so a change that breaks the level is flagged the same day.
 */
import { randomUUID } from 'node:crypto';
import type { Declaration } from '../declaration/types.js';
import { validateDeclaration } from '../declaration/validate.js';
import { recordAudit } from './audit.js';
import type { Actor, Context } from './context.js';
import { conflict, invalid, notFound } from './errors.js';
import { authorize, requireOwnOrganisation } from './policy.js';
import { reevaluateOffer } from './reevaluation.js';
import { refreshRegistryOffer } from './registry/refresh.js';

export interface SavedDeclaration {
  offerId: string;
  version: number;
  id: string;
  createdAt: string;
}

export async function saveDeclaration(
  ctx: Context,
  actor: Actor | null,
  body: unknown,
  options: { expectedVersion?: number } = {},
): Promise<SavedDeclaration> {
  const a = authorize(actor, 'write', 'provider');
  const result = validateDeclaration(body);
  if (!result.ok)
    throw invalid(
      'invalid declaration',
      result.issues.map((i) => ({ path: i.path, message: i.message })),
    );
  const declaration = result.declaration;
  const offerId = declaration.offer.id;
  const now = ctx.clock();
  const saved = await ctx.store.db.transaction().execute(async (trx) => {
    const offer = await trx.selectFrom('offers').selectAll().where('id', '=', offerId).executeTakeFirst();
    if (offer && offer.organisation_id !== a.organisationId) {
      throw conflict(`offer id "${offerId}" is already used by another organisation`, [
        { path: '$.offer.id', message: 'choose another id' },
      ]);
    }
    const latest = offer ? Number(offer.latest_declaration_version) : 0;
    if (options.expectedVersion !== undefined && options.expectedVersion !== latest) {
      throw conflict(`stale version: the latest declaration of ${offerId} is version ${latest}`, [
        { path: 'If-Match', message: `expected ${options.expectedVersion}` },
      ]);
    }
    const version = latest + 1;
    const id = randomUUID();
    if (offer) {
      await trx
        .updateTable('offers')
        .set({
          name: declaration.offer.name,
          service_model: declaration.offer.serviceModel,
          latest_declaration_version: version,
          updated_at: now.toISOString(),
        })
        .where('id', '=', offerId)
        .where('latest_declaration_version', '=', latest)
        .execute();
    } else {
      await trx
        .insertInto('offers')
        .values({
          id: offerId,
          organisation_id: a.organisationId,
          name: declaration.offer.name,
          service_model: declaration.offer.serviceModel,
          latest_declaration_version: version,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        })
        .execute();
    }
    await trx
      .insertInto('declarations')
      .values({
        id,
        offer_id: offerId,
        organisation_id: a.organisationId,
        version,
        body: JSON.stringify(declaration),
        created_by: a.userId,
        created_at: now.toISOString(),
      })
      .execute();
    await refreshRegistryOffer(trx, offerId);
    await recordAudit(trx, now, {
      actor: a.userId,
      action: 'declaration.saved',
      subjectType: 'offer',
      subjectId: offerId,
      before: offer ? { version: latest } : undefined,
      after: { version, declarationId: id },
    });
    return { offerId, version, id, createdAt: now.toISOString() };
  });
  if (saved.version > 1) await reevaluateOffer(ctx, offerId, a.userId);
  return saved;
}

export async function getOffer(ctx: Context, offerId: string) {
  const offer = await ctx.store.db
    .selectFrom('offers')
    .selectAll()
    .where('id', '=', offerId)
    .executeTakeFirst();
  if (!offer) throw notFound(`offer ${offerId}`);
  return offer;
}

export async function loadDeclaration(ctx: Context, offerId: string, version?: number) {
  const offer = await getOffer(ctx, offerId);
  const row = await ctx.store.db
    .selectFrom('declarations')
    .selectAll()
    .where('offer_id', '=', offerId)
    .where('version', '=', version ?? Number(offer.latest_declaration_version))
    .executeTakeFirst();
  if (!row) throw notFound(`declaration ${offerId} v${version}`);
  return { offer, row, declaration: JSON.parse(row.body) as Declaration };
}

/** A provider reads its own; the authority reads all; an assessor reads those of offers assigned to it. */
export async function readDeclaration(ctx: Context, actor: Actor | null, offerId: string, version?: number) {
  const a = authorize(actor, 'read', 'provider', 'assessor', 'authority');
  const loaded = await loadDeclaration(ctx, offerId, version);
  if (a.role === 'assessor') {
    const assigned = await ctx.store.db
      .selectFrom('applications')
      .select('id')
      .where('offer_id', '=', offerId)
      .where('assessor_id', '=', a.userId)
      .executeTakeFirst();
    if (!assigned) throw notFound(`offer ${offerId}`);
  } else {
    try {
      requireOwnOrganisation(a, loaded.offer.organisation_id);
    } catch {
      // Another provider's offer is "not found": no probing of which offers exist in drafts.
      throw notFound(`offer ${offerId}`);
    }
  }
  return {
    offerId,
    version: Number(loaded.row.version),
    latestVersion: Number(loaded.offer.latest_declaration_version),
    createdAt: loaded.row.created_at,
    declaration: loaded.declaration,
  };
}

export async function listOwnOffers(ctx: Context, actor: Actor | null) {
  const a = authorize(actor, 'read', 'provider', 'authority');
  let q = ctx.store.db.selectFrom('offers').selectAll().orderBy('id');
  if (a.role === 'provider') q = q.where('organisation_id', '=', a.organisationId);
  const rows = await q.execute();
  return rows.map((o) => ({
    id: o.id,
    name: o.name,
    serviceModel: o.service_model,
    organisationId: o.organisation_id,
    latestVersion: Number(o.latest_declaration_version),
    updatedAt: o.updated_at,
  }));
}
