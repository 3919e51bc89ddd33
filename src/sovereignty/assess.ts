/**
 * The EU Cloud Sovereignty Framework assessment of one offer: for each scored criterion, the rungs its
 * declaration leaves possible; for each objective, SEAL and points as bounds; the weighted score. Pure.
 *
 * Rungs form a ladder: "the answer is at least rung k" holds for every k up to the answer. Each rung's
 * condition can prove it holds, prove it does not, or stay undecided (absent facts, or no condition the
 * declaration format could express). The possible answers are then the interval between the highest rung
 * proven to hold and the lowest rung proven not to: a range, never a guess. Answers given outside the
 * declaration (an assessor, a self-assessment) may settle a range, recorded with their source; one that
 * contradicts the facts is reported and ignored.
 */
import type { Declaration } from '../declaration/types.js';
import { deriveFacts } from '../evaluation/facts.js';
import { formatNumber, toPlain } from '../evaluation/format.js';
import type { CompiledCriterion, CompiledReferential } from '../referential/compile.js';
import type { CompiledRung } from '../referential/scoring.js';
import type { CriterionDefinition, I18n, Lang } from '../referential/types.js';
import type {
  Answer,
  AssessmentStatus,
  CriterionAssessment,
  ObjectiveAssessment,
  Range,
  RungView,
  SealProfile,
  SovereigntyAssessment,
  SovereigntyContext,
} from './types.js';

export class SovereigntyError extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'SovereigntyError';
  }
}

type RungState = { state: 'holds' | 'excluded' | 'undecided'; missing: string[]; defined: boolean };

export function assessSovereignty(
  referential: CompiledReferential,
  declaration: Declaration,
  context: SovereigntyContext,
): SovereigntyAssessment {
  const scoring = referential.scoring;
  const doc = referential.document;
  if (!scoring || !doc.objectives) {
    throw new SovereigntyError(`referential ${doc.id}@${doc.version} has no scored objectives`);
  }
  const weights = resolveWeights(referential, context.weights);
  checkAnswers(referential, context.answers ?? {});
  const scope = buildScope(referential, declaration, context);
  const lang = context.lang;

  const compiled = new Map(referential.criteria.map((cc) => [cc.definition.id, cc]));
  const byObjective = new Map<string, CriterionAssessment[]>();
  for (const c of doc.criteria) {
    const rungs = scoring.rungs.get(c.id);
    const objective = scoring.objectiveOf.get(c.id);
    if (!rungs || !objective) continue;
    const facts = context.brief ? {} : citeValues(compiled.get(c.id), scope);
    const assessed = assessCriterion(
      c,
      rungs,
      objective,
      scope,
      lang,
      facts,
      context.answers?.[c.id],
      context.brief,
    );
    byObjective.set(objective, [...(byObjective.get(objective) ?? []), assessed]);
  }

  const objectives = doc.objectives.map((o): ObjectiveAssessment => {
    const criteria = byObjective.get(o.id) ?? [];
    const seal = {
      min: Math.min(...criteria.map((c) => c.seal.min)),
      max: Math.min(...criteria.map((c) => c.seal.max)),
    };
    return {
      id: o.id,
      title: o.title[lang],
      weight: weights[o.id] ?? 0,
      status: combinedStatus(criteria.map((c) => c.status)),
      seal,
      sealLevel: seal.min === seal.max ? seal.min : null,
      points: {
        min: round2(sum(criteria.map((c) => c.points.min))),
        max: round2(sum(criteria.map((c) => c.points.max))),
      },
      maxPoints: round2(sum(criteria.map((c) => c.maxPoints))),
      limiting: criteria.filter((c) => c.seal.min === seal.min).map((c) => c.id),
      criteria,
    };
  });
  const seal = {
    min: Math.min(...objectives.map((o) => o.seal.min)),
    max: Math.min(...objectives.map((o) => o.seal.max)),
  };
  const weighted = (pick: (r: Range) => number) =>
    round2(sum(objectives.map((o) => (o.maxPoints > 0 ? (pick(o.points) / o.maxPoints) * o.weight : 0))));
  return {
    referential: { id: doc.id, version: doc.version },
    subject: {
      provider: { id: declaration.provider.id, name: declaration.provider.name },
      offer: { id: declaration.offer.id, name: declaration.offer.name },
    },
    context: { date: context.date, lang, weights: weightsName(context.weights) },
    weights,
    status: combinedStatus(objectives.map((o) => o.status)),
    seal,
    sealLevel: seal.min === seal.max ? seal.min : null,
    score: { min: weighted((r) => r.min), max: weighted((r) => r.max) },
    objectives,
  };
}

/** The SEAL bounds per objective: what a gate reads and the registry keeps. */
export function sealProfile(assessment: SovereigntyAssessment): SealProfile {
  return Object.fromEntries(assessment.objectives.map((o) => [o.id, { ...o.seal }]));
}

function assessCriterion(
  c: CriterionDefinition,
  rungs: CompiledRung[],
  objective: string,
  scope: Record<string, unknown>,
  lang: Lang,
  facts: Record<string, unknown>,
  answer: Answer | undefined,
  brief = false,
): CriterionAssessment {
  const states = rungs.map((r) => (r.index === 0 ? floor() : rungState(r, scope)));
  let holds = 0;
  let excluded = rungs.length;
  states.forEach((s, k) => {
    if (s.state === 'holds') holds = Math.max(holds, k);
    if (s.state === 'excluded') excluded = Math.min(excluded, k);
  });
  let conflict: string | undefined;
  let low = holds;
  let high = excluded - 1;
  if (high < low) {
    // Only a referential whose rungs are not a ladder gets here: keep every rung either side claims.
    conflict = `rung ${holds} holds but rung ${excluded} is ruled out: the rules of ${c.id} contradict each other`;
    [low, high] = [Math.min(low, high), Math.max(low, high)];
  }
  let source: CriterionAssessment['source'] = 'declaration';
  if (answer) {
    if (answer.rung < low || answer.rung > high) {
      conflict = `the answer (rung ${answer.rung}, ${answer.source}) contradicts the declaration, which allows rungs ${low} to ${high}`;
    } else if (low !== high) {
      low = answer.rung;
      high = answer.rung;
      source = 'answer';
    }
  }
  const possible = rungs.slice(low, high + 1).map(
    (r): RungView => ({
      index: r.index,
      label: r.definition.label[lang],
      points: r.definition.points,
      seal: r.definition.seal,
    }),
  );
  const inRange = states.slice(low + 1, high + 1);
  const missing = [...new Set(inRange.flatMap((s) => s.missing))];
  const needsAnswer = source === 'declaration' && inRange.some((s) => !s.defined);
  const status: AssessmentStatus =
    low === high
      ? 'assessed'
      : low === 0 && high === rungs.length - 1
        ? 'not-assessed'
        : 'partially-assessed';
  const points = {
    min: Math.min(...possible.map((r) => r.points)),
    max: Math.max(...possible.map((r) => r.points)),
  };
  const seal = {
    min: Math.min(...possible.map((r) => r.seal)),
    max: Math.max(...possible.map((r) => r.seal)),
  };
  const result: CriterionAssessment = {
    id: c.id,
    objective,
    title: c.title[lang],
    status,
    possible,
    points,
    maxPoints: Math.max(...rungs.map((r) => r.definition.points)),
    seal,
    explanation: brief
      ? ''
      : explain(rungs, possible, status, missing, needsAnswer, source, answer, facts, lang),
    missing,
    needsAnswer,
    source,
    facts,
    crosswalk: c.crosswalk ?? [],
  };
  if (source === 'answer' && answer) result.answer = answer;
  if (conflict) result.conflict = conflict;
  return result;
}

function floor(): RungState {
  return { state: 'holds', missing: [], defined: true };
}

function rungState(r: CompiledRung, scope: Record<string, unknown>): RungState {
  const defined = Boolean(r.when || r.holdsWhen || r.ruledOutWhen);
  const absent = r.requires.filter((p) => !hasPath(scope, p)).map((p) => p.join('.'));
  if (!defined || absent.length > 0) return { state: 'undecided', missing: absent, defined };
  const missing: string[] = [];
  const run = (fn: CompiledRung['when']): boolean | undefined => {
    if (!fn) return undefined;
    try {
      const v = fn(scope);
      return typeof v === 'boolean' ? v : undefined;
    } catch (err) {
      // A field the rule reads but the declaration lacks: undecided, and said so.
      const key = /No such key: (\S+)/.exec(err instanceof Error ? err.message : '')?.[1];
      missing.push(key ?? 'a value the rule could not read');
      return undefined;
    }
  };
  const when = run(r.when);
  if (when !== undefined) return { state: when ? 'holds' : 'excluded', missing, defined };
  const holds = run(r.holdsWhen) === true;
  const ruledOut = run(r.ruledOutWhen) === true;
  if (holds && !ruledOut) return { state: 'holds', missing, defined };
  if (ruledOut && !holds) return { state: 'excluded', missing, defined };
  return { state: 'undecided', missing, defined };
}

function buildScope(
  referential: CompiledReferential,
  declaration: Declaration,
  context: SovereigntyContext,
): Record<string, unknown> {
  const { params } = referential;
  // The framework speaks of the EU/EEA: ownership is looked through against the EEA when it is given.
  const countries = (params.eeaCountries ?? params.euCountries ?? []) as string[];
  const scope: Record<string, unknown> = {
    provider: declaration.provider,
    offer: declaration.offer,
    organisations: declaration.organisations ?? [],
    ownership: declaration.ownership ?? [],
    facts: deriveFacts(declaration, countries),
    params,
    ctx: { date: context.date, lang: context.lang, dataClass: '' },
    defs: {},
  };
  const defs: Record<string, unknown> = {};
  for (const [name, fn] of referential.definitions) {
    try {
      defs[name] = fn({ ...scope, defs });
    } catch {
      // Left out: a rung reading it becomes undecided instead of the whole assessment failing.
    }
  }
  scope.defs = defs;
  return scope;
}

/** `requires` paths name declaration fields; the scope holds them at the top level. */
function hasPath(scope: Record<string, unknown>, path: string[]): boolean {
  let node: unknown = scope;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[key];
    if (node === undefined || node === null) return false;
  }
  // An ownership section that is an empty list says nothing about who owns the provider.
  return !(path.length === 1 && path[0] === 'ownership' && Array.isArray(node) && node.length === 0);
}

function citeValues(
  c: CompiledCriterion | undefined,
  scope: Record<string, unknown>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, fn] of c?.cite ?? []) {
    try {
      values[name] = toPlain(fn(scope));
    } catch {
      values[name] = null;
    }
  }
  return values;
}

function explain(
  rungs: CompiledRung[],
  possible: RungView[],
  status: AssessmentStatus,
  missing: string[],
  needsAnswer: boolean,
  source: CriterionAssessment['source'],
  answer: Answer | undefined,
  facts: Record<string, unknown>,
  lang: Lang,
): string {
  const fr = lang === 'fr';
  const pts = (n: number) => formatNumber(n, lang);
  const first = possible[0]!;
  const last = possible.at(-1)!;
  if (status === 'assessed') {
    const because = rungs[first.index]?.definition.because;
    const head = fr
      ? `« ${first.label} » : ${pts(first.points)} points, SEAL-${first.seal}.`
      : `"${first.label}": ${pts(first.points)} points, SEAL-${first.seal}.`;
    const by =
      source === 'answer' && answer
        ? fr
          ? ` Réponse fournie par ${answer.source}.`
          : ` Answer given by ${answer.source}.`
        : because
          ? ` ${fill(because, facts, lang)}`
          : '';
    return head + by;
  }
  const why: string[] = [];
  if (missing.length > 0) {
    why.push(
      fr
        ? `la déclaration ne renseigne pas ${missing.join(', ')}`
        : `the declaration lacks ${missing.join(', ')}`,
    );
  }
  if (needsAnswer) {
    why.push(
      fr
        ? 'le format de déclaration ne porte pas cette information : une réponse est nécessaire'
        : 'the declaration format does not carry this fact: an answer is needed',
    );
  }
  if (why.length === 0) {
    // The facts establish the lowest rung but cannot confirm a higher one (e.g. a check only an assessor makes).
    why.push(
      fr
        ? `la déclaration établit « ${first.label} » sans pouvoir confirmer davantage : une réponse ou un examen est nécessaire`
        : `the declaration establishes "${first.label}" but cannot confirm more: an answer or a review is needed`,
    );
  }
  const reason = why.join(' ; ');
  if (status === 'not-assessed') return fr ? `Non évalué : ${reason}.` : `Not assessed: ${reason}.`;
  const seal =
    first.seal === last.seal
      ? `SEAL-${first.seal}`
      : `SEAL-${Math.min(...possible.map((r) => r.seal))} à ${Math.max(...possible.map((r) => r.seal))}`;
  return fr
    ? `Entre « ${first.label} » et « ${last.label} » (${pts(first.points)} à ${pts(last.points)} points, ${seal}) : ${reason}.`
    : `Between "${first.label}" and "${last.label}" (${pts(first.points)} to ${pts(last.points)} points, ${seal.replace(' à ', ' to ')}): ${reason}.`;
}

function fill(text: I18n, facts: Record<string, unknown>, lang: Lang): string {
  return text[lang].replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = facts[name];
    if (Array.isArray(v)) return v.length === 0 ? (lang === 'fr' ? 'aucun' : 'none') : v.join(', ');
    if (v === null || v === undefined || v === '') return lang === 'fr' ? 'aucun' : 'none';
    return typeof v === 'number' ? formatNumber(v, lang) : String(v);
  });
}

function combinedStatus(statuses: AssessmentStatus[]): AssessmentStatus {
  if (statuses.every((s) => s === 'assessed')) return 'assessed';
  if (statuses.every((s) => s === 'not-assessed')) return 'not-assessed';
  return 'partially-assessed';
}

function resolveWeights(
  referential: CompiledReferential,
  weights: SovereigntyContext['weights'],
): Record<string, number> {
  const objectives = referential.document.objectives ?? [];
  if (weights === undefined || weights === 'framework') {
    return Object.fromEntries(objectives.map((o) => [o.id, o.weight]));
  }
  const table =
    weights === 'guidance'
      ? (referential.params.guidanceWeights as Record<string, number> | undefined)
      : weights;
  if (!table) throw new SovereigntyError('this referential has no guidance weights');
  const issues: Array<{ path: string; message: string }> = [];
  for (const o of objectives) {
    const w = table[o.id];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      issues.push({ path: `weights.${o.id}`, message: 'must be a number ≥ 0 (percent)' });
  }
  for (const id of Object.keys(table)) {
    if (!objectives.some((o) => o.id === id))
      issues.push({ path: `weights.${id}`, message: 'unknown objective' });
  }
  const total = sum(objectives.map((o) => Number(table[o.id] ?? 0)));
  if (issues.length === 0 && Math.abs(total - 100) > 1e-6) {
    issues.push({ path: 'weights', message: `weights add up to ${round2(total)} %, not 100 %` });
  }
  if (issues.length > 0) throw new SovereigntyError('invalid weights', issues);
  return Object.fromEntries(objectives.map((o) => [o.id, Number(table[o.id])]));
}

function weightsName(weights: SovereigntyContext['weights']): string {
  return weights === undefined ? 'framework' : typeof weights === 'string' ? weights : 'custom';
}

function checkAnswers(referential: CompiledReferential, answers: Record<string, Answer>): void {
  const issues: Array<{ path: string; message: string }> = [];
  for (const [id, a] of Object.entries(answers)) {
    const rungs = referential.scoring?.rungs.get(id);
    if (!rungs) {
      issues.push({ path: `answers.${id}`, message: 'no scored criterion with this id' });
      continue;
    }
    if (!Number.isInteger(a.rung) || a.rung < 0 || a.rung >= rungs.length) {
      issues.push({
        path: `answers.${id}.rung`,
        message: `must be an integer from 0 to ${rungs.length - 1}`,
      });
    }
    if (typeof a.source !== 'string' || a.source.trim() === '') {
      issues.push({ path: `answers.${id}.source`, message: 'say who gave the answer' });
    }
  }
  if (issues.length > 0) throw new SovereigntyError('invalid answers', issues);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
