/**
 * What the provider console shows and previews, over the same data and rules as the other use cases:
 * the evaluation a declaration would get if applied for today (exactly as `submitApplication` computes
 * it, in the reader's language), an offer with its applications and labels, an application with its
 * criteria re-rendered in the reader's language, and the organisation's labels as relying parties see them.
 */
import type { Declaration } from '../declaration/types.js';
import { validateDeclaration } from '../declaration/validate.js';
import { type EvaluationResult, evaluate } from '../evaluation/evaluate.js';
import type { Lang } from '../referential/types.js';
import type { LabelTable } from '../store/schema.js';
import {
  applicationEvaluation,
  DEFAULT_REFERENTIAL,
  getApplication,
  OPEN_STATES,
  PROVIDER_EDITABLE_STATES,
} from './applications.js';
import type { Actor, Context } from './context.js';
import { readDeclaration } from './declarations.js';
import { invalid, notFound } from './errors.js';
import { publicState } from './labels.js';
import { authorize } from './policy.js';
import { reviewedLevels, type Verdict } from './review.js';

export interface EvaluationOptions {
  lang: Lang;
  targetLevel?: string | undefined;
  dataClass?: string | undefined;
}

/** Levels and data classes an application may name, with their titles in both languages. */
export function applicationChoices(ctx: Context) {
  const referential = ctx.referentials.latest(DEFAULT_REFERENTIAL);
  const doc = referential.document;
  const classes = [...new Set(doc.criteria.flatMap((c) => c.dataClasses ?? []))];
  return {
    referential: { id: doc.id, version: doc.version },
    levels: doc.levels.map((l) => ({ id: l.id, title: l.title })),
    dataClasses: classes.map((id) => ({
      id,
      title: doc.dataClasses?.find((d) => d.id === id)?.title ?? { fr: id, en: id },
    })),
  };
}

function checkedOptions(ctx: Context, options: EvaluationOptions) {
  const choices = applicationChoices(ctx);
  const details: Array<{ path: string; message: string }> = [];
  if (options.targetLevel && !choices.levels.some((l) => l.id === options.targetLevel))
    details.push({
      path: '$.targetLevel',
      message: `one of: ${choices.levels.map((l) => l.id).join(', ')}`,
    });
  if (options.dataClass && !choices.dataClasses.some((d) => d.id === options.dataClass))
    details.push({
      path: '$.dataClass',
      message: `one of: ${choices.dataClasses.map((d) => d.id).join(', ')}`,
    });
  if (details.length > 0) throw invalid('unknown level or data class', details);
}

/**
 * The evaluation an application made today would store (same referential, date and options as
 * `submitApplication`), rendered in `lang`. Pure over the declaration: nothing is saved.
 */
export function evaluateAsApplication(
  ctx: Context,
  declaration: Declaration,
  options: EvaluationOptions,
): EvaluationResult {
  return applicationEvaluation(
    ctx.referentials.latest(DEFAULT_REFERENTIAL),
    declaration,
    ctx.clock(),
    options,
  );
}

/** Preview of a declaration not saved yet: invalid input is refused with every problem's JSON path. */
export function previewDeclaration(
  ctx: Context,
  actor: Actor | null,
  body: unknown,
  options: EvaluationOptions,
): EvaluationResult {
  authorize(actor, 'read', 'provider');
  const result = validateDeclaration(body);
  if (!result.ok)
    throw invalid(
      'invalid declaration',
      result.issues.map((i) => ({ path: i.path, message: i.message })),
    );
  checkedOptions(ctx, options);
  return evaluateAsApplication(ctx, result.declaration, options);
}

function presentLabel(ctx: Context, label: LabelTable) {
  return {
    id: label.id,
    offerId: label.offer_id,
    level: label.level,
    state: publicState(label, ctx.clock()),
    stateReason: label.state_reason,
    flagged: label.flagged_at ? { at: label.flagged_at, reason: label.flag_reason } : null,
    validFrom: label.valid_from,
    validUntil: label.valid_until,
    referential: { id: label.referential_id, version: label.referential_version },
    credentialDigest: label.credential_digest,
    links: {
      offerPage: `/offers/${encodeURIComponent(label.offer_id)}`,
      credential: `/v1/labels/${encodeURIComponent(label.id)}/credential`,
      label: `/v1/labels/${encodeURIComponent(label.id)}`,
    },
  };
}

export type ProviderLabel = ReturnType<typeof presentLabel>;

/** The provider's labels (newest first), with the state relying parties see (expired included). */
export async function listProviderLabels(ctx: Context, actor: Actor | null, offerId?: string) {
  const a = authorize(actor, 'read', 'provider');
  let q = ctx.store.db
    .selectFrom('labels')
    .selectAll()
    .where('organisation_id', '=', a.organisationId)
    .orderBy('created_at', 'desc')
    .orderBy('id');
  if (offerId) q = q.where('offer_id', '=', offerId);
  const rows = await q.limit(500).execute();
  return rows.map((l) => presentLabel(ctx, l));
}

/** One of the provider's offers: its latest declaration, applications and labels; others are not found. */
export async function getProviderOffer(ctx: Context, actor: Actor | null, offerId: string) {
  const a = authorize(actor, 'read', 'provider');
  const declaration = await readDeclaration(ctx, a, offerId);
  const applications = await ctx.store.db
    .selectFrom('applications')
    .select(['id', 'state', 'target_level', 'data_class', 'submitted_at', 'updated_at', 'evaluation'])
    .where('offer_id', '=', offerId)
    .where('organisation_id', '=', a.organisationId)
    .orderBy('submitted_at', 'desc')
    .orderBy('id')
    .execute();
  const open = applications.find((app) => (OPEN_STATES as readonly string[]).includes(app.state));
  return {
    offerId,
    version: declaration.version,
    savedAt: declaration.createdAt,
    declaration: declaration.declaration,
    applications: applications.map((app) => ({
      id: app.id,
      state: app.state,
      targetLevel: app.target_level,
      dataClass: app.data_class,
      submittedAt: app.submitted_at,
      updatedAt: app.updated_at,
      automatedLevel: (JSON.parse(app.evaluation) as EvaluationResult).level,
    })),
    openApplicationId: open?.id ?? null,
    labels: await listProviderLabels(ctx, a, offerId),
  };
}

/**
 * An application as its provider follows it: state, decision, evidence, and the criteria with the
 * assessor's verdicts laid over the automated results. The stored evaluation was written in French; the
 * criteria are evaluated again with its referential version, date and data class to be shown in `lang`
 * (the evaluation is pure: same inputs, same statuses).
 */
export async function getProviderApplication(ctx: Context, actor: Actor | null, id: string, lang: Lang) {
  const a = authorize(actor, 'read', 'provider');
  const app = await getApplication(ctx, a, id);
  let criteria = app.evaluation.criteria;
  if (app.evaluation.context.lang !== lang) {
    const row = await ctx.store.db
      .selectFrom('declarations')
      .select('body')
      .where('id', '=', app.declarationId)
      .executeTakeFirst();
    if (!row) throw notFound(`declaration of application ${id}`);
    const referential = ctx.referentials.get(app.referential.id, app.referential.version);
    const { date, dataClass } = app.evaluation.context;
    criteria = evaluate(referential, JSON.parse(row.body) as Declaration, {
      date,
      lang,
      ...(dataClass ? { dataClass } : {}),
    }).criteria;
  }
  const verdicts = new Map(app.verdicts.map((v) => [v.criterionId, v]));
  const reviewed = reviewedLevels(
    { ...app.evaluation, criteria },
    app.verdicts.map((v) => ({ criterionId: v.criterionId, status: v.status as Verdict['status'] })),
  );
  const declarationVersion = await ctx.store.db
    .selectFrom('declarations')
    .select('version')
    .where('id', '=', app.declarationId)
    .executeTakeFirst();
  return {
    ...app,
    offerName: app.evaluation.subject.offer.name,
    declarationVersion: declarationVersion ? Number(declarationVersion.version) : null,
    criteria: criteria.map((c) => {
      const verdict = verdicts.get(c.id);
      return {
        ...c,
        automatedStatus: c.status,
        status: (verdict?.status as Verdict['status'] | undefined) ?? c.status,
        verdict: verdict ? { status: verdict.status, comment: verdict.comment } : null,
      };
    }),
    reviewedLevels: reviewed.levels,
    reviewedLevel: reviewed.level,
    canWithdraw: PROVIDER_EDITABLE_STATES.includes(app.state),
    canAddEvidence: PROVIDER_EDITABLE_STATES.includes(app.state),
  };
}

/** Checks the options an application would be made with, before `submitApplication` is asked. */
export function checkApplicationOptions(ctx: Context, options: Omit<EvaluationOptions, 'lang'>) {
  checkedOptions(ctx, { lang: 'fr', ...options });
}
