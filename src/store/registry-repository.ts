/**
 * SQL of the public registry: a read model with one row per labelled offer (`registry_offers`) and a meta
 * row whose `generation` every write bumps (under its row lock, so writes commit in generation order) and
 * whose `epoch` changes when rows are removed. What goes into a row is decided in src/workflow/registry/;
 * this file stores it and reads it back, the same way on SQLite and PostgreSQL.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, LabelTable, RegistryOfferTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

// Rows per INSERT stay below SQLite's and PostgreSQL's bound-parameter limits (34 columns a row).
const INSERT_BATCH = 400;

// ---------------------------------------------------------------------------------------------- writes

/** Every label of the given offers (the use case picks the current one per offer). */
export function labelsForOffers(db: Db, offerIds: readonly string[]): Promise<LabelTable[]> {
  if (offerIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('labels').selectAll().where('offer_id', 'in', offerIds).execute();
}

/** The offers, their latest declarations and their organisations' registration numbers. */
export function offerSources(db: Db, offerIds: readonly string[]) {
  if (offerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('offers')
    .innerJoin('declarations', (join) =>
      join
        .onRef('declarations.offer_id', '=', 'offers.id')
        .onRef('declarations.version', '=', 'offers.latest_declaration_version'),
    )
    .innerJoin('organisations', 'organisations.id', 'offers.organisation_id')
    .select([
      'offers.id',
      'offers.organisation_id',
      'offers.updated_at',
      'declarations.body',
      'declarations.version',
      'organisations.registration_scheme',
      'organisations.registration_value',
    ])
    .where('offers.id', 'in', offerIds)
    .execute();
}

export type OfferSources = Awaited<ReturnType<typeof offerSources>>[number];

export async function offerIdOfLabel(db: Db, labelId: string): Promise<string | undefined> {
  const row = await db.selectFrom('labels').select('offer_id').where('id', '=', labelId).executeTakeFirst();
  return row?.offer_id;
}

export async function labelledOfferIds(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('labels').select('offer_id').distinct().orderBy('offer_id').execute();
  return rows.map((r) => r.offer_id);
}

/** Writes one offer's row; the caller stamped it with the generation it bumped. */
export async function saveRegistryEntry(trx: Transaction<Database>, row: RegistryOfferTable): Promise<void> {
  const { offer_id: _id, ...rest } = row;
  await trx
    .insertInto('registry_offers')
    .values(row)
    .onConflict((oc) => oc.column('offer_id').doUpdateSet(rest))
    .execute();
}

/** Removes an offer from the registry (it has no label any more); true when there was something. */
export async function deleteRegistryEntry(trx: Transaction<Database>, offerId: string): Promise<boolean> {
  const result = await trx.deleteFrom('registry_offers').where('offer_id', '=', offerId).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  await bumpGeneration(trx, { newEpoch: true });
  return true;
}

/** Bulk insert of new rows (rebuilds, benchmarks); the caller bumps the generation. */
export async function insertRegistryRows(db: Db, rows: readonly RegistryOfferTable[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await db
      .insertInto('registry_offers')
      .values(rows.slice(i, i + INSERT_BATCH))
      .execute();
  }
}

export async function clearRegistry(trx: Transaction<Database>): Promise<void> {
  await trx.deleteFrom('registry_offers').execute();
}

/**
 * Increments the generation and returns it. The update holds the meta row's lock until commit, so
 * registry writes commit in generation order: a reader that sees generation g has seen every write ≤ g.
 * A new epoch tells readers that rows may have disappeared and an incremental catch-up is not enough.
 */
export async function bumpGeneration(db: Db, options: { newEpoch?: boolean } = {}): Promise<number> {
  const row = await db
    .updateTable('registry_meta')
    .set((eb) => ({
      generation: eb('generation', '+', 1),
      ...(options.newEpoch ? { epoch: eb('epoch', '+', 1) } : {}),
    }))
    .where('id', '=', 1)
    .returning('generation')
    .executeTakeFirstOrThrow();
  return Number(row.generation);
}

/** Reads the meta row under its write lock, so concurrent rebuilds run one after the other. */
export async function lockRegistryMeta(trx: Transaction<Database>) {
  await trx
    .updateTable('registry_meta')
    .set({ generation: (eb) => eb.ref('generation') })
    .where('id', '=', 1)
    .execute();
  return trx.selectFrom('registry_meta').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

export async function readRebuiltAt(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('registry_meta')
    .select('rebuilt_at')
    .where('id', '=', 1)
    .executeTakeFirst();
  return row?.rebuilt_at ?? null;
}

export async function markRebuilt(trx: Transaction<Database>, at: string): Promise<void> {
  await trx.updateTable('registry_meta').set({ rebuilt_at: at }).where('id', '=', 1).execute();
}

// ----------------------------------------------------------------------------------------------- reads

export interface RegistryVersion {
  epoch: number;
  generation: number;
  /** The latest validity end already passed: it moves exactly when some label becomes `expired`. */
  boundary: string | null;
}

/** What the public view depends on, in one statement of two index lookups. */
export async function registryVersion(db: Db, now: string): Promise<RegistryVersion> {
  const row = await db
    .selectFrom('registry_meta')
    .select((eb) => [
      'generation',
      'epoch',
      eb
        .selectFrom('registry_offers')
        .select((e) => e.fn.max('valid_until').as('m'))
        .where('valid_until', '<=', now)
        .as('boundary'),
    ])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { epoch: Number(row.epoch), generation: Number(row.generation), boundary: row.boundary ?? null };
}

/**
 * The columns a search index needs, for rows written after `afterGeneration`, in batches ordered by
 * (generation, offer id) so each batch continues from the last one's key along the generation index.
 */
export function indexRows(
  db: Db,
  afterGeneration: number,
  after: { generation: number; offerId: string } | null,
  limit: number,
) {
  let q = db
    .selectFrom('registry_offers')
    .select([
      'offer_id',
      'provider_id',
      'level',
      'level_rank',
      'service_model',
      'state',
      'valid_until',
      'sort_name',
      'countries',
      'certifications',
      'search_text',
      'seal_profile',
      'generation',
    ])
    .where('generation', '>', afterGeneration)
    .orderBy('generation')
    .orderBy('offer_id')
    .limit(limit);
  if (after !== null) {
    q = q.where((eb) =>
      eb.or([
        eb('generation', '>', after.generation),
        eb.and([eb('generation', '=', after.generation), eb('offer_id', '>', after.offerId)]),
      ]),
    );
  }
  return q.execute();
}

export type IndexRowSource = Awaited<ReturnType<typeof indexRows>>[number];

export function registryRows(db: Db, offerIds: readonly string[]) {
  if (offerIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('registry_offers').selectAll().where('offer_id', 'in', offerIds).execute();
}

export function registryOffer(db: Db, offerId: string) {
  return db.selectFrom('registry_offers').selectAll().where('offer_id', '=', offerId).executeTakeFirst();
}

export function registryOffersOfProvider(db: Db, providerId: string) {
  return db
    .selectFrom('registry_offers')
    .selectAll()
    .where('provider_id', '=', providerId)
    .orderBy('offer_id')
    .execute();
}

/** Every label of the given offers, newest first (one query for a provider's page). */
export function labelsOfOffers(db: Db, offerIds: readonly string[]) {
  if (offerIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('labels')
    .select([
      'id',
      'offer_id',
      'level',
      'state',
      'state_reason',
      'valid_from',
      'valid_until',
      'credential_digest',
      'referential_id',
      'referential_version',
      'created_at',
    ])
    .where('offer_id', 'in', offerIds)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** Keyset pagination over the whole registry by offer id, for exports and snapshots. */
export function registryBatch(db: Db, afterOfferId: string | null, limit: number) {
  let q = db.selectFrom('registry_offers').selectAll().orderBy('offer_id').limit(limit);
  if (afterOfferId !== null) q = q.where('offer_id', '>', afterOfferId);
  return q.execute();
}

/** The application behind a label: its stored evaluation, data class, declaration and the verdicts. */
export async function labelReview(db: Db, applicationId: string) {
  const app = await db
    .selectFrom('applications')
    .select(['id', 'evaluation', 'declaration_id', 'data_class'])
    .where('id', '=', applicationId)
    .executeTakeFirst();
  if (!app) return undefined;
  const [verdicts, declaration] = await Promise.all([
    db
      .selectFrom('verdicts')
      .select(['criterion_id', 'status'])
      .where('application_id', '=', applicationId)
      .execute(),
    db
      .selectFrom('declarations')
      .select(['body', 'version'])
      .where('id', '=', app.declaration_id)
      .executeTakeFirst(),
  ]);
  return { app, verdicts, declaration };
}

export function latestDeclarationBody(db: Db, offerId: string) {
  return db
    .selectFrom('offers')
    .innerJoin('declarations', (join) =>
      join
        .onRef('declarations.offer_id', '=', 'offers.id')
        .onRef('declarations.version', '=', 'offers.latest_declaration_version'),
    )
    .select(['declarations.body', 'declarations.version', 'declarations.created_at'])
    .where('offers.id', '=', offerId)
    .executeTakeFirst();
}

/** Published referential versions with their digests, for the snapshot. */
export function publishedReferentials(db: Db) {
  return db
    .selectFrom('referentials')
    .select(['id', 'version', 'digest', 'published_at'])
    .orderBy('id')
    .orderBy('published_at')
    .execute();
}
