/** The report people read on a terminal: by file, denied first, coloured only on a terminal. */
import type { ScanResult } from '../scan.js';
import type { Finding, FindingStatus } from '../types.js';
import type { ReportContext, Style } from './shared.js';

const ORDER: FindingStatus[] = ['denied', 'unknown', 'allowed', 'skipped'];
const MARK: Record<FindingStatus, string> = { denied: '✘', unknown: '?', allowed: '✔', skipped: '–' };
const HEAD: Record<FindingStatus, { fr: string; en: string }> = {
  denied: { fr: 'refusés', en: 'denied' },
  unknown: { fr: 'indécidables', en: 'undecidable' },
  allowed: { fr: 'autorisés', en: 'allowed' },
  skipped: { fr: 'sans placement', en: 'not placements' },
};

export function renderText(
  result: ScanResult,
  context: ReportContext,
  s: Style,
  options: { verbose?: boolean } = {},
): string {
  const lang = context.lang;
  const colour = (status: FindingStatus) =>
    status === 'denied'
      ? s.red
      : status === 'unknown'
        ? context.strict
          ? s.red
          : s.yellow
        : status === 'allowed'
          ? s.green
          : s.dim;
  const out: string[] = [];
  for (const file of result.files) {
    const own = result.findings.filter((f) => f.file === file.file);
    out.push(
      s.bold(`${file.file}`) +
        s.dim(` (${file.format}, ${own.length} ${lang === 'fr' ? 'ressource(s)' : 'resource(s)'})`),
    );
    for (const status of ORDER) {
      const group = own.filter((f) => f.status === status);
      if (group.length === 0) continue;
      if (status === 'skipped' && !options.verbose) {
        out.push(s.dim(`  ${MARK.skipped} ${group.length} ${HEAD.skipped[lang]}`));
        continue;
      }
      out.push(colour(status)(`  ${HEAD[status][lang]} (${group.length})`));
      for (const f of group) out.push(line(f, colour(status), s));
    }
    out.push('');
  }
  const sum = result.summary;
  const parts =
    lang === 'fr'
      ? [
          `${sum.resources} ressource(s)`,
          `${sum.denied} refusée(s)`,
          `${sum.unknown} indécidable(s)`,
          `${sum.allowed} autorisée(s)`,
          `${sum.skipped} sans placement`,
        ]
      : [
          `${sum.resources} resource(s)`,
          `${sum.denied} denied`,
          `${sum.unknown} undecidable`,
          `${sum.allowed} allowed`,
          `${sum.skipped} not placements`,
        ];
  out.push(s.bold(parts.join(' · ')));
  out.push(
    s.dim(
      `${lang === 'fr' ? 'registre' : 'registry'} ${context.registry.from} (${context.registry.offers} ${lang === 'fr' ? 'offres labellisées' : 'labelled offers'}, ${context.registry.generatedAt}, ${lang === 'fr' ? 'signé par' : 'signed by'} ${context.registry.issuer}) · ${context.referential.id} ${context.referential.version}`,
    ),
  );
  return `${out.join('\n')}\n`;
}

function line(f: Finding, colour: (t: string) => string, s: Style): string {
  const where = f.line !== undefined ? s.dim(`:${f.line}`) : '';
  const cls = f.dataClass ? s.dim(` [${f.dataClass}]`) : '';
  return `    ${colour(MARK[f.status])} ${f.id}${where}${cls}  ${f.message}`;
}
