/**
 * What the assessor's and the authority's consoles read: the review queue with names instead of ids, an
 * application's review file (criteria in the reader's language with the verdicts and evidence beside
 * them), the assessors one may assign, and the labels with the changes their state allows. Reads only:
 * every decision goes through applications.ts and labels.ts.
 */
import type { Declaration } from '../declaration/types.js';
import { type EvaluationResult, evaluate } from '../evaluation/evaluate.js';
import type { I18n, Lang } from '../referential/types.js';
import type { LabelTable } from '../store/schema.js';
import { type ApplicationState, getApplication } from './applications.js';
import type { Actor, Context } from './context.js';
import { notFound } from './errors.js';
import { type LabelState, labelActions, listLabels, publicState } from './labels.js';
import { authorize } from './policy.js';
import { reviewedLevels, type Verdict } from './review.js';

export interface QueueFilter {
  state?: ApplicationState | undefined;
  limit: number;
  offset: number;
}

async function namesOf(ctx: Context, ids: { users?: string[]; organisations?: string[]; offers?: string[] }) {
  const db = ctx.store.db;
  const uniq = (xs: string[] | undefined) => [...new Set((xs ?? []).filter(Boolean))];
  const [users, organisations, offers] = await Promise.all([
    uniq(ids.users).length
      ? db
          .selectFrom('users')
          .select(['id', 'display_name', 'email'])
          .where('id', 'in', uniq(ids.users))
          .execute()
      : [],
    uniq(ids.organisations).length
      ? db
          .selectFrom('organisations')
          .select(['id', 'name'])
          .where('id', 'in', uniq(ids.organisations))
          .execute()
      : [],
    uniq(ids.offers).length
      ? db
          .selectFrom('offers')
          .select(['id', 'name', 'service_model'])
          .where('id', 'in', uniq(ids.offers))
          .execute()
      : [],
  ]);
  return {
    user: new Map(users.map((u) => [u.id, { displayName: u.display_name, email: u.email }])),
    organisation: new Map(organisations.map((o) => [o.id, o.name])),
    offer: new Map(offers.map((o) => [o.id, { name: o.name, serviceModel: o.service_model }])),
  };
}

/**
 * Applications in review order (oldest submission first, the order in which they should be handled): the
 * assessor's own, or all of them for the authority. `more` says whether a next page exists.
 */
export async function reviewQueue(ctx: Context, actor: Actor | null, filter: QueueFilter) {
  const a = authorize(actor, 'read', 'assessor', 'authority');
  let q = ctx.store.db.selectFrom('applications').selectAll().orderBy('submitted_at', 'asc').orderBy('id');
  if (a.role === 'assessor') q = q.where('assessor_id', '=', a.userId);
  if (filter.state) q = q.where('state', '=', filter.state);
  const rows = await q
    .limit(filter.limit + 1)
    .offset(filter.offset)
    .execute();
  const page = rows.slice(0, filter.limit);
  const verdicts = page.length
    ? await ctx.store.db
        .selectFrom('verdicts')
        .select(['application_id', 'criterion_id', 'status'])
        .where(
          'application_id',
          'in',
          page.map((r) => r.id),
        )
        .execute()
    : [];
  const names = await namesOf(ctx, {
    users: page.map((r) => r.assessor_id ?? ''),
    organisations: page.map((r) => r.organisation_id),
    offers: page.map((r) => r.offer_id),
  });
  const items = page.map((r) => {
    const evaluation = JSON.parse(r.evaluation) as EvaluationResult;
    const review = reviewedLevels(
      evaluation,
      verdicts
        .filter((v) => v.application_id === r.id)
        .map((v) => ({ criterionId: v.criterion_id, status: v.status as Verdict['status'] })),
    );
    return {
      id: r.id,
      state: r.state as ApplicationState,
      offer: { id: r.offer_id, name: names.offer.get(r.offer_id)?.name ?? r.offer_id },
      provider: {
        id: r.organisation_id,
        name: names.organisation.get(r.organisation_id) ?? r.organisation_id,
      },
      assessor: r.assessor_id
        ? { id: r.assessor_id, name: names.user.get(r.assessor_id)?.displayName ?? r.assessor_id }
        : null,
      targetLevel: r.target_level,
      automatedLevel: evaluation.level,
      reviewedLevel: review.level,
      pendingReviews: review.pendingReviews.length,
      submittedAt: r.submitted_at,
      updatedAt: r.updated_at,
    };
  });
  return { items, more: rows.length > filter.limit };
}

/** How many applications wait in each state and labels in each stored state (the authority's overview). */
export async function deskCounts(ctx: Context, actor: Actor | null) {
  const a = authorize(actor, 'read', 'assessor', 'authority');
  let apps = ctx.store.db
    .selectFrom('applications')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('state');
  if (a.role === 'assessor') apps = apps.where('assessor_id', '=', a.userId);
  const applications = Object.fromEntries((await apps.execute()).map((r) => [r.state, Number(r.n)]));
  const labels =
    a.role === 'authority'
      ? Object.fromEntries(
          (
            await ctx.store.db
              .selectFrom('labels')
              .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
              .groupBy('state')
              .execute()
          ).map((r) => [r.state, Number(r.n)]),
        )
      : {};
  return { applications: applications as Record<string, number>, labels: labels as Record<string, number> };
}

/**
 * One application as its assessor or the authority reviews it: the stored evaluation's criteria (titles
 * and explanations in `lang`), each with its verdict and its evidence, grouped by the referential's
 * categories; the evidence with digests and sizes; the names of the people and organisations involved.
 */
export async function reviewFile(ctx: Context, actor: Actor | null, id: string, lang: Lang) {
  authorize(actor, 'read', 'assessor', 'authority');
  const app = await getApplication(ctx, actor, id);
  const db = ctx.store.db;
  const [declarationRow, files] = await Promise.all([
    db
      .selectFrom('declarations')
      .select(['body', 'version'])
      .where('id', '=', app.declarationId)
      .executeTakeFirst(),
    db
      .selectFrom('application_evidence')
      .innerJoin('evidence', 'evidence.digest', 'application_evidence.digest')
      .select(['application_evidence.id', 'evidence.size', 'evidence.media_type'])
      .where('application_evidence.application_id', '=', id)
      .execute(),
  ]);
  const referential = ctx.referentials.get(app.referential.id, app.referential.version);
  const stored = app.evaluation;
  // The evaluation was stored in one language; the same rules on the same declaration and date give the
  // same statuses, so only the wording is taken from a run in the reader's language.
  let worded = stored;
  if (declarationRow && stored.context.lang !== lang) {
    worded = evaluate(referential, JSON.parse(declarationRow.body) as Declaration, {
      date: stored.context.date,
      lang,
      targetLevel: app.targetLevel,
      ...(stored.context.dataClass ? { dataClass: stored.context.dataClass } : {}),
    });
  }
  const wording = new Map(worded.criteria.map((c) => [c.id, c]));
  const verdicts = new Map(app.verdicts.map((v) => [v.criterionId, v]));
  const sizes = new Map(files.map((f) => [f.id, { size: Number(f.size), mediaType: f.media_type }]));
  const evidence = app.evidence.map((e) => ({ ...e, ...(sizes.get(e.id) ?? { size: 0, mediaType: '' }) }));
  const pending = new Set(app.review.pendingReviews);
  const criteria = stored.criteria.map((c) => {
    const w = wording.get(c.id) ?? c;
    const verdict = verdicts.get(c.id) ?? null;
    return {
      id: c.id,
      category: c.category,
      levels: c.levels,
      automatedStatus: c.status,
      status: verdict?.status ?? c.status,
      pending: pending.has(c.id),
      title: w.title,
      explanation: w.explanation,
      missing: c.missing ?? [],
      verdict,
      evidence: evidence.filter((e) => e.criterionId === c.id),
    };
  });
  const categories = referential.document.categories
    .map((cat) => ({
      id: cat.id,
      title: cat.title[lang],
      criteria: criteria.filter((c) => c.category === cat.id),
    }))
    .filter((cat) => cat.criteria.length > 0);
  const names = await namesOf(ctx, {
    users: [app.assessorId ?? '', app.decision?.decidedBy ?? ''],
    organisations: [app.organisationId],
    offers: [app.offerId],
  });
  const levelTitle = new Map<string, I18n>(referential.document.levels.map((l) => [l.id, l.title]));
  return {
    application: app,
    offer: { id: app.offerId, ...(names.offer.get(app.offerId) ?? { name: app.offerId, serviceModel: '' }) },
    provider: {
      id: app.organisationId,
      name: names.organisation.get(app.organisationId) ?? app.organisationId,
    },
    declarationVersion: declarationRow ? Number(declarationRow.version) : null,
    assessor: app.assessorId
      ? { id: app.assessorId, name: names.user.get(app.assessorId)?.displayName ?? app.assessorId }
      : null,
    decidedBy: app.decision
      ? (names.user.get(app.decision.decidedBy)?.displayName ?? app.decision.decidedBy)
      : null,
    categories,
    evidence,
    /** Levels after review, lowest first, with their titles; `attained` ones may be granted. */
    levels: app.review.levels.map((l) => ({ ...l, title: levelTitle.get(l.id)?.[lang] ?? l.id })),
    /** What the reader's role may do now; the use cases check again when it is done. */
    can: {
      recordVerdicts: actor?.role === 'assessor' && app.state === 'in-review',
      completeReview: actor?.role === 'assessor' && app.state === 'in-review' && pending.size === 0,
      assign: actor?.role === 'authority' && (app.state === 'submitted' || app.state === 'in-review'),
      decide: actor?.role === 'authority' && app.state === 'reviewed',
    },
  };
}

/** Active assessors, with the links they declared (the entities they may not review). */
export async function listAssessors(ctx: Context, actor: Actor | null) {
  authorize(actor, 'read', 'authority');
  const db = ctx.store.db;
  const users = await db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select(['users.id', 'users.display_name', 'users.email', 'organisations.name as organisation'])
    .where('users.role', '=', 'assessor')
    .where('users.disabled_at', 'is', null)
    .orderBy('users.display_name')
    .orderBy('users.id')
    .execute();
  const links = users.length
    ? await db
        .selectFrom('assessor_links')
        .select(['user_id', 'entity_name'])
        .where(
          'user_id',
          'in',
          users.map((u) => u.id),
        )
        .orderBy('entity_name')
        .execute()
    : [];
  return users.map((u) => ({
    id: u.id,
    displayName: u.display_name,
    email: u.email,
    organisation: u.organisation,
    declaredLinks: links.filter((l) => l.user_id === u.id).map((l) => l.entity_name),
  }));
}

function presentDeskLabel(ctx: Context, l: LabelTable, names: Awaited<ReturnType<typeof namesOf>>) {
  return {
    id: l.id,
    applicationId: l.application_id,
    offer: { id: l.offer_id, name: names.offer.get(l.offer_id)?.name ?? l.offer_id },
    provider: { id: l.organisation_id, name: names.organisation.get(l.organisation_id) ?? l.organisation_id },
    level: l.level,
    state: l.state,
    publicState: publicState(l, ctx.clock()),
    stateReason: l.state_reason,
    flagged: l.flagged_at ? { at: l.flagged_at, reason: l.flag_reason } : null,
    validFrom: l.valid_from,
    validUntil: l.valid_until,
    referential: { id: l.referential_id, version: l.referential_version },
    logIndex: Number(l.log_index),
    actions: labelActions(l.state),
  };
}

/** Labels for the authority's console, newest first, with offer and provider names. */
export async function labelDesk(
  ctx: Context,
  actor: Actor | null,
  filter: { state?: LabelState | undefined; limit: number; offset: number },
) {
  authorize(actor, 'read', 'authority');
  const rows = await listLabels(ctx, actor, { ...filter, limit: filter.limit + 1 });
  const page = rows.slice(0, filter.limit);
  const names = await namesOf(ctx, {
    organisations: page.map((l) => l.organisation_id),
    offers: page.map((l) => l.offer_id),
  });
  return { items: page.map((l) => presentDeskLabel(ctx, l, names)), more: rows.length > filter.limit };
}

/** One label for the authority: what it is, what may be done to it, and its history from the audit trail. */
export async function labelFile(ctx: Context, actor: Actor | null, id: string) {
  authorize(actor, 'read', 'authority');
  const db = ctx.store.db;
  const label = await db.selectFrom('labels').selectAll().where('id', '=', id).executeTakeFirst();
  if (!label) throw notFound(`label ${id}`);
  const events = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('subject_type', '=', 'label')
    .where('subject_id', '=', id)
    .orderBy('id')
    .execute();
  const names = await namesOf(ctx, {
    users: events.map((e) => e.actor),
    organisations: [label.organisation_id],
    offers: [label.offer_id],
  });
  return {
    label: presentDeskLabel(ctx, label, names),
    version: Number(label.row_version),
    history: events.map((e) => {
      const after = e.after ? (JSON.parse(e.after) as { state?: string; reason?: string }) : {};
      return {
        at: e.at,
        action: e.action,
        actor: names.user.get(e.actor)?.displayName ?? e.actor,
        state: after.state ?? null,
        reason: after.reason ?? null,
      };
    }),
  };
}
