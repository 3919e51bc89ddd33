/**
 * The review of an application: the automated evaluation with the assessor's verdicts in place of the
 * automated statuses, and the levels that follows. Pure, plus one loader for the use cases.
 */
import type { Transaction } from 'kysely';
import type { CriterionResult, EvaluationResult } from '../evaluation/evaluate.js';
import { computeLevels } from '../evaluation/evaluate.js';
import type { ApplicationTable, Database } from '../store/schema.js';

export interface Verdict {
  criterionId: string;
  status: 'pass' | 'fail' | 'not-applicable';
  comment?: string;
}

/** The evaluation as it stands once the assessor's verdicts replace the automated statuses. */
export function reviewedLevels(
  evaluation: EvaluationResult,
  verdicts: Array<Pick<Verdict, 'criterionId' | 'status'>>,
) {
  const byId = new Map(verdicts.map((v) => [v.criterionId, v.status]));
  const criteria: CriterionResult[] = evaluation.criteria.map((c) => {
    const status = byId.get(c.id);
    return status ? { ...c, status } : c;
  });
  const order = [...new Set(evaluation.levels.map((l) => l.id))];
  const levels = computeLevels(order, criteria);
  return {
    level: levels.filter((l) => l.status === 'attained').at(-1)?.id ?? null,
    levels,
    criteria,
    pendingReviews: criteria.filter((c) => c.status === 'manual-review').map((c) => c.id),
  };
}

/** Loads an application's verdicts and computes its review, inside the caller's transaction. */
export async function loadReview(trx: Transaction<Database>, app: ApplicationTable) {
  const evaluation = JSON.parse(app.evaluation) as EvaluationResult;
  const verdicts = await trx
    .selectFrom('verdicts')
    .select(['criterion_id', 'status'])
    .where('application_id', '=', app.id)
    .execute();
  const review = reviewedLevels(
    evaluation,
    verdicts.map((v) => ({ criterionId: v.criterion_id, status: v.status as Verdict['status'] })),
  );
  return { evaluation, review };
}
