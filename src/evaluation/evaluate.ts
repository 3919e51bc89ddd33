/**
 * The evaluation: every criterion of a compiled referential run against one declaration, with a status,
 * a sentence citing the facts used, and the levels this makes the offer attain. Pure and deterministic:
 * the date and the data class come in through the context, nothing is read from the clock.
 */
import type { Declaration } from '../declaration/types.js';
import { type CompiledCriterion, type CompiledReferential, placeholders } from '../referential/compile.js';
import type { CriterionStatus, I18n, Lang } from '../referential/types.js';
import { type DerivedFacts, deriveFacts } from './facts.js';
import { renderTemplate, toPlain } from './format.js';

export interface EvaluationContext {
  /** The day the evaluation is made for (YYYY-MM-DD): certificates are checked against it. */
  date: string;
  lang: Lang;
  /** A data class switching sector overlays on (e.g. `health`). */
  dataClass?: string;
  /** A level the caller aims at; the result then says whether it is met. */
  targetLevel?: string;
}

export interface CriterionResult {
  id: string;
  status: CriterionStatus;
  explanation: string;
  title: string;
  category: string;
  levels: string[];
  /** The values the explanation quotes, as plain JSON. */
  facts: Record<string, unknown>;
  /** For missing-data: the declaration fields that are absent. */
  missing?: string[];
}

export type LevelStatus = 'attained' | 'subject-to-review' | 'not-attained';

export interface LevelResult {
  id: string;
  status: LevelStatus;
  /** Criteria of this level (or a lower one) that failed or lack data. */
  blocking: string[];
  /** Criteria of this level (or a lower one) waiting for an assessor. */
  review: string[];
}

export interface EvaluationResult {
  referential: { id: string; version: string };
  subject: { provider: { id: string; name: string }; offer: { id: string; name: string } };
  context: { date: string; lang: Lang; dataClass?: string };
  /** Highest level attained outright, or null. */
  level: string | null;
  /** Highest level attainable once the manual reviews are decided favourably, or null. */
  levelSubjectToReview: string | null;
  levels: LevelResult[];
  target?: { level: string; status: LevelStatus };
  criteria: CriterionResult[];
}

export function evaluate(
  referential: CompiledReferential,
  declaration: Declaration,
  context: EvaluationContext,
  derived?: DerivedFacts,
): EvaluationResult {
  const { params } = referential;
  const facts = derived ?? deriveFacts(declaration, (params.euCountries as string[] | undefined) ?? []);
  const ctx = { date: context.date, lang: context.lang, dataClass: context.dataClass ?? '' };
  const scope: Record<string, unknown> = {
    provider: declaration.provider,
    offer: declaration.offer,
    organisations: declaration.organisations ?? [],
    ownership: declaration.ownership ?? [],
    facts,
    params,
    ctx,
    defs: {},
  };
  const defs: Record<string, unknown> = {};
  for (const [name, fn] of referential.definitions) {
    defs[name] = fn({ ...scope, defs });
  }
  scope.defs = defs;

  const criteria = referential.criteria.map((c) => evaluateCriterion(c, declaration, scope, context));
  const levels = computeLevels(referential.levelOrder, criteria);
  const attained = levels.filter((l) => l.status === 'attained').at(-1)?.id ?? null;
  const reviewable = levels.filter((l) => l.status !== 'not-attained').at(-1)?.id ?? null;
  const target = context.targetLevel ? levels.find((l) => l.id === context.targetLevel) : undefined;
  const doc = referential.document;
  return {
    referential: { id: doc.id, version: doc.version },
    subject: {
      provider: { id: declaration.provider.id, name: declaration.provider.name },
      offer: { id: declaration.offer.id, name: declaration.offer.name },
    },
    context: {
      date: context.date,
      lang: context.lang,
      ...(context.dataClass ? { dataClass: context.dataClass } : {}),
    },
    level: attained,
    levelSubjectToReview: reviewable,
    levels,
    ...(target ? { target: { level: target.id, status: target.status } } : {}),
    criteria,
  };
}

function evaluateCriterion(
  c: CompiledCriterion,
  declaration: Declaration,
  scope: Record<string, unknown>,
  context: EvaluationContext,
): CriterionResult {
  const def = c.definition;
  const lang = context.lang;
  if (def.dataClasses && !def.dataClasses.includes(context.dataClass ?? '')) {
    return outcome(c, 'not-applicable', def.explain['not-applicable'], scope, lang);
  }
  if (c.appliesWhen && c.appliesWhen(scope) !== true) {
    return outcome(c, 'not-applicable', def.explain['not-applicable'], scope, lang);
  }
  const missing = c.requires.filter((path) => !hasPath(declaration, path)).map((p) => p.join('.'));
  if (missing.length > 0) return outcome(c, 'missing-data', missingText(missing), scope, lang, missing);

  let passed: unknown;
  let review: unknown = false;
  try {
    passed = c.pass(scope);
    if (passed === true && c.review) review = c.review(scope);
  } catch (err) {
    // A rule reaching a field its `requires` did not list: report what is missing rather than guess.
    const key = /No such key: (\S+)/.exec(err instanceof Error ? err.message : '')?.[1];
    if (key) return outcome(c, 'missing-data', missingText([key]), scope, lang, [key]);
    throw err;
  }
  if (passed !== true) return outcome(c, 'fail', def.explain.fail, scope, lang);
  if (review === true) return outcome(c, 'manual-review', def.explain['manual-review'], scope, lang);
  return outcome(c, 'pass', def.explain.pass, scope, lang);
}

/** One criterion's result; a plain literal, since this runs for every criterion of every evaluation. */
function outcome(
  c: CompiledCriterion,
  status: CriterionStatus,
  text: I18n | undefined,
  scope: Record<string, unknown>,
  lang: Lang,
  missing?: string[],
): CriterionResult {
  const def = c.definition;
  const quotes = status !== 'missing-data' && status !== 'not-applicable' && text !== undefined;
  const values = quotes ? citeValues(c, text[lang], scope) : undefined;
  const result: CriterionResult = {
    id: def.id,
    status,
    explanation: text ? renderTemplate(text[lang], values ?? {}, lang) : '',
    title: def.title[lang],
    category: def.category,
    levels: def.levels,
    facts: values ? (toPlain(values) as Record<string, unknown>) : {},
  };
  if (missing) result.missing = missing;
  return result;
}

// Only the values the chosen sentence quotes are computed: most cited expressions serve the other outcome.
const quotedNames = new Map<string, Set<string>>();

function citeValues(
  c: CompiledCriterion,
  template: string,
  scope: Record<string, unknown>,
): Record<string, unknown> {
  let names = quotedNames.get(template);
  if (!names) {
    names = new Set(placeholders(template));
    quotedNames.set(template, names);
  }
  const values: Record<string, unknown> = {};
  for (const [name, fn] of c.cite) {
    if (!names.has(name)) continue;
    try {
      values[name] = fn(scope);
    } catch {
      values[name] = null;
    }
  }
  return values;
}

function missingText(paths: string[]): I18n {
  const list = paths.join(', ');
  return {
    fr: `Donnée manquante dans la déclaration : ${list}. Le critère ne peut pas être évalué sans elle.`,
    en: `Missing from the declaration: ${list}. The criterion cannot be evaluated without it.`,
  };
}

function hasPath(root: unknown, path: string[]): boolean {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[key];
    if (node === undefined || node === null) return false;
  }
  return true;
}

/** Levels are cumulative: a level is only as good as the worst of itself and the levels below it. */
export function computeLevels(order: string[], criteria: CriterionResult[]): LevelResult[] {
  const results: LevelResult[] = [];
  let blocking: string[] = [];
  let review: string[] = [];
  for (const level of order) {
    for (const c of criteria) {
      if (!c.levels.includes(level)) continue;
      if (c.status === 'fail' || c.status === 'missing-data') blocking = addOnce(blocking, c.id);
      else if (c.status === 'manual-review') review = addOnce(review, c.id);
    }
    const status: LevelStatus =
      blocking.length > 0 ? 'not-attained' : review.length > 0 ? 'subject-to-review' : 'attained';
    results.push({ id: level, status, blocking: [...blocking], review: [...review] });
  }
  return results;
}

function addOnce(list: string[], id: string): string[] {
  return list.includes(id) ? list : [...list, id];
}
