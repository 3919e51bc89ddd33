/** The whole scan as JSON, for scripts: every finding, placements and reasons included. */
import type { ScanResult } from '../scan.js';
import type { ReportContext } from './shared.js';

export function renderJson(result: ScanResult, context: ReportContext): string {
  return `${JSON.stringify(
    {
      tool: { name: 'confiance', version: context.toolVersion },
      strict: context.strict,
      registry: context.registry,
      referential: context.referential,
      summary: result.summary,
      files: result.files,
      findings: result.findings,
    },
    null,
    2,
  )}\n`;
}
