/**
 * `confiance export`: our data in other ecosystems' formats. `oscal catalog` (a referential), `oscal
 * results` (an evaluation, optionally with an assessor's verdicts), `gaiax` (a label as a Gaia-X-style
 * label credential). Every OSCAL export is checked against NIST's schema before it is written.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseDeclaration } from '../../declaration/validate.js';
import { evaluate } from '../../evaluation/evaluate.js';
import {
  buildGaiaxLabelCredential,
  type CoveredInput,
  GaiaxExportError,
  type GaiaxLabelInput,
} from '../../interop/gaiax/export.js';
import { evaluationToAssessmentResults, type Verdict } from '../../interop/oscal/assessment-results.js';
import { referentialToCatalog } from '../../interop/oscal/catalog.js';
import { type OscalModel, validateOscal } from '../../interop/oscal/schema.js';
import { CliError, EXIT } from '../errors.js';
import { parseLang, resolveReferential, today } from '../shared.js';

export function register(program: Command): void {
  const cmd = program
    .command('export')
    .description('Export referentials, evaluations and labels (OSCAL, Gaia-X)');
  const oscal = cmd.command('oscal').description('OSCAL 1.1 documents, validated against the NIST schemas');

  oscal
    .command('catalog')
    .description('A referential as an OSCAL catalog (groups = categories, controls = criteria)')
    .argument('[referential]', 'id[@version] or file (default: the latest cloud-de-confiance)')
    .option('--lang <lang>', 'language of titles and prose: fr or en', 'fr')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action((spec: string | undefined, options: { lang: string; out?: string }) => {
      const lang = parseLang(options.lang);
      const referential = resolveReferential(spec);
      writeOscal('catalog', referentialToCatalog(referential.document, { lang }), options.out);
    });

  oscal
    .command('results')
    .description("An evaluation (and an assessor's verdicts) as OSCAL assessment-results")
    .argument('<declaration>', 'declaration file (JSON)')
    .option('--referential <id[@version]|file>', 'referential (default: the latest cloud-de-confiance)')
    .option('--date <YYYY-MM-DD>', 'evaluate as of this day (default: today)')
    .option('--data-class <class>', 'data class switching sector overlays on (e.g. health)')
    .option(
      '--verdicts <file>',
      'assessor verdicts (JSON: [{criterionId, status: pass|fail|not-applicable, comment?}])',
    )
    .option('--assessor <name>', 'who gave the verdicts', 'assessor')
    .option('--review-id <id>', 'stable id of the review (e.g. the application id)', 'review')
    .option('--lang <lang>', 'fr or en', 'fr')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action(
      (
        file: string,
        options: {
          referential?: string;
          date?: string;
          dataClass?: string;
          verdicts?: string;
          assessor: string;
          reviewId: string;
          lang: string;
          out?: string;
        },
      ) => {
        const lang = parseLang(options.lang);
        const referential = resolveReferential(options.referential);
        const date = options.date ?? today();
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
          throw new CliError('invalid date', EXIT.badInput, [
            { path: '--date', message: 'expected YYYY-MM-DD' },
          ]);
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
        const evaluation = evaluate(referential, parsed.declaration, {
          date,
          lang,
          ...(options.dataClass ? { dataClass: options.dataClass } : {}),
        });
        const verdicts = options.verdicts
          ? readVerdicts(options.verdicts, new Set(evaluation.criteria.map((c) => c.id)))
          : undefined;
        const doc = evaluationToAssessmentResults({
          evaluation,
          ...(verdicts
            ? {
                review: {
                  id: options.reviewId,
                  assessor: { id: options.assessor, name: options.assessor },
                  verdicts,
                  completedOn: date,
                },
              }
            : {}),
        });
        writeOscal('assessment-results', doc, options.out);
      },
    );

  cmd
    .command('gaiax')
    .description(
      'A label as a Gaia-X-style label credential (level mapping, JCS SHA-256 digests of its inputs)',
    )
    .argument('<label>', 'label credential (compact JWS, as served by /v1/labels/:id/credential)')
    .option('--declaration <file>', 'the declaration the label was granted on, to cover its digest too')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .action((file: string, options: { declaration?: string; out?: string }) => {
      const label = decodeLabel(readText(file), file);
      const referential = resolveReferential(
        `${label.credentialSubject.referential.id}@${label.credentialSubject.referential.version}`,
      );
      const covered: CoveredInput[] = [
        {
          id: `${referential.document.id}@${referential.document.version}`,
          type: 'confiance:Referential',
          document: referential.document,
        },
      ];
      if (options.declaration) {
        covered.push({
          id: `${label.credentialSubject.offer.id}#declaration`,
          type: 'confiance:Declaration',
          document: parseJson(readText(options.declaration), options.declaration),
        });
      }
      try {
        const credential = buildGaiaxLabelCredential({ label, referential: referential.document, covered });
        writeOutput(`${JSON.stringify(credential, null, 2)}\n`, options.out);
      } catch (err) {
        if (err instanceof GaiaxExportError) throw new CliError(err.message, EXIT.badInput);
        throw err;
      }
    });
}

function readVerdicts(file: string, criteria: Set<string>): Verdict[] {
  const value = parseJson(readText(file), file);
  const issues: Array<{ path: string; message: string }> = [];
  if (!Array.isArray(value)) throw new CliError(`${file}: expected a JSON array of verdicts`, EXIT.badInput);
  value.forEach((v, i) => {
    const at = `$[${i}]`;
    if (typeof v !== 'object' || v === null) issues.push({ path: at, message: 'must be an object' });
    else {
      if (!criteria.has(v.criterionId))
        issues.push({
          path: `${at}.criterionId`,
          message: `no criterion ${JSON.stringify(v.criterionId)} in the referential`,
        });
      if (!['pass', 'fail', 'not-applicable'].includes(v.status))
        issues.push({ path: `${at}.status`, message: 'must be pass, fail or not-applicable' });
      if (v.comment !== undefined && typeof v.comment !== 'string')
        issues.push({ path: `${at}.comment`, message: 'must be a string' });
    }
  });
  if (issues.length > 0) throw new CliError(`${file}: invalid verdicts`, EXIT.badInput, issues);
  return value as Verdict[];
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, EXIT.badInput);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file}: malformed JSON`, EXIT.badInput, [
      { path: '$', message: String((err as Error).message) },
    ]);
  }
}

/** The payload of a label credential (not verified here: `confiance verify` does that). */
function decodeLabel(token: string, file: string): GaiaxLabelInput['label'] {
  const payload = token.trim().split('.')[1];
  let label: GaiaxLabelInput['label'] | undefined;
  try {
    label = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
  } catch {
    label = undefined;
  }
  const s = label?.credentialSubject;
  if (
    !label ||
    typeof label.id !== 'string' ||
    !s?.referential ||
    !s.offer ||
    !s.provider ||
    typeof s.level !== 'string'
  ) {
    throw new CliError(`${file}: not a label credential`, EXIT.badInput, [
      { path: '$', message: 'expected a compact JWS whose payload is a confiance label credential' },
    ]);
  }
  return label;
}

/** Serialises (stable key order, two-space indent), checks against the schema, writes. */
export function writeOscal(model: OscalModel, document: unknown, out: string | undefined): void {
  const issues = validateOscal(model, document);
  if (issues.length > 0) {
    // Our export breaking NIST's schema is our bug, not the user's input.
    throw new CliError(`the OSCAL ${model} export does not match the NIST schema`, EXIT.failure, issues);
  }
  writeOutput(`${JSON.stringify(document, null, 2)}\n`, out);
}

export function writeOutput(text: string, out: string | undefined): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(out, text);
  } catch (err) {
    throw new CliError(`cannot write ${out}: ${(err as NodeJS.ErrnoException).code ?? err}`, EXIT.failure);
  }
}
