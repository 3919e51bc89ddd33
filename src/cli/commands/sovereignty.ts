/**
 * `confiance sovereignty <declaration>`: the EU Cloud Sovereignty Framework assessment of an offer (SEAL
 * per objective, weighted score, as bounds where the declaration is silent) and, with `--gate`, a
 * tender-style check. Exit 0 when the gate passes (or without a gate), 1 when it fails or is undetermined.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseDeclaration } from '../../declaration/validate.js';
import { formatNumber } from '../../evaluation/format.js';
import type { Lang } from '../../referential/types.js';
import { parseAnswers } from '../../sovereignty/answers.js';
import {
  assessSovereignty,
  checkSealGate,
  type GateOutcome,
  parseSealGate,
  type Range,
  SealGateError,
  SOVEREIGNTY_REFERENTIAL_ID,
  type SovereigntyAssessment,
  SovereigntyError,
} from '../../sovereignty/index.js';
import { parseJsonSource, parseYamlSource, SourceError } from '../../util/source.js';
import { CliError, EXIT } from '../errors.js';
import { colourEnabled, style, wrap } from '../render.js';
import { parseLang, resolveReferential, today } from '../shared.js';

interface SovereigntyOptions {
  answers?: string;
  gate?: string;
  weights: string;
  date?: string;
  lang: string;
  json?: boolean;
  referential?: string;
}

export function register(program: Command): void {
  program
    .command('sovereignty')
    .description('Assess an offer against the EU Cloud Sovereignty Framework (SEAL per objective, score)')
    .argument('<declaration>', 'declaration file (JSON)')
    .option(
      '--answers <file>',
      'answers the declaration cannot give (YAML or JSON: {source, answers: {SOV-2.4: 3}})',
    )
    .option('--gate <requirements>', 'minimum SEAL per objective, e.g. SOV-2:3,SOV-3:3')
    .option('--weights <profile>', 'framework (v1.2.1) or guidance (June 2026 calculator)', 'framework')
    .option('--date <YYYY-MM-DD>', 'assess as of this day (default: today)')
    .option('--lang <lang>', 'fr or en', 'fr')
    .option('--json', 'print the full assessment as JSON')
    .option(
      '--referential <id[@version]|file>',
      `referential to use (default: the latest ${SOVEREIGNTY_REFERENTIAL_ID})`,
    )
    .action((file: string, options: SovereigntyOptions) => runSovereignty(file, options));
}

function runSovereignty(file: string, options: SovereigntyOptions): void {
  const lang = parseLang(options.lang);
  const referential = resolveReferential(options.referential ?? SOVEREIGNTY_REFERENTIAL_ID);
  const objectives = (referential.document.objectives ?? []).map((o) => o.id);
  if (objectives.length === 0) {
    throw new CliError(
      `${referential.document.id} is not an assessment referential (no objectives)`,
      EXIT.badInput,
      [{ path: '--referential', message: `use ${SOVEREIGNTY_REFERENTIAL_ID}` }],
    );
  }
  if (options.weights !== 'framework' && options.weights !== 'guidance') {
    throw new CliError('unknown weights', EXIT.badInput, [
      { path: '--weights', message: 'framework or guidance' },
    ]);
  }
  const date = options.date ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new CliError('invalid date', EXIT.badInput, [{ path: '--date', message: 'expected YYYY-MM-DD' }]);
  }
  let gate: ReturnType<typeof parseSealGate> | undefined;
  try {
    gate = options.gate ? parseSealGate(options.gate, objectives, '--gate') : undefined;
  } catch (err) {
    if (err instanceof SealGateError) throw new CliError('invalid --gate', EXIT.badInput, err.issues);
    throw err;
  }
  const parsed = parseDeclaration(readText(file));
  if (!parsed.ok) {
    throw new CliError(
      `${file}: invalid declaration`,
      EXIT.badInput,
      parsed.issues.map((i) => ({
        path: i.line ? `${i.path} (line ${i.line})` : i.path,
        message: i.message,
      })),
    );
  }
  const answers = options.answers ? readAnswers(options.answers) : undefined;
  let assessment: SovereigntyAssessment;
  try {
    assessment = assessSovereignty(referential, parsed.declaration, {
      date,
      lang,
      weights: options.weights,
      ...(answers ? { answers } : {}),
    });
  } catch (err) {
    if (err instanceof SovereigntyError) throw new CliError(err.message, EXIT.badInput, err.issues);
    throw err;
  }
  const outcome = gate ? checkSealGate(assessment, gate) : undefined;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(outcome ? { ...assessment, gate: outcome } : assessment, null, 2)}\n`,
    );
  } else {
    process.stdout.write(render(assessment, outcome, options.gate, lang));
  }
  if (outcome && outcome.status !== 'pass') process.exitCode = EXIT.negative;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, EXIT.badInput);
  }
}

function readAnswers(file: string) {
  const text = readText(file);
  let value: unknown;
  try {
    value = (file.endsWith('.json') ? parseJsonSource(text) : parseYamlSource(text)).value;
  } catch (err) {
    if (err instanceof SourceError) throw new CliError(`${file}: ${err.message}`, EXIT.badInput, err.issues);
    throw err;
  }
  const result = parseAnswers(value);
  if (!result.ok) throw new CliError(`${file}: invalid answers`, EXIT.badInput, result.issues);
  return result.answers;
}

function range(r: Range, lang: Lang, prefix = ''): string {
  return r.min === r.max
    ? `${prefix}${formatNumber(r.min, lang)}`
    : `${prefix}${formatNumber(r.min, lang)}–${formatNumber(r.max, lang)}`;
}

const STATUS: Record<string, Record<Lang, string>> = {
  assessed: { fr: 'évalué', en: 'assessed' },
  'partially-assessed': { fr: 'partiellement évalué', en: 'partially assessed' },
  'not-assessed': { fr: 'non évalué', en: 'not assessed' },
  pass: { fr: 'satisfait', en: 'pass' },
  fail: { fr: 'non satisfait', en: 'fail' },
  undetermined: { fr: 'indéterminé', en: 'undetermined' },
};

function render(
  a: SovereigntyAssessment,
  gate: GateOutcome | undefined,
  gateText: string | undefined,
  lang: Lang,
) {
  const s = style(colourEnabled(process.stdout));
  const width = Math.min(process.stdout.columns ?? 100, 120);
  const fr = lang === 'fr';
  const seal = (r: Range) => (r.min === r.max ? `SEAL-${r.min}` : `SEAL-${r.min}…${r.max}`);
  const colour = (r: Range) =>
    r.min === r.max ? (r.min >= 3 ? s.green : r.min <= 1 ? s.red : s.yellow) : s.yellow;
  const out = [
    s.bold(`${a.subject.offer.name} — ${a.subject.provider.name}`),
    s.dim(
      `${a.referential.id} ${a.referential.version} · ${a.context.date} · ${fr ? 'pondérations' : 'weights'} ${a.context.weights}`,
    ),
    '',
  ];
  for (const o of a.objectives) {
    out.push(
      `${s.bold(`${o.id} ${o.title}`)} (${formatNumber(o.weight, lang)} %)  ${colour(o.seal)(seal(o.seal))}  ` +
        `${range(o.points, lang)} / ${formatNumber(o.maxPoints, lang)} pts  ${s.dim(STATUS[o.status]![lang])}`,
    );
    for (const c of o.criteria) {
      const head = `  ${c.id.padEnd(8)} ${seal(c.seal).padEnd(10)} `;
      const informed = c.crosswalk.flatMap((x) => x.criteria);
      const tail = informed.length > 0 ? s.dim(` ← ${informed.join(', ')}`) : '';
      out.push(colour(c.seal)(head) + wrap(`${c.title}. ${c.explanation}`, width, head.length) + tail);
      if (c.conflict) out.push(s.red(`           ! ${c.conflict}`));
    }
    out.push('');
  }
  out.push(
    s.bold(
      `${fr ? 'SEAL global (objectif le plus faible)' : 'Overall SEAL (weakest objective)'}${fr ? ' :' : ':'} ${seal(a.seal)}`,
    ),
    s.bold(
      `${fr ? 'Score de souveraineté' : 'Sovereignty score'}${fr ? ' :' : ':'} ${range(a.score, lang)} %`,
    ),
  );
  if (gate && gateText) {
    const paint = gate.status === 'pass' ? s.green : gate.status === 'fail' ? s.red : s.yellow;
    out.push(paint(`${fr ? 'Seuil' : 'Gate'} ${gateText}${fr ? ' :' : ':'} ${STATUS[gate.status]![lang]}`));
    for (const r of gate.requirements) {
      if (r.status === 'pass') continue;
      const why = r.criteria.length > 0 ? ` (${r.criteria.join(', ')})` : '';
      out.push(
        `  ${r.objective} ≥ SEAL-${r.minimum}: ${r.seal ? seal(r.seal) : '?'} ${STATUS[r.status]![lang]}${why}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}
