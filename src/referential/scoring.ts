/**
 * Scored criteria (assessment referentials such as the EU Cloud Sovereignty Framework): each criterion's
 * rungs are compiled with the referential, their CEL checked like any rule, and the objectives checked
 * against the categories they group. Used by src/sovereignty/; the label evaluation ignores rungs.
 */
import { formatPath, type Issue } from '../util/source.js';
import type { CompiledExpression } from './compile.js';
import { placeholders } from './compile.js';
import type { I18n, ReferentialDocument, RungDefinition } from './types.js';

export interface CompiledRung {
  index: number;
  definition: RungDefinition;
  when?: CompiledExpression;
  holdsWhen?: CompiledExpression;
  ruledOutWhen?: CompiledExpression;
  requires: string[][];
}

export interface CompiledScoring {
  /** Rungs of every scored criterion, by criterion id. */
  rungs: Map<string, CompiledRung[]>;
  /** Objective id of every scored criterion. */
  objectiveOf: Map<string, string>;
}

type Compile = (source: string, path: (string | number)[]) => CompiledExpression | undefined;

/** Compiles the rungs and checks objectives; returns undefined for a referential without scored criteria. */
export function compileScoring(
  doc: ReferentialDocument,
  compile: Compile,
  issues: Issue[],
): CompiledScoring | undefined {
  const scored = doc.criteria.some((c) => c.rungs);
  if (!scored && !doc.objectives) return undefined;
  const categories = new Set(doc.categories.map((c) => c.id));
  const objectiveByCategory = new Map<string, string>();
  const ids = new Set<string>();
  let weights = 0;
  doc.objectives?.forEach((o, i) => {
    if (ids.has(o.id))
      issues.push({ path: formatPath(['objectives', i, 'id']), message: `duplicate objective "${o.id}"` });
    ids.add(o.id);
    if (!categories.has(o.category)) {
      issues.push({
        path: formatPath(['objectives', i, 'category']),
        message: `unknown category "${o.category}"`,
      });
    }
    objectiveByCategory.set(o.category, o.id);
    weights += o.weight;
  });
  if (doc.objectives && Math.abs(weights - 100) > 1e-9) {
    issues.push({ path: '$.objectives', message: `weights add up to ${weights} %, not 100 %` });
  }

  const rungs = new Map<string, CompiledRung[]>();
  const objectiveOf = new Map<string, string>();
  doc.criteria.forEach((c, i) => {
    if (!c.rungs) return;
    const objective = objectiveByCategory.get(c.category);
    if (!objective) {
      issues.push({
        path: formatPath(['criteria', i, 'category']),
        message: `a scored criterion's category must be an objective's (objectives[].category)`,
      });
    } else objectiveOf.set(c.id, objective);
    const citeNames = new Set(Object.keys(c.rule.cite ?? {}));
    const compiled: CompiledRung[] = c.rungs.map((r, j) => {
      const at = (...rest: (string | number)[]) => ['criteria', i, 'rungs', j, ...rest];
      if (j === 0 && (r.when || r.holdsWhen || r.ruledOutWhen)) {
        issues.push({
          path: formatPath(at()),
          message: 'the first rung is the floor: it takes no condition',
        });
      }
      if (r.when && (r.holdsWhen || r.ruledOutWhen)) {
        issues.push({
          path: formatPath(at('when')),
          message: '`when` decides both ways: drop holdsWhen/ruledOutWhen',
        });
      }
      for (const [lang, text] of Object.entries(r.because ?? {}) as Array<[keyof I18n, string]>) {
        for (const name of placeholders(text)) {
          if (!citeNames.has(name)) {
            issues.push({
              path: formatPath(at('because', lang)),
              message: `placeholder {${name}} has no matching rule.cite entry`,
            });
          }
        }
      }
      const when = r.when ? compile(r.when, at('when')) : undefined;
      const holdsWhen = r.holdsWhen ? compile(r.holdsWhen, at('holdsWhen')) : undefined;
      const ruledOutWhen = r.ruledOutWhen ? compile(r.ruledOutWhen, at('ruledOutWhen')) : undefined;
      return {
        index: j,
        definition: r,
        requires: (r.requires ?? []).map((p) => p.split('.')),
        ...(when ? { when } : {}),
        ...(holdsWhen ? { holdsWhen } : {}),
        ...(ruledOutWhen ? { ruledOutWhen } : {}),
      };
    });
    rungs.set(c.id, compiled);
  });
  return { rungs, objectiveOf };
}
