/**
 * Data classes an organisation defines for its own placement decisions, on top of the referential's.
 * Any signed-in member may read them; members with the write scope create, replace and delete them.
 * Nobody outside the organisation sees them (not even the authority: they are the organisation's policy,
 * and every receipt that used one carries its requirements and digest anyway). Each change is audited.
 */
import { DataClassError, type OrganisationClassInput, organisationDataClass } from '../placement/classes.js';
import type { DataClass } from '../placement/types.js';
import * as repo from '../store/placement-repository.js';
import { recordAudit } from './audit.js';
import type { Actor, Context } from './context.js';
import { invalid, notFound } from './errors.js';
import { referentialClasses, referentialOf } from './placement-referential.js';
import { authorize } from './policy.js';

const ROLES = ['provider', 'assessor', 'authority'] as const;

function resolve(ctx: Context, row: repo.PlacementClassTable): DataClass | undefined {
  const referential = referentialOf(ctx);
  try {
    return organisationDataClass(
      row.id,
      JSON.parse(row.definition) as OrganisationClassInput,
      row.organisation_id,
      referential.document,
      referentialClasses(referential).classes,
    );
  } catch (err) {
    // A class saved under an older referential may no longer resolve (a level removed): it is unusable
    // until replaced, and listed as such rather than failing the whole list.
    if (err instanceof DataClassError) return undefined;
    throw err;
  }
}

export async function findOrganisationClass(
  ctx: Context,
  actor: Actor,
  id: string,
): Promise<DataClass | undefined> {
  const a = authorize(actor, 'read', ...ROLES);
  const row = await repo.organisationClass(ctx.store.db, a.organisationId, id);
  return row ? resolve(ctx, row) : undefined;
}

/** The referential's classes, and the caller's organisation's when signed in. */
export async function listDataClasses(ctx: Context, actor: Actor | null) {
  const { classes } = referentialClasses(referentialOf(ctx));
  const own: Array<{ row: repo.PlacementClassTable; cls: DataClass | undefined }> = [];
  if (actor) {
    const a = authorize(actor, 'read', ...ROLES);
    for (const row of await repo.organisationClasses(ctx.store.db, a.organisationId))
      own.push({ row, cls: resolve(ctx, row) });
  }
  return {
    items: [
      ...classes.map((c) => present(c)),
      ...own.map(({ row, cls }) =>
        cls
          ? present(cls)
          : {
              id: row.id,
              origin: { kind: 'organisation', organisationId: row.organisation_id },
              usable: false,
            },
      ),
    ],
  };
}

function present(c: DataClass) {
  return {
    id: c.id,
    title: c.title,
    ...(c.description ? { description: c.description } : {}),
    origin: c.origin,
    ...(c.extends ? { extends: c.extends } : {}),
    minimumLevel: c.minimumLevel,
    territories: c.territories,
    territoryTokens: c.territoryTokens,
    certifications: c.certifications,
    sources: c.sources,
    digest: c.digest,
    usable: true,
  };
}

export async function saveDataClass(
  ctx: Context,
  actor: Actor | null,
  id: string,
  input: OrganisationClassInput,
): Promise<{ created: boolean; dataClass: ReturnType<typeof present> }> {
  const a = authorize(actor, 'write', ...ROLES);
  const referential = referentialOf(ctx);
  let cls: DataClass;
  try {
    cls = organisationDataClass(
      id,
      input,
      a.organisationId,
      referential.document,
      referentialClasses(referential).classes,
    );
  } catch (err) {
    if (err instanceof DataClassError) throw invalid(err.message, err.details);
    throw err;
  }
  const now = ctx.clock();
  const definition = JSON.stringify(input);
  const created = await ctx.store.db.transaction().execute(async (trx) => {
    const isNew = await repo.saveOrganisationClass(trx, {
      organisation_id: a.organisationId,
      id,
      definition,
      created_by: a.userId,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    await recordAudit(trx, now, {
      actor: a.userId,
      action: isNew ? 'placement-class.created' : 'placement-class.replaced',
      subjectType: 'placement-class',
      subjectId: `${a.organisationId}/${id}`,
      after: { definition: input, digest: cls.digest },
    });
    return isNew;
  });
  return { created, dataClass: present(cls) };
}

export async function deleteDataClass(ctx: Context, actor: Actor | null, id: string): Promise<void> {
  const a = authorize(actor, 'write', ...ROLES);
  const now = ctx.clock();
  const deleted = await ctx.store.db.transaction().execute(async (trx) => {
    const done = await repo.deleteOrganisationClass(trx, a.organisationId, id);
    if (done)
      await recordAudit(trx, now, {
        actor: a.userId,
        action: 'placement-class.deleted',
        subjectType: 'placement-class',
        subjectId: `${a.organisationId}/${id}`,
      });
    return done;
  });
  if (!deleted) throw notFound(`data class ${id}`);
}
