/**
 * Compiles a referential's CEL rules once per version. Every expression is parsed and checked against the
 * variables the evaluation provides, so a typo is refused when the referential loads, not in the middle of
 * an evaluation. All problems are collected, not just the first.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { Issue } from '../util/source.js';
import { formatPath } from '../util/source.js';
import { orderDefinitions } from './definition-order.js';
import { type CompiledScoring, compileScoring } from './scoring.js';
import type { CriterionDefinition, I18n, ReferentialDocument } from './types.js';

/** Variables a rule may read. `facts` are derived by the evaluation, `ctx` carries the evaluation context. */
export const RULE_VARIABLES = [
  'provider',
  'offer',
  'organisations',
  'ownership',
  'facts',
  'params',
  'defs',
  'ctx',
] as const;

export type CompiledExpression = ((context: Record<string, unknown>) => unknown) & { source: string };

export interface CompiledCriterion {
  definition: CriterionDefinition;
  requires: string[][];
  appliesWhen?: CompiledExpression;
  pass: CompiledExpression;
  review?: CompiledExpression;
  cite: Array<[string, CompiledExpression]>;
  /** Position in the referential, for a stable output order. */
  index: number;
}

export interface CompiledReferential {
  document: ReferentialDocument;
  params: Record<string, unknown>;
  definitions: Array<[string, CompiledExpression]>;
  criteria: CompiledCriterion[];
  levelOrder: string[];
  /** Rungs and objectives of scored criteria (assessment referentials), see ./scoring.ts. */
  scoring?: CompiledScoring;
}

function createEnvironment(): Environment {
  const env = new Environment({ homogeneousAggregateLiterals: false, unlistedVariablesAreDyn: false });
  for (const name of RULE_VARIABLES) env.registerVariable(name, 'dyn');
  return env;
}

export class ReferentialError extends Error {
  constructor(
    message: string,
    readonly issues: Issue[],
  ) {
    super(message);
    this.name = 'ReferentialError';
  }
}

export function compileReferential(doc: ReferentialDocument): CompiledReferential {
  const env = createEnvironment();
  const issues: Issue[] = [];
  const compile = (source: string, path: (string | number)[]): CompiledExpression | undefined => {
    try {
      const fn = env.parse(source);
      const check = fn.check();
      if (!check.valid) {
        issues.push({ path: formatPath(path), message: `CEL: ${firstLine(check.error?.message)}` });
        return undefined;
      }
      return Object.assign((context: Record<string, unknown>) => fn(context), { source });
    } catch (err) {
      issues.push({
        path: formatPath(path),
        message: `CEL: ${firstLine(err instanceof Error ? err.message : String(err))}`,
      });
      return undefined;
    }
  };

  const levelOrder = doc.levels.map((l) => l.id);
  const levelIds = new Set(levelOrder);
  if (levelIds.size !== levelOrder.length)
    issues.push({ path: '$.levels', message: 'level ids must be unique' });
  const categoryIds = new Set(doc.categories.map((c) => c.id));

  const definitions: Array<[string, CompiledExpression]> = [];
  for (const [name, source] of Object.entries(doc.definitions ?? {})) {
    const fn = compile(source, ['definitions', name]);
    if (fn) definitions.push([name, fn]);
  }
  orderDefinitions(definitions, issues);

  const seen = new Set<string>();
  const criteria: CompiledCriterion[] = [];
  doc.criteria.forEach((c, i) => {
    const at = (...rest: (string | number)[]) => ['criteria', i, ...rest];
    if (seen.has(c.id))
      issues.push({ path: formatPath(at('id')), message: `duplicate criterion id "${c.id}"` });
    seen.add(c.id);
    if (!categoryIds.has(c.category)) {
      issues.push({ path: formatPath(at('category')), message: `unknown category "${c.category}"` });
    }
    c.levels.forEach((level, j) => {
      if (!levelIds.has(level))
        issues.push({ path: formatPath(at('levels', j)), message: `unknown level "${level}"` });
    });
    const pass = compile(c.rule.pass, at('rule', 'pass'));
    const appliesWhen = c.rule.appliesWhen
      ? compile(c.rule.appliesWhen, at('rule', 'appliesWhen'))
      : undefined;
    const review = c.rule.review ? compile(c.rule.review, at('rule', 'review')) : undefined;
    const cite: Array<[string, CompiledExpression]> = [];
    for (const [name, source] of Object.entries(c.rule.cite ?? {})) {
      const fn = compile(source, at('rule', 'cite', name));
      if (fn) cite.push([name, fn]);
    }
    if (c.rule.review && !c.explain['manual-review']) {
      issues.push({
        path: formatPath(at('explain')),
        message: 'a rule with `review` needs an explain.manual-review text',
      });
    }
    if ((c.rule.appliesWhen || c.dataClasses) && !c.explain['not-applicable']) {
      issues.push({
        path: formatPath(at('explain')),
        message: 'a conditional rule needs an explain.not-applicable text',
      });
    }
    const citeNames = new Set(Object.keys(c.rule.cite ?? {}));
    for (const [status, text] of Object.entries(c.explain) as Array<[string, I18n]>) {
      for (const lang of ['fr', 'en'] as const) {
        for (const name of placeholders(text[lang])) {
          if (!citeNames.has(name)) {
            issues.push({
              path: formatPath(at('explain', status, lang)),
              message: `placeholder {${name}} has no matching rule.cite entry`,
            });
          }
        }
      }
    }
    if (pass) {
      criteria.push({
        definition: c,
        requires: (c.rule.requires ?? []).map((p) => p.split('.')),
        pass,
        cite,
        index: i,
        ...(appliesWhen ? { appliesWhen } : {}),
        ...(review ? { review } : {}),
      });
    }
  });

  checkDataClasses(doc, levelIds, issues);
  const scoring = compileScoring(doc, compile, issues);
  if (issues.length > 0)
    throw new ReferentialError(`referential ${doc.id}@${doc.version} is invalid`, issues);
  const params = Object.fromEntries(Object.entries(doc.parameters).map(([k, v]) => [k, v.value]));
  return { document: doc, params, definitions, criteria, levelOrder, ...(scoring ? { scoring } : {}) };
}

export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!);
}

function firstLine(message: string | undefined): string {
  return (message ?? 'invalid expression').split('\n')[0]!.trim();
}

/**
 * Data classes must name known levels, parameters holding country lists and an existing class to extend
 * (without a cycle); a sector overlay may only name a defined class once the referential defines any.
 */
function checkDataClasses(doc: ReferentialDocument, levelIds: Set<string>, issues: Issue[]): void {
  const classes = doc.dataClasses ?? [];
  const ids = new Map<string, number>();
  classes.forEach((c, i) => {
    if (ids.has(c.id))
      issues.push({ path: formatPath(['dataClasses', i, 'id']), message: `duplicate data class "${c.id}"` });
    ids.set(c.id, i);
  });
  classes.forEach((c, i) => {
    const at = (...rest: (string | number)[]) => formatPath(['dataClasses', i, ...rest]);
    if (c.minimumLevel !== undefined && !levelIds.has(c.minimumLevel))
      issues.push({ path: at('minimumLevel'), message: `unknown level "${c.minimumLevel}"` });
    c.territories?.forEach((t, j) => {
      if (!t.startsWith('params.')) return;
      const value = doc.parameters[t.slice('params.'.length)]?.value;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && /^[A-Z]{2}$/.test(v)))
        issues.push({ path: at('territories', j), message: `${t} is not a parameter listing country codes` });
    });
    const seen = new Set<string>([c.id]);
    for (let parent = c.extends; parent !== undefined; parent = classes[ids.get(parent) ?? -1]?.extends) {
      if (!ids.has(parent)) {
        issues.push({ path: at('extends'), message: `unknown data class "${parent}"` });
        break;
      }
      if (seen.has(parent)) {
        issues.push({ path: at('extends'), message: `"${c.id}" extends itself through "${parent}"` });
        break;
      }
      seen.add(parent);
    }
  });
  if (classes.length === 0) return;
  doc.criteria.forEach((c, i) => {
    c.dataClasses?.forEach((name, j) => {
      if (!ids.has(name))
        issues.push({
          path: formatPath(['criteria', i, 'dataClasses', j]),
          message: `unknown data class "${name}"`,
        });
    });
  });
}
