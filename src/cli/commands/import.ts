/**
 * `confiance import gaiax <files…>`: Gaia-X credentials (22.10 presentations, 22.04/22.10 self-descriptions)
 * to a draft declaration, with the provenance of every field and what is still to declare. Signatures are
 * checked against the DID documents given with --did; nothing is fetched unless --fetch is given.
 * Several files (or directories) are imported one by one, with progress on a terminal.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { type GaiaxImport, importGaiax } from '../../interop/gaiax/import.js';
import { httpsFetcher } from '../../interop/gaiax/loader.js';
import type { Lang } from '../../referential/types.js';
import { parseJsonSource, SourceError } from '../../util/source.js';
import { CliError, EXIT } from '../errors.js';
import { colourEnabled, progressBar, style } from '../render.js';
import { parseLang, resolveReferential, today } from '../shared.js';
import { writeOutput } from './export.js';
import { registerOscalImport } from './import-oscal.js';

interface ImportOptions {
  did?: string[];
  fetch?: boolean;
  allowUnsigned?: boolean;
  out?: string;
  outDir?: string;
  report?: string;
  json?: boolean;
  lang: string;
  date?: string;
  referential?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('import')
    .description('Import data other ecosystems already hold (Gaia-X, OSCAL)');
  registerOscalImport(cmd, readJson);
  cmd
    .command('gaiax')
    .description(
      'Gaia-X credentials to a draft declaration (every field with its source, and what is left to declare)',
    )
    .argument('<paths...>', 'Gaia-X presentations or self-descriptions (JSON), or directories holding them')
    .option('--did <file...>', "issuers' DID documents (JSON), to check signatures offline")
    .option(
      '--fetch',
      'allow network access: did:web documents and JSON-LD contexts not shipped with confiance',
    )
    .option('--allow-unsigned', 'import unsigned credentials (their claims are marked unsigned)')
    .option('-o, --out <file>', 'write the draft declaration (one input)')
    .option('--out-dir <dir>', 'write <name>.declaration.json and <name>.report.json per input')
    .option('--report <file>', 'write the full import report (JSON) (one input)')
    .option('--json', 'print the full import report as JSON')
    .option('--lang <lang>', 'fr or en', 'fr')
    .option('--date <YYYY-MM-DD>', 'evaluate the draft as of this day (default: today)')
    .option(
      '--referential <id[@version]|file>',
      'referential listing what is still to declare (default: cloud-de-confiance)',
    )
    .action((paths: string[], options: ImportOptions) => runImport(paths, options));
}

async function runImport(paths: string[], options: ImportOptions): Promise<void> {
  const lang = parseLang(options.lang);
  const referential = resolveReferential(options.referential);
  const files = expand(paths);
  if (files.length > 1 && (options.out || options.report)) {
    throw new CliError('--out and --report take one input; use --out-dir for several', EXIT.badInput, [
      { path: '--out-dir', message: 'a directory receiving one draft and one report per input' },
    ]);
  }
  const didDocuments = (options.did ?? []).map((f) => {
    const doc = readJson(f);
    if (typeof doc !== 'object' || doc === null || typeof (doc as { id?: unknown }).id !== 'string') {
      throw new CliError(`${f}: not a DID document`, EXIT.badInput, [
        { path: '$.id', message: 'a DID document has an id' },
      ]);
    }
    return doc as Record<string, unknown>;
  });
  const common = {
    requireProof: !options.allowUnsigned,
    didDocuments,
    referential,
    date: options.date ?? today(),
    lang,
    ...(options.fetch ? { fetcher: httpsFetcher() } : {}),
  };
  if (options.outDir) mkdirSync(options.outDir, { recursive: true });

  const bar = progressBar(lang === 'fr' ? 'Import' : 'Importing', files.length);
  const results: Array<{ file: string; result: GaiaxImport }> = [];
  for (const [i, file] of files.entries()) {
    const result = await importGaiax(readJson(file), common);
    results.push({ file, result });
    if (options.outDir) {
      const name = basename(file).replace(/\.json$/i, '');
      if (result.ok && result.declaration) {
        writeOutput(
          `${JSON.stringify(result.declaration, null, 2)}\n`,
          join(options.outDir, `${name}.declaration.json`),
        );
      }
      writeOutput(`${JSON.stringify(result, null, 2)}\n`, join(options.outDir, `${name}.report.json`));
    }
    bar.tick(i + 1);
  }
  bar.done();

  if (files.length === 1) {
    const { file, result } = results[0]!;
    if (options.report) writeOutput(`${JSON.stringify(result, null, 2)}\n`, options.report);
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (!result.ok) throw invalidInput(file, result);
    if (options.out && result.declaration)
      writeOutput(`${JSON.stringify(result.declaration, null, 2)}\n`, options.out);
    if (!options.json) process.stdout.write(renderOne(result, lang, options.out));
    // A valid input holding no participant to draft from is a negative result, not bad input.
    if (!result.declaration) process.exitCode = EXIT.negative;
    return;
  }
  if (options.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(renderMany(results, lang));
  if (results.some((r) => !r.result.ok)) process.exitCode = EXIT.badInput;
  else if (results.some((r) => !r.result.declaration)) process.exitCode = EXIT.negative;
}

function invalidInput(file: string, result: GaiaxImport): CliError {
  const errors = result.issues.filter((i) => i.severity === 'error');
  return new CliError(
    `${file}: invalid Gaia-X input (${errors.length} problem${errors.length > 1 ? 's' : ''})`,
    EXIT.badInput,
    errors.map((i) => ({ path: i.path, message: i.message })),
  );
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, EXIT.badInput);
  }
  try {
    return parseJsonSource(text).value;
  } catch (err) {
    if (err instanceof SourceError) {
      throw new CliError(
        `${file}: ${err.message}`,
        EXIT.badInput,
        err.issues.map((i) => ({
          path: i.line ? `${i.path} (line ${i.line}, column ${i.column})` : i.path,
          message: i.message,
        })),
      );
    }
    throw err;
  }
}

function expand(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    const stat = statSync(p, { throwIfNoEntry: false });
    if (!stat) throw new CliError(`no such file or directory: ${p}`, EXIT.badInput);
    if (stat.isDirectory()) {
      files.push(
        ...readdirSync(p, { recursive: true, withFileTypes: true })
          .filter((e) => e.isFile() && e.name.endsWith('.json'))
          .map((e) => join(e.parentPath, e.name))
          .sort(),
      );
    } else files.push(p);
  }
  if (files.length === 0) throw new CliError('no .json file to import', EXIT.badInput);
  return files;
}

const SIGNATURE: Record<string, Record<Lang, string>> = {
  verified: { fr: 'vérifiée', en: 'verified' },
  invalid: { fr: 'invalide', en: 'invalid' },
  'not-checked': { fr: 'non vérifiée', en: 'not checked' },
  unsigned: { fr: 'absente', en: 'absent' },
};

function renderOne(r: GaiaxImport, lang: Lang, out: string | undefined): string {
  const s = style(colourEnabled(process.stdout));
  const fr = lang === 'fr';
  const lines: string[] = [
    s.dim(
      `Gaia-X ${r.vocabulary} · ${r.shape} · ${r.credentials.length} ${fr ? 'attestation(s)' : 'credential(s)'}`,
    ),
  ];
  for (const c of r.credentials) {
    const sig = SIGNATURE[c.signature.status]![lang];
    lines.push(
      `  ${c.path}  ${c.types.join(', ')}  signature ${sig}${c.signature.reason ? s.dim(` (${shortDids(c.signature.reason)})`) : ''}`,
    );
  }
  for (const i of r.issues.filter((x) => x.severity === 'warning'))
    lines.push(s.yellow(`  ! ${i.path}: ${i.message}`));
  if (!r.declaration) {
    lines.push(
      '',
      s.yellow(`${fr ? 'Aucune déclaration préparée' : 'No declaration drafted'}: ${r.reason ?? ''}`),
    );
    return `${lines.join('\n')}\n`;
  }
  const d = r.declaration;
  lines.push(
    '',
    s.bold(
      `${fr ? 'Brouillon de déclaration :' : 'Draft declaration:'} ${d.offer.name} — ${d.provider.name}`,
    ),
  );
  for (const p of r.provenance) {
    lines.push(
      `  ${p.field.padEnd(52)} ${JSON.stringify(p.value)}  ${s.dim(`← ${p.source.property} ${p.source.path} [${SIGNATURE[p.signature]![lang]}]${p.derived ? ` (${p.derived})` : ''}`)}`,
    );
  }
  if (r.placeholders.length > 0) {
    lines.push('', s.yellow(fr ? 'À vérifier (valeurs provisoires) :' : 'To check (placeholder values):'));
    for (const p of r.placeholders) lines.push(`  ${p.field} = ${JSON.stringify(p.value)} — ${p.reason}`);
  }
  if (r.missing.length > 0) {
    lines.push(
      '',
      s.bold(
        fr
          ? `Reste à déclarer (${r.missing.length} champs) :`
          : `Still to declare (${r.missing.length} fields):`,
      ),
    );
    for (const m of r.missing) lines.push(`  ${m.path.padEnd(46)} ${s.dim(m.criteria.join(', '))}`);
  }
  if (r.labelLevel1) {
    const n = Object.keys(r.labelLevel1.responses).length;
    const denied = Object.entries(r.labelLevel1.responses)
      .filter(([, v]) => v !== 'Confirm')
      .map(([k]) => k);
    lines.push(
      '',
      `Gaia-X Label Level 1: ${n} ${fr ? 'réponses' : 'answers'}${denied.length > 0 ? `, ${fr ? 'non confirmées' : 'not confirmed'}: ${denied.join(', ')}` : ''}`,
    );
  }
  if (r.evaluation) {
    lines.push(
      s.dim(
        `${r.evaluation.referential}: ${Object.entries(r.evaluation.counts)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      ),
    );
  }
  if (out) lines.push('', `${fr ? 'Brouillon écrit dans' : 'Draft written to'} ${out}`);
  return `${lines.join('\n')}\n`;
}

function renderMany(results: Array<{ file: string; result: GaiaxImport }>, lang: Lang): string {
  const s = style(colourEnabled(process.stdout));
  const fr = lang === 'fr';
  const lines = results.map(({ file, result: r }) => {
    if (!r.ok) {
      const first = r.issues.find((i) => i.severity === 'error')!;
      const more = r.issues.filter((i) => i.severity === 'error').length - 1;
      return `${s.red('✘')} ${file}  ${first.path}: ${first.message}${more > 0 ? ` (+${more})` : ''}`;
    }
    const what = r.declaration
      ? `${r.declaration.provider.name} · ${r.missing.length} ${fr ? 'champs à déclarer' : 'fields to declare'}`
      : (r.reason ?? '');
    return `${s.green('✔')} ${file}  ${what}`;
  });
  const ok = results.filter((r) => r.result.ok).length;
  lines.push(
    '',
    fr
      ? `${ok} importé(s), ${results.length - ok} invalide(s)`
      : `${ok} imported, ${results.length - ok} invalid`,
  );
  return `${lines.join('\n')}\n`;
}

/** Some issuers' did:web carry a few hundred characters of key material: keep both ends on a terminal. */
function shortDids(text: string): string {
  return text.replace(/did:[a-z0-9]+:[^\s)]{48,}/g, (did) => `${did.slice(0, 40)}…${did.slice(-8)}`);
}
