/**
 * SQL of organisation-defined data classes (migration 0005). The table is declared here rather than in
 * schema.ts, through Kysely's `withTables`, so the placement feature stays in its own files.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export interface PlacementClassTable {
  organisation_id: string;
  id: string;
  /** The definition as the organisation sent it (JSON), resolved against the referential when used. */
  definition: string;
  created_by: string;
  created_at: string;
  updated_at: string;
}

type Db = Kysely<Database> | Transaction<Database>;
const withClasses = (db: Db) => db.withTables<{ placement_classes: PlacementClassTable }>();

export function organisationClasses(db: Db, organisationId: string): Promise<PlacementClassTable[]> {
  return withClasses(db)
    .selectFrom('placement_classes')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute();
}

export function organisationClass(
  db: Db,
  organisationId: string,
  id: string,
): Promise<PlacementClassTable | undefined> {
  return withClasses(db)
    .selectFrom('placement_classes')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Inserts or replaces (an upsert, so two requests racing on a new id cannot collide); true when new. */
export async function saveOrganisationClass(
  trx: Transaction<Database>,
  row: PlacementClassTable,
): Promise<boolean> {
  const existed = await organisationClass(trx, row.organisation_id, row.id);
  await withClasses(trx)
    .insertInto('placement_classes')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['organisation_id', 'id'])
        .doUpdateSet({ definition: row.definition, updated_at: row.updated_at }),
    )
    .execute();
  return existed === undefined;
}

export async function deleteOrganisationClass(
  trx: Transaction<Database>,
  organisationId: string,
  id: string,
): Promise<boolean> {
  const result = await withClasses(trx)
    .deleteFrom('placement_classes')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
