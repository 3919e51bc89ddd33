/**
 * `confiance scan`: a sovereignty gate for infrastructure code. Reads Terraform plans (`terraform show
 * -json`) and Kubernetes manifests, takes each resource's data class from its tags or labels, resolves its
 * provider and region to the labelled offers there, decides, and reports as text, JSON, SARIF or JUnit.
 * Exit 0 when every placement is allowed, 1 when one is denied (or undecidable with --strict), 2 on bad input.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadRegionCatalogue } from '../../regions/catalogue.js';
import { renderJson } from '../../scan/report/json.js';
import { renderJunit } from '../../scan/report/junit.js';
import { renderSarif } from '../../scan/report/sarif.js';
import type { ReportContext } from '../../scan/report/shared.js';
import { renderText } from '../../scan/report/text.js';
import { DEFAULT_CLASS_KEY, type ScanInput, type ScanResult, scan } from '../../scan/scan.js';
import { ScanInputError } from '../../scan/terraform.js';
import { CliError, EXIT } from '../errors.js';
import { openRegistrySource, readBounded, readStdinBounded } from '../placement-source.js';
import { colourEnabled, progressBar, style } from '../render.js';
import { parseLang } from '../shared.js';
import { parseGate } from './place.js';

const FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
type Format = (typeof FORMATS)[number];
export const DEFAULT_MAX_SIZE_MIB = 64;
const VERSION = '0.1.0';

interface ScanOptions {
  format: string;
  json?: boolean;
  output?: string;
  class?: string;
  classKey: string;
  provider?: string;
  region?: string;
  seal?: string;
  strict?: boolean;
  snapshot?: string;
  did?: string;
  server?: string;
  token?: string;
  referential?: string;
  maxSize: string;
  maxAge?: string;
  lang: string;
  verbose?: boolean;
}

export function register(program: Command): void {
  program
    .command('scan')
    .description(
      'Check where Terraform plans and Kubernetes manifests put data against the label registry (exit 1 when a placement is denied)',
    )
    .argument(
      '<files...>',
      'Terraform plans in JSON (terraform show -json), Kubernetes manifests (YAML or JSON), or - for stdin',
    )
    .option('--format <format>', `report format: ${FORMATS.join(', ')}`, 'text')
    .option('--json', 'the same as --format json')
    .option('--output <file>', 'write the report to this file instead of standard output')
    .option('--class <id>', 'data class of resources without a classification tag or label')
    .option('--class-key <key>', 'tag or label holding the data class', DEFAULT_CLASS_KEY)
    .option(
      '--provider <id>',
      'cloud provider of Kubernetes clusters (and of unknown Terraform providers): aws, ovhcloud…',
    )
    .option(
      '--region <code>',
      'region of resources whose input leaves it to the environment (cluster region, AWS_REGION)',
    )
    .option('--strict', 'fail (exit 1) when a placement cannot be decided, not only when it is denied')
    .option('--seal <gate>', 'also require proven EU sovereignty levels, e.g. SOV-2:3,SOV-3:3')
    .option('--snapshot <file>', 'signed registry snapshot (GET /v1/registry/snapshot), for offline use')
    .option('--did <file>', "the issuer's DID document, to check the snapshot's signature")
    .option('--server <url>', 'label authority to read the registry from (default: $CONFIANCE_SERVER)')
    .option('--token <token>', "API token, to use your organisation's classes (default: $CONFIANCE_TOKEN)")
    .option('--referential <file>', 'the referential version the snapshot names, if not shipped here')
    .option('--max-size <MiB>', 'largest input file read', String(DEFAULT_MAX_SIZE_MIB))
    .option('--max-age <hours>', 'refuse a registry snapshot older than this')
    .option('--lang <lang>', 'fr or en', 'fr')
    .option('--verbose', 'list the resources that place no data too')
    .action((files: string[], options: ScanOptions) => runScan(files, options));
}

async function runScan(files: string[], options: ScanOptions): Promise<void> {
  const lang = parseLang(options.lang);
  if (options.json) options.format = 'json';
  if (!(FORMATS as readonly string[]).includes(options.format))
    throw new CliError(`unknown report format "${options.format}"`, EXIT.badInput, [
      { path: '--format', message: `one of: ${FORMATS.join(', ')}` },
    ]);
  const format = options.format as Format;
  const mib = Number(options.maxSize);
  if (!Number.isFinite(mib) || mib <= 0)
    throw new CliError('invalid --max-size', EXIT.badInput, [
      { path: '--max-size', message: 'a number of MiB' },
    ]);
  const maxBytes = Math.floor(mib * 1024 * 1024);
  const catalogue = loadRegionCatalogue();
  if (options.provider !== undefined && !catalogue.provider(options.provider))
    throw new CliError(`unknown cloud provider "${options.provider}"`, EXIT.badInput, [
      { path: '--provider', message: `one of: ${catalogue.providers.map((p) => p.id).join(', ')}` },
    ]);

  const inputs: ScanInput[] = files.map((file) => ({
    file,
    text: file === '-' ? readStdinBounded(maxBytes) : readBounded(file, maxBytes, file),
  }));
  const now = new Date();
  const source = await openRegistrySource(
    {
      ...options,
      server: options.server ?? (options.snapshot ? undefined : process.env.CONFIANCE_SERVER || undefined),
      token: options.token ?? (process.env.CONFIANCE_TOKEN || undefined),
    },
    now,
  );
  const seal = options.seal === undefined ? undefined : parseGate(options.seal);
  const context = {
    ...(seal ? { seal } : {}),
    engine: source.engine,
    classes: source.classes,
    catalogue,
    lang,
    defaults: {
      ...(options.class !== undefined ? { dataClass: options.class } : {}),
      ...(options.provider !== undefined ? { provider: options.provider } : {}),
      ...(options.region !== undefined ? { region: options.region } : {}),
    },
  };
  if (options.class !== undefined && !source.classes.some((c) => c.id === options.class))
    throw new CliError(`unknown data class "${options.class}"`, EXIT.badInput, [
      { path: '--class', message: `one of: ${source.classes.map((c) => c.id).join(', ')}` },
    ]);

  const bar =
    format === 'text' ? progressBar(lang === 'fr' ? 'Analyse' : 'Scanning', inputs.length) : undefined;
  const results: ScanResult[] = [];
  inputs.forEach((input, i) => {
    try {
      results.push(scan([input], context, options.classKey));
    } catch (err) {
      bar?.done();
      if (err instanceof ScanInputError)
        throw new CliError(
          err.message,
          EXIT.badInput,
          err.details.map((d) => ({
            path:
              d.line !== undefined
                ? `${input.file}:${d.line}${d.column !== undefined ? `:${d.column}` : ''} ${d.path}`
                : `${input.file} ${d.path}`,
            message: d.message,
          })),
        );
      throw err;
    }
    bar?.tick(i + 1);
  });
  bar?.done();
  const result = merge(results);
  const report: ReportContext = {
    lang,
    strict: options.strict === true,
    toolVersion: VERSION,
    registry: {
      from: source.from,
      issuer: source.snapshot.issuer,
      generatedAt: source.snapshot.generatedAt,
      offers: source.snapshot.offers,
    },
    referential: source.referential,
  };
  const toFile = options.output !== undefined;
  const text =
    format === 'json'
      ? renderJson(result, report)
      : format === 'sarif'
        ? renderSarif(result, report)
        : format === 'junit'
          ? renderJunit(result, report)
          : renderText(result, report, style(!toFile && colourEnabled(process.stdout)), {
              verbose: options.verbose === true,
            });
  if (toFile) writeFileSync(options.output!, text);
  else process.stdout.write(text);
  const failed = result.summary.denied > 0 || (options.strict === true && result.summary.unknown > 0);
  process.exitCode = failed ? EXIT.negative : EXIT.ok;
}

function merge(results: ScanResult[]): ScanResult {
  const findings = results.flatMap((r) => r.findings);
  const files = results.flatMap((r) => r.files);
  const sum = (k: keyof ScanResult['summary']) => results.reduce((n, r) => n + r.summary[k], 0);
  return {
    files,
    findings,
    summary: {
      files: files.length,
      resources: sum('resources'),
      allowed: sum('allowed'),
      denied: sum('denied'),
      unknown: sum('unknown'),
      skipped: sum('skipped'),
    },
  };
}
