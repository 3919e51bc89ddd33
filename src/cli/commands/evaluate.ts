import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { parseDeclaration } from '../../declaration/validate.js';
import { type EvaluationResult, evaluate } from '../../evaluation/evaluate.js';
import type { CompiledReferential } from '../../referential/compile.js';
import type { Lang } from '../../referential/types.js';
import { CliError, EXIT } from '../errors.js';
import { colourEnabled, progressBar, STATUS_LABELS, style, wrap } from '../render.js';
import { parseLang, resolveReferential, today } from '../shared.js';

interface EvaluateOptions {
  level?: string;
  lang: string;
  json?: boolean;
  dataClass?: string;
  date?: string;
  referential?: string;
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description('Evaluate one or more offer declarations against the referential')
    .argument('<paths...>', 'declaration files (JSON) or directories holding them')
    .option('--level <level>', 'the level aimed at; the result says whether it is met')
    .option('--lang <lang>', 'language of explanations: fr or en', 'fr')
    .option('--json', 'print the full result as JSON')
    .option('--data-class <class>', 'data class switching sector overlays on (e.g. health)')
    .option('--date <YYYY-MM-DD>', 'evaluate as of this day (default: today)')
    .option(
      '--referential <id[@version]|file>',
      'referential to use (default: the latest cloud-de-confiance)',
    )
    .action((paths: string[], options: EvaluateOptions) => runEvaluate(paths, options));
}

function runEvaluate(paths: string[], options: EvaluateOptions): void {
  const lang = parseLang(options.lang);
  const referential = resolveReferential(options.referential);
  if (options.level && !referential.levelOrder.includes(options.level)) {
    throw new CliError(`unknown level "${options.level}"`, EXIT.badInput, [
      { path: '--level', message: `one of: ${referential.levelOrder.join(', ')}` },
    ]);
  }
  const date = options.date ?? today();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new CliError('invalid date', EXIT.badInput, [{ path: '--date', message: 'expected YYYY-MM-DD' }]);
  }
  const files = expandPaths(paths);
  const context = {
    date,
    lang,
    ...(options.dataClass ? { dataClass: options.dataClass } : {}),
    ...(options.level ? { targetLevel: options.level } : {}),
  };

  if (files.length === 1 && !isDirectoryArgument(paths)) {
    const result = evaluateFile(files[0]!, referential, context);
    if ('issues' in result) throw invalidDeclaration(files[0]!, result.issues);
    process.stdout.write(options.json ? JSON.stringify(result, null, 2) + '\n' : renderResult(result, lang));
    return;
  }

  const bar = progressBar(lang === 'fr' ? 'Évaluation' : 'Evaluating', files.length);
  const outcomes: Array<{ file: string; result?: EvaluationResult; issues?: Issue[] }> = [];
  files.forEach((file, i) => {
    const result = evaluateFile(file, referential, context);
    outcomes.push('issues' in result ? { file, issues: result.issues } : { file, result });
    bar.tick(i + 1);
  });
  bar.done();
  const invalid = outcomes.filter((o) => o.issues);
  if (options.json) {
    process.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
  } else {
    process.stdout.write(renderSummary(outcomes, lang));
  }
  if (invalid.length > 0) process.exitCode = EXIT.badInput;
}

type Issue = { path: string; message: string; line?: number; column?: number };

function evaluateFile(
  file: string,
  referential: CompiledReferential,
  context: Parameters<typeof evaluate>[2],
): EvaluationResult | { issues: Issue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return {
      issues: [{ path: '$', message: `cannot read file: ${(err as NodeJS.ErrnoException).code ?? err}` }],
    };
  }
  const parsed = parseDeclaration(text);
  if (!parsed.ok) return { issues: parsed.issues };
  return evaluate(referential, parsed.declaration, context);
}

function invalidDeclaration(file: string, issues: Issue[]): CliError {
  return new CliError(
    `${file}: invalid declaration (${issues.length} problem${issues.length > 1 ? 's' : ''})`,
    EXIT.badInput,
    issues.map((i) => ({
      path: i.line ? `${i.path} (line ${i.line}, column ${i.column})` : i.path,
      message: i.message,
    })),
  );
}

function isDirectoryArgument(paths: string[]): boolean {
  return paths.length > 1 || paths.some((p) => statSync(p, { throwIfNoEntry: false })?.isDirectory());
}

function expandPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const stat = statSync(p, { throwIfNoEntry: false });
    if (!stat) throw new CliError(`no such file or directory: ${p}`, EXIT.badInput);
    if (stat.isDirectory()) {
      const found = readdirSync(p, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile() && e.name.endsWith('.json'))
        .map((e) => join(e.parentPath, e.name))
        .sort();
      if (found.length === 0) throw new CliError(`no .json declaration in ${p}`, EXIT.badInput);
      files.push(...found);
    } else files.push(p);
  }
  return files;
}

const MARKS: Record<string, string> = {
  pass: '✔',
  fail: '✘',
  'manual-review': '?',
  'not-applicable': '–',
  'missing-data': '…',
};

export function renderResult(result: EvaluationResult, lang: Lang): string {
  const s = style(colourEnabled(process.stdout));
  const width = Math.min(process.stdout.columns ?? 100, 120);
  const colour = (status: string) =>
    status === 'pass' || status === 'attained'
      ? s.green
      : status === 'fail' || status === 'not-attained'
        ? s.red
        : status === 'manual-review' || status === 'subject-to-review' || status === 'missing-data'
          ? s.yellow
          : s.dim;
  const out: string[] = [];
  out.push(
    s.bold(`${result.subject.offer.name} — ${result.subject.provider.name}`),
    s.dim(
      `${result.referential.id} ${result.referential.version} · ${result.context.date}` +
        (result.context.dataClass ? ` · ${result.context.dataClass}` : ''),
    ),
    '',
  );
  const idWidth = Math.max(...result.criteria.map((c) => c.id.length));
  const statusWidth = Math.max(...result.criteria.map((c) => STATUS_LABELS[c.status]![lang].length));
  const shown = result.target
    ? result.criteria.filter((c) => c.levels.includes(result.target!.level))
    : result.criteria;
  for (const c of shown) {
    const label = STATUS_LABELS[c.status]![lang];
    const head = `${MARKS[c.status]} ${c.id.padEnd(idWidth)}  ${label.padEnd(statusWidth)}  `;
    out.push(colour(c.status)(head) + wrap(c.explanation, width, head.length));
  }
  out.push('');
  for (const level of result.levels) {
    const label = STATUS_LABELS[level.status]![lang];
    const why = [...level.blocking, ...level.review].join(', ');
    out.push(`${colour(level.status)(`${level.id.padEnd(9)} ${label}`)}${why ? s.dim(`  (${why})`) : ''}`);
  }
  out.push('');
  const levelLine =
    lang === 'fr'
      ? `Niveau atteint : ${result.level ?? 'aucun'}`
      : `Level attained: ${result.level ?? 'none'}`;
  out.push(s.bold(levelLine));
  if (result.levelSubjectToReview && result.levelSubjectToReview !== result.level) {
    out.push(
      lang === 'fr'
        ? `Sous réserve des revues manuelles : ${result.levelSubjectToReview}`
        : `Subject to the manual reviews: ${result.levelSubjectToReview}`,
    );
  }
  if (result.target) {
    const label = STATUS_LABELS[result.target.status]![lang];
    out.push(
      lang === 'fr'
        ? `Niveau visé ${result.target.level} : ${label}`
        : `Target ${result.target.level}: ${label}`,
    );
  }
  return out.join('\n') + '\n';
}

function renderSummary(
  outcomes: Array<{ file: string; result?: EvaluationResult; issues?: Issue[] }>,
  lang: Lang,
) {
  const s = style(colourEnabled(process.stdout));
  const rows = outcomes.map((o) => {
    const file = relative(process.cwd(), o.file) || o.file;
    if (o.issues) {
      const first = o.issues[0]!;
      return `${s.red('✘')} ${file}  ${s.red(lang === 'fr' ? 'déclaration invalide' : 'invalid declaration')}: ${first.path} ${first.message}${o.issues.length > 1 ? ` (+${o.issues.length - 1})` : ''}`;
    }
    const r = o.result!;
    const level = r.level ?? (lang === 'fr' ? 'aucun' : 'none');
    const review =
      r.levelSubjectToReview && r.levelSubjectToReview !== r.level ? ` → ${r.levelSubjectToReview} ?` : '';
    return `${s.green('✔')} ${file}  ${s.bold(level)}${s.yellow(review)}  ${s.dim(r.subject.offer.name)}`;
  });
  const evaluated = outcomes.filter((o) => o.result).length;
  rows.push(
    '',
    lang === 'fr'
      ? `${evaluated} évaluée(s), ${outcomes.length - evaluated} invalide(s)`
      : `${evaluated} evaluated, ${outcomes.length - evaluated} invalid`,
  );
  return rows.join('\n') + '\n';
}
