/**
 * The application-to-label workflow:
 *   submitted → in-review (assessor assigned) → reviewed (every manual review decided)
 *             → granted (label issued) | refused;   submitted | in-review → withdrawn (by the provider).
 * The automated evaluation is stored with the referential version it used. Every transition locks the
 * application's row and checks the state it starts from; an illegal transition is a conflict.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Declaration } from '../declaration/types.js';
import type { EvaluationResult } from '../evaluation/evaluate.js';
import { evaluate } from '../evaluation/evaluate.js';
import type { CompiledReferential } from '../referential/compile.js';
import type { Lang } from '../referential/types.js';
import type { ApplicationTable, Database } from '../store/schema.js';
import { presentApplication } from './application-view.js';
import { recordAudit } from './audit.js';
import type { Actor, Context, LabelEvent } from './context.js';
import { loadDeclaration } from './declarations.js';
import { conflict, invalid, notFound } from './errors.js';
import { applyLabelChange, issueLabel } from './labels.js';
import { authorize, requireOwnOrganisation } from './policy.js';
import { loadReview, type Verdict } from './review.js';
import { enqueueLabelEvent } from './webhooks.js';

export type { Verdict } from './review.js';

export type ApplicationState = 'submitted' | 'in-review' | 'reviewed' | 'granted' | 'refused' | 'withdrawn';
/** An offer has at most one application in these states. */
export const OPEN_STATES: readonly ApplicationState[] = ['submitted', 'in-review', 'reviewed'];
/** Until review is complete the provider may still withdraw the application or add evidence to it. */
export const PROVIDER_EDITABLE_STATES: readonly ApplicationState[] = ['submitted', 'in-review'];
export const DEFAULT_REFERENTIAL = 'cloud-de-confiance';

/** The evaluation an application stores (in French) or a preview shows: the day's date, level and class. */
export function applicationEvaluation(
  referential: CompiledReferential,
  declaration: Declaration,
  now: Date,
  options: { lang: Lang; targetLevel?: string | undefined; dataClass?: string | undefined },
) {
  return evaluate(referential, declaration, {
    date: now.toISOString().slice(0, 10),
    lang: options.lang,
    ...(options.targetLevel ? { targetLevel: options.targetLevel } : {}),
    ...(options.dataClass ? { dataClass: options.dataClass } : {}),
  });
}

async function lockApplication(
  trx: Transaction<Database>,
  ctx: Context,
  id: string,
): Promise<ApplicationTable> {
  if (ctx.store.dialect === 'sqlite') {
    await trx
      .updateTable('applications')
      .set({ row_version: (eb) => eb.ref('row_version') })
      .where('id', '=', id)
      .execute();
  }
  let q = trx.selectFrom('applications').selectAll().where('id', '=', id);
  if (ctx.store.dialect === 'postgres') q = q.forUpdate();
  const app = await q.executeTakeFirst();
  if (!app) throw notFound(`application ${id}`);
  return app;
}

function expectState(app: ApplicationTable, action: string, ...allowed: ApplicationState[]) {
  if (!allowed.includes(app.state as ApplicationState)) {
    throw conflict(`cannot ${action} an application that is ${app.state}`, [
      { path: '$.state', message: `allowed from: ${allowed.join(', ')}` },
    ]);
  }
}

function expectVersion(app: ApplicationTable, expected: number | undefined) {
  if (expected !== undefined && expected !== Number(app.row_version)) {
    throw conflict(`stale version: application ${app.id} is at version ${app.row_version}`, [
      { path: 'If-Match', message: `expected ${expected}` },
    ]);
  }
}

/** Locks an application for its assigned assessor; any other assessor is told it does not exist. */
async function lockAssigned(
  trx: Transaction<Database>,
  ctx: Context,
  id: string,
  assessor: Actor,
  expectedVersion: number | undefined,
  action: string,
): Promise<ApplicationTable> {
  const app = await lockApplication(trx, ctx, id);
  if (app.assessor_id !== assessor.userId) throw notFound(`application ${id}`);
  expectVersion(app, expectedVersion);
  expectState(app, action, 'in-review');
  return app;
}

async function transition(
  trx: Transaction<Database>,
  ctx: Context,
  app: ApplicationTable,
  actor: string,
  action: string,
  changes: Partial<ApplicationTable>,
) {
  const now = ctx.clock().toISOString();
  const after = { ...changes, updated_at: now, row_version: Number(app.row_version) + 1 };
  await trx.updateTable('applications').set(after).where('id', '=', app.id).execute();
  await recordAudit(trx, new Date(now), {
    actor,
    action,
    subjectType: 'application',
    subjectId: app.id,
    before: { state: app.state, assessor: app.assessor_id },
    after: { state: changes.state ?? app.state, assessor: changes.assessor_id ?? app.assessor_id },
  });
  return { ...app, ...after } as ApplicationTable;
}

export async function submitApplication(
  ctx: Context,
  actor: Actor | null,
  input: { offerId: string; targetLevel: string; dataClass?: string; referentialId?: string },
) {
  const a = authorize(actor, 'write', 'provider');
  const { offer, row, declaration } = await loadDeclaration(ctx, input.offerId).catch(() => {
    throw invalid('unknown offer', [
      { path: '$.offerId', message: `no declaration for offer ${input.offerId}` },
    ]);
  });
  if (offer.organisation_id !== a.organisationId) {
    throw invalid('unknown offer', [
      { path: '$.offerId', message: `no declaration for offer ${input.offerId}` },
    ]);
  }
  const referential = ctx.referentials.latest(input.referentialId ?? DEFAULT_REFERENTIAL);
  // An assessment referential (the EU sovereignty framework) scores offers; it has no label to award.
  if (referential.document.kind === 'assessment') {
    throw invalid('not a label referential', [
      { path: '$.referentialId', message: `${referential.document.id} scores offers and awards no label` },
    ]);
  }
  if (!referential.levelOrder.includes(input.targetLevel)) {
    throw invalid('unknown level', [
      { path: '$.targetLevel', message: `one of: ${referential.levelOrder.join(', ')}` },
    ]);
  }
  const dataClasses = referential.document.dataClasses?.map((c) => c.id) ?? [];
  if (input.dataClass && dataClasses.length > 0 && !dataClasses.includes(input.dataClass)) {
    throw invalid('unknown data class', [
      { path: '$.dataClass', message: `one of: ${dataClasses.join(', ')}` },
    ]);
  }
  const now = ctx.clock();
  const evaluation = applicationEvaluation(referential, declaration, now, { ...input, lang: 'fr' });
  return ctx.store.db.transaction().execute(async (trx) => {
    const open = await trx
      .selectFrom('applications')
      .select(['id', 'state'])
      .where('offer_id', '=', input.offerId)
      .where('state', 'in', OPEN_STATES)
      .executeTakeFirst();
    if (open)
      throw conflict(`offer ${input.offerId} already has an open application (${open.id}, ${open.state})`);
    const app: ApplicationTable = {
      id: randomUUID(),
      organisation_id: a.organisationId,
      offer_id: input.offerId,
      declaration_id: row.id,
      state: 'submitted',
      target_level: input.targetLevel,
      data_class: input.dataClass ?? null,
      referential_id: referential.document.id,
      referential_version: referential.document.version,
      evaluation: JSON.stringify(evaluation),
      assessor_id: null,
      submitted_by: a.userId,
      submitted_at: now.toISOString(),
      updated_at: now.toISOString(),
      row_version: 1,
    };
    await trx.insertInto('applications').values(app).execute();
    await recordAudit(trx, now, {
      actor: a.userId,
      action: 'application.submitted',
      subjectType: 'application',
      subjectId: app.id,
      after: {
        state: 'submitted',
        offer: input.offerId,
        declarationVersion: row.version,
        referential: `${referential.document.id}@${referential.document.version}`,
      },
    });
    return app;
  });
}

/** Who may read an application: its provider, its assigned assessor, the authority. */
export function canRead(
  actor: Actor,
  app: Pick<ApplicationTable, 'organisation_id' | 'assessor_id'>,
): boolean {
  if (actor.role === 'authority') return true;
  if (actor.role === 'provider') return actor.organisationId === app.organisation_id;
  return app.assessor_id === actor.userId;
}

export async function getApplication(ctx: Context, actor: Actor | null, id: string) {
  const a = authorize(actor, 'read', 'provider', 'assessor', 'authority');
  const app = await ctx.store.db
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  // Not readable is reported as not found, so ids of other organisations' applications cannot be probed.
  if (!app || !canRead(a, app)) throw notFound(`application ${id}`);
  const verdicts = await ctx.store.db
    .selectFrom('verdicts')
    .selectAll()
    .where('application_id', '=', id)
    .execute();
  const decision = await ctx.store.db
    .selectFrom('decisions')
    .selectAll()
    .where('application_id', '=', id)
    .executeTakeFirst();
  const evidence = await ctx.store.db
    .selectFrom('application_evidence')
    .selectAll()
    .where('application_id', '=', id)
    .execute();
  const label = await ctx.store.db
    .selectFrom('labels')
    .select(['id', 'state', 'level'])
    .where('application_id', '=', id)
    .executeTakeFirst();
  return presentApplication(app, verdicts, decision, evidence, label);
}

export async function listApplications(
  ctx: Context,
  actor: Actor | null,
  filter: { state?: string; limit: number; offset: number },
) {
  const a = authorize(actor, 'read', 'provider', 'assessor', 'authority');
  let q = ctx.store.db.selectFrom('applications').selectAll().orderBy('submitted_at', 'desc').orderBy('id');
  if (a.role === 'provider') q = q.where('organisation_id', '=', a.organisationId);
  if (a.role === 'assessor') q = q.where('assessor_id', '=', a.userId);
  if (filter.state) q = q.where('state', '=', filter.state);
  const rows = await q.limit(filter.limit).offset(filter.offset).execute();
  return rows.map((r) => {
    const e = JSON.parse(r.evaluation) as EvaluationResult;
    return {
      id: r.id,
      offerId: r.offer_id,
      organisationId: r.organisation_id,
      state: r.state,
      targetLevel: r.target_level,
      assessorId: r.assessor_id,
      submittedAt: r.submitted_at,
      updatedAt: r.updated_at,
      automatedLevel: e.level,
      version: Number(r.row_version),
    };
  });
}

/** Names an assessor declared links with, compared case-insensitively with the provider and its owners. */
async function conflictsOfInterest(
  trx: Transaction<Database>,
  assessorId: string,
  app: ApplicationTable,
): Promise<string[]> {
  const links = await trx
    .selectFrom('assessor_links')
    .selectAll()
    .where('user_id', '=', assessorId)
    .execute();
  if (links.length === 0) return [];
  const { declaration } = await loadDeclarationById(trx, app.declaration_id);
  const org = await trx
    .selectFrom('organisations')
    .selectAll()
    .where('id', '=', app.organisation_id)
    .executeTakeFirst();
  const norm = (s: string) => s.trim().toLowerCase();
  const names = new Set(
    [declaration.provider.name, ...(declaration.organisations ?? []).map((o) => o.name), org?.name ?? ''].map(
      norm,
    ),
  );
  const registrations = new Set(
    [declaration.provider.registrationNumber?.value, org?.registration_value].filter(Boolean) as string[],
  );
  return links
    .filter(
      (l) =>
        names.has(norm(l.entity_name)) || (l.registration_value && registrations.has(l.registration_value)),
    )
    .map((l) => l.entity_name);
}

export async function assignAssessor(
  ctx: Context,
  actor: Actor | null,
  id: string,
  assessorId: string,
  expectedVersion?: number,
) {
  const a = authorize(actor, 'write', 'authority');
  const assessor = await ctx.store.db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', assessorId)
    .executeTakeFirst();
  if (assessor?.role !== 'assessor' || assessor.disabled_at) {
    throw invalid('not an assessor', [
      { path: '$.assessorId', message: `${assessorId} is not an active assessor` },
    ]);
  }
  return ctx.store.db.transaction().execute(async (trx) => {
    const app = await lockApplication(trx, ctx, id);
    expectVersion(app, expectedVersion);
    expectState(app, 'assign', 'submitted', 'in-review');
    const conflicts = await conflictsOfInterest(trx, assessorId, app);
    if (conflicts.length > 0) {
      throw conflict('assignment refused: the assessor declared a link with the provider or its owners', [
        { path: '$.assessorId', message: `declared links: ${conflicts.join(', ')}` },
      ]);
    }
    return transition(trx, ctx, app, a.userId, 'application.assigned', {
      state: 'in-review',
      assessor_id: assessorId,
    });
  });
}

export async function recordVerdicts(
  ctx: Context,
  actor: Actor | null,
  id: string,
  verdicts: Verdict[],
  expectedVersion?: number,
) {
  const a = authorize(actor, 'write', 'assessor');
  return ctx.store.db.transaction().execute(async (trx) => {
    const app = await lockAssigned(trx, ctx, id, a, expectedVersion, 'review');
    const evaluation = JSON.parse(app.evaluation) as EvaluationResult;
    const byId = new Map(evaluation.criteria.map((c) => [c.id, c]));
    const details: Array<{ path: string; message: string }> = [];
    verdicts.forEach((v, i) => {
      const c = byId.get(v.criterionId);
      if (!c)
        details.push({
          path: `$.verdicts[${i}].criterionId`,
          message: `no criterion ${v.criterionId} in this evaluation`,
        });
      else if (c.status !== v.status && c.status !== 'manual-review' && !v.comment?.trim()) {
        details.push({
          path: `$.verdicts[${i}].comment`,
          message: `overturning the automated result "${c.status}" needs a written reason`,
        });
      }
    });
    if (details.length > 0) throw invalid('invalid verdicts', details);
    const now = ctx.clock().toISOString();
    for (const v of verdicts) {
      const row = {
        application_id: id,
        criterion_id: v.criterionId,
        status: v.status,
        automated_status: byId.get(v.criterionId)!.status,
        comment: v.comment?.trim() || null,
        assessor_id: a.userId,
        decided_at: now,
      };
      await trx
        .insertInto('verdicts')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['application_id', 'criterion_id']).doUpdateSet({
            status: row.status,
            comment: row.comment,
            assessor_id: row.assessor_id,
            decided_at: now,
          }),
        )
        .execute();
    }
    return transition(trx, ctx, app, a.userId, 'application.verdicts-recorded', {});
  });
}

export async function completeReview(
  ctx: Context,
  actor: Actor | null,
  id: string,
  expectedVersion?: number,
) {
  const a = authorize(actor, 'write', 'assessor');
  return ctx.store.db.transaction().execute(async (trx) => {
    const app = await lockAssigned(trx, ctx, id, a, expectedVersion, 'complete the review of');
    const { review } = await loadReview(trx, app);
    if (review.pendingReviews.length > 0) {
      throw conflict(
        'every manual-review criterion must be decided first',
        review.pendingReviews.map((c) => ({ path: c, message: 'no verdict yet' })),
      );
    }
    return transition(trx, ctx, app, a.userId, 'application.reviewed', { state: 'reviewed' });
  });
}

export type Decision =
  | { outcome: 'grant'; level: string; reasons?: string }
  | { outcome: 'refuse'; reasons: string };

export async function decide(
  ctx: Context,
  actor: Actor | null,
  id: string,
  decision: Decision,
  expectedVersion?: number,
) {
  const a = authorize(actor, 'write', 'authority');
  const superseded: LabelEvent[] = [];
  return ctx.store.db
    .transaction()
    .execute(async (trx) => {
      const app = await lockApplication(trx, ctx, id);
      expectVersion(app, expectedVersion);
      expectState(app, 'decide on', 'reviewed');
      const now = ctx.clock();
      const { evaluation, review } = await loadReview(trx, app);
      let labelId: string | null = null;
      if (decision.outcome === 'grant') {
        const order = review.levels.map((l) => l.id);
        if (!order.includes(decision.level))
          throw invalid('unknown level', [{ path: '$.level', message: `one of: ${order.join(', ')}` }]);
        if (review.level === null || order.indexOf(review.level) < order.indexOf(decision.level)) {
          throw conflict(
            `level ${decision.level} is not attained after review (attained: ${review.level ?? 'none'})`,
            [
              {
                path: '$.level',
                message: (review.levels.find((l) => l.id === decision.level)?.blocking ?? []).join(', '),
              },
            ],
          );
        }
        const { declaration } = await loadDeclarationById(trx, app.declaration_id);
        const evidence = await trx
          .selectFrom('application_evidence')
          .select('digest')
          .where('application_id', '=', id)
          .execute();
        const label = await issueLabel(trx, ctx, {
          applicationId: id,
          organisationId: app.organisation_id,
          declaration,
          evaluation: { ...evaluation, criteria: review.criteria },
          level: decision.level,
          evidenceDigests: evidence.map((e) => e.digest),
          actor: a.userId,
        });
        labelId = label.id;
        // A renewal supersedes the offer's previous label: one offer, one current label.
        const previous = await trx
          .selectFrom('labels')
          .select('id')
          .where('offer_id', '=', app.offer_id)
          .where('id', '!=', label.id)
          .where('state', 'in', ['active', 'suspended'])
          .execute();
        for (const p of previous) {
          await applyLabelChange(
            trx,
            ctx,
            { labelId: p.id, action: 'revoke', reason: `superseded by label ${label.id}`, actor: a.userId },
            superseded,
            { propagate: false },
          );
        }
        await enqueueLabelEvent(trx, {
          type: 'label.issued',
          labelId: label.id,
          offerId: label.offer_id,
          at: now.toISOString(),
        });
      } else if (!decision.reasons?.trim()) {
        throw invalid('reasons required', [{ path: '$.reasons', message: 'a refusal states its reasons' }]);
      }
      await trx
        .insertInto('decisions')
        .values({
          application_id: id,
          outcome: decision.outcome === 'grant' ? 'granted' : 'refused',
          level: decision.outcome === 'grant' ? decision.level : null,
          reasons: decision.reasons ?? '',
          decided_by: a.userId,
          decided_at: now.toISOString(),
        })
        .execute();
      const updated = await transition(
        trx,
        ctx,
        app,
        a.userId,
        decision.outcome === 'grant' ? 'application.granted' : 'application.refused',
        {
          state: decision.outcome === 'grant' ? 'granted' : 'refused',
        },
      );
      return { application: updated, labelId };
    })
    .then((r) => {
      if (r.labelId)
        ctx.onLabelEvent?.({
          type: 'label.issued',
          labelId: r.labelId,
          offerId: r.application.offer_id,
          at: ctx.clock().toISOString(),
        });
      for (const e of superseded) ctx.onLabelEvent?.(e);
      return r;
    });
}

async function loadDeclarationById(trx: Transaction<Database>, declarationId: string) {
  const row = await trx
    .selectFrom('declarations')
    .selectAll()
    .where('id', '=', declarationId)
    .executeTakeFirstOrThrow();
  return { row, declaration: JSON.parse(row.body) as Declaration };
}

export async function withdrawApplication(
  ctx: Context,
  actor: Actor | null,
  id: string,
  expectedVersion?: number,
) {
  const a = authorize(actor, 'write', 'provider');
  return ctx.store.db.transaction().execute(async (trx) => {
    const app = await lockApplication(trx, ctx, id);
    try {
      requireOwnOrganisation(a, app.organisation_id);
    } catch {
      throw notFound(`application ${id}`);
    }
    expectVersion(app, expectedVersion);
    expectState(app, 'withdraw', ...PROVIDER_EDITABLE_STATES);
    return transition(trx, ctx, app, a.userId, 'application.withdrawn', { state: 'withdrawn' });
  });
}
