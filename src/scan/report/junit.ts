/**
 * JUnit XML, the report every CI system shows: one suite per input file, one case per resource that places
 * data. Denied resources fail; undecidable ones fail under --strict and are skipped otherwise.
 */
import type { ScanResult } from '../scan.js';
import type { Finding } from '../types.js';
import type { ReportContext } from './shared.js';

/** XML 1.0 allows neither most control characters nor lone surrogates; they are dropped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function renderJunit(result: ScanResult, context: ReportContext): string {
  const cases = result.findings.filter((f) => f.status !== 'skipped');
  const failed = (f: Finding) => f.status === 'denied' || (f.status === 'unknown' && context.strict);
  const skipped = (f: Finding) => f.status === 'unknown' && !context.strict;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  lines.push(
    `<testsuites name="confiance scan" tests="${cases.length}" failures="${cases.filter(failed).length}" errors="0" skipped="${cases.filter(skipped).length}">`,
  );
  for (const file of result.files) {
    const own = cases.filter((f) => f.file === file.file);
    lines.push(
      `  <testsuite name="${xmlEscape(file.file)}" tests="${own.length}" failures="${own.filter(failed).length}" errors="0" skipped="${own.filter(skipped).length}">`,
    );
    for (const f of own) {
      const attrs = `classname="${xmlEscape(`${file.format}.${f.type}`)}" name="${xmlEscape(f.id)}" file="${xmlEscape(f.file)}"${f.line !== undefined ? ` line="${f.line}"` : ''}`;
      if (failed(f)) {
        lines.push(`    <testcase ${attrs}>`);
        lines.push(
          `      <failure type="${f.status}" message="${xmlEscape(f.message)}">${xmlEscape(details(f))}</failure>`,
        );
        lines.push('    </testcase>');
      } else if (skipped(f)) {
        lines.push(`    <testcase ${attrs}>`);
        lines.push(`      <skipped message="${xmlEscape(f.message)}"/>`);
        lines.push('    </testcase>');
      } else lines.push(`    <testcase ${attrs}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function details(f: Finding): string {
  const out = [`${f.id} (${f.type})${f.line !== undefined ? ` at ${f.file}:${f.line}` : ''}`];
  if (f.dataClass) out.push(`data class: ${f.dataClass} (${f.dataClassFrom})`);
  for (const p of f.placements) {
    out.push(
      `- ${p.claim.code} (${p.claim.from})${p.outcome ? `: ${p.outcome}` : ''}${p.unresolved ? `: ${p.unresolved}` : ''}`,
    );
    for (const r of p.reasons) out.push(`    ${r.status === 'pass' ? '✔' : '✘'} ${r.text}`);
  }
  return out.join('\n');
}
