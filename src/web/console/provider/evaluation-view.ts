/**
 * An evaluation laid out for a page: the levels with their titles in the page's language, and the criteria
 * grouped by the referential's categories in its order. Layout only; the results are the use case's.
 */
import type { CriterionResult, LevelResult } from '../../../evaluation/evaluate.js';
import type { Lang } from '../../../referential/types.js';
import type { Context } from '../../../workflow/context.js';

export interface EvaluationLike<C extends CriterionResult = CriterionResult> {
  referential: { id: string; version: string };
  level: string | null;
  levels: LevelResult[];
  criteria: C[];
}

export function evaluationView<C extends CriterionResult>(
  ctx: Context,
  evaluation: EvaluationLike<C>,
  lang: Lang,
) {
  const doc = ctx.referentials.get(evaluation.referential.id, evaluation.referential.version).document;
  const titles = new Map(evaluation.criteria.map((c) => [c.id, c.title]));
  const named = (ids: string[]) => ids.map((id) => ({ id, title: titles.get(id) ?? id }));
  return {
    referential: evaluation.referential,
    level: evaluation.level,
    levels: evaluation.levels.map((l) => ({
      id: l.id,
      title: doc.levels.find((d) => d.id === l.id)?.title[lang] ?? l.id,
      status: l.status,
      blocking: named(l.blocking),
      review: named(l.review),
    })),
    categories: doc.categories
      .map((c) => ({
        id: c.id,
        title: c.title[lang],
        criteria: evaluation.criteria.filter((k) => k.category === c.id),
      }))
      .filter((c) => c.criteria.length > 0),
  };
}

export type EvaluationView = ReturnType<typeof evaluationView>;
