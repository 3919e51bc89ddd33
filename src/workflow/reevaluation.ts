/**
 * Automatic re-evaluation: when a declaration changes or a new referential version is published, every
 * active label of the affected offers is evaluated again. A label whose offer no longer meets its level
 * is flagged; after the referential's grace period a flagged label is suspended.
 */
import type { Declaration } from '../declaration/types.js';
import { evaluate } from '../evaluation/evaluate.js';
import type { Context } from './context.js';
import { changeLabelState, flagLabel } from './labels.js';
import { enqueueLabelEvent } from './webhooks.js';

export interface ReevaluationOutcome {
  labelId: string;
  offerId: string;
  level: string;
  meets: boolean;
  attainable: string | null;
}

async function reevaluate(ctx: Context, actor: string, offerId?: string): Promise<ReevaluationOutcome[]> {
  let q = ctx.store.db
    .selectFrom('labels')
    .innerJoin('offers', 'offers.id', 'labels.offer_id')
    .innerJoin('declarations', (join) =>
      join
        .onRef('declarations.offer_id', '=', 'offers.id')
        .onRef('declarations.version', '=', 'offers.latest_declaration_version'),
    )
    .leftJoin('applications', 'applications.id', 'labels.application_id')
    .select([
      'labels.id',
      'labels.offer_id',
      'labels.level',
      'labels.referential_id',
      'labels.flagged_at',
      'declarations.body',
      'applications.data_class',
    ])
    .where('labels.state', '=', 'active');
  if (offerId) q = q.where('labels.offer_id', '=', offerId);
  const rows = await q.execute();
  const outcomes: ReevaluationOutcome[] = [];
  const now = ctx.clock();
  for (const row of rows) {
    const referential = ctx.referentials.latest(row.referential_id);
    const result = evaluate(referential, JSON.parse(row.body) as Declaration, {
      date: now.toISOString().slice(0, 10),
      lang: 'fr',
      ...(row.data_class ? { dataClass: row.data_class } : {}),
    });
    const order = referential.levelOrder;
    // Manual reviews were decided when the label was granted; what matters now is whether the level is
    // still within reach once they are, i.e. the level "subject to review".
    const attainable = result.levelSubjectToReview;
    const meets = attainable !== null && order.indexOf(attainable) >= order.indexOf(row.level);
    outcomes.push({ labelId: row.id, offerId: row.offer_id, level: row.level, meets, attainable });
    if (!meets && !row.flagged_at) {
      const blocking = result.levels.find((l) => l.id === row.level)?.blocking ?? [];
      const reason = `re-evaluation against ${referential.document.id}@${referential.document.version}: level ${row.level} no longer met (${blocking.join(', ')})`;
      await ctx.store.db.transaction().execute(async (trx) => {
        await flagLabel(trx, row.id, reason, now, actor);
        await enqueueLabelEvent(trx, {
          type: 'label.flagged',
          labelId: row.id,
          offerId: row.offer_id,
          at: now.toISOString(),
          reason,
        });
      });
      ctx.onLabelEvent?.({
        type: 'label.flagged',
        labelId: row.id,
        offerId: row.offer_id,
        at: now.toISOString(),
        reason,
      });
    }
  }
  return outcomes;
}

export function reevaluateOffer(ctx: Context, offerId: string, actor: string) {
  return reevaluate(ctx, actor, offerId);
}

export function reevaluateAll(ctx: Context, actor: string) {
  return reevaluate(ctx, actor);
}

/** Suspends the labels flagged for longer than the grace period their referential sets. */
export async function suspendAfterGracePeriod(ctx: Context, actor = 'system'): Promise<string[]> {
  const now = ctx.clock();
  const flagged = await ctx.store.db
    .selectFrom('labels')
    .select(['id', 'flagged_at', 'flag_reason', 'referential_id'])
    .where('state', '=', 'active')
    .where('flagged_at', 'is not', null)
    .execute();
  const suspended: string[] = [];
  for (const label of flagged) {
    const grace = Number(ctx.referentials.latest(label.referential_id).params.gracePeriodDays ?? 0);
    const deadline = new Date(label.flagged_at!).getTime() + grace * 86_400_000;
    if (deadline > now.getTime()) continue;
    await changeLabelState(ctx, {
      labelId: label.id,
      action: 'suspend',
      reason: `grace period of ${grace} days elapsed: ${label.flag_reason ?? 'flagged'}`,
      actor,
    });
    suspended.push(label.id);
  }
  return suspended;
}
