/** A scan: read each input, decide each resource, and sum up. Pure: inputs come as text. */
import { evaluateSubjects, type ScanContext } from './evaluate.js';
import { readKubernetesManifests } from './kubernetes.js';
import { readTerraformPlan } from './terraform.js';
import type { Finding, FindingStatus, InputFormat, Subject } from './types.js';

export const DEFAULT_CLASS_KEY = 'data_classification';

export interface ScanInput {
  file: string;
  text: string;
}

export interface ScanSummary {
  files: number;
  resources: number;
  allowed: number;
  denied: number;
  unknown: number;
  skipped: number;
}

export interface ScanResult {
  files: Array<{ file: string; format: InputFormat; resources: number }>;
  findings: Finding[];
  summary: ScanSummary;
}

/**
 * Terraform writes `format_version` first; a plan is told from a manifest by its first bytes, so a large
 * plan is parsed once.
 */
export function detectFormat(file: string, text: string): InputFormat {
  const head = text.slice(0, 4096);
  if (
    /^\s*\{/.test(head) &&
    /"(format_version|terraform_version|planned_values|resource_changes)"\s*:/.test(head)
  )
    return 'terraform';
  if (/\.tf\.?json$|plan\.json$/i.test(file) && /^\s*\{/.test(head) && !/"kind"\s*:/.test(head))
    return 'terraform';
  return 'kubernetes';
}

export function readSubjects(
  input: ScanInput,
  classKey: string,
): { format: InputFormat; subjects: Subject[] } {
  const format = detectFormat(input.file, input.text);
  const options = { file: input.file, classKey };
  return {
    format,
    subjects:
      format === 'terraform'
        ? readTerraformPlan(input.text, options)
        : readKubernetesManifests(input.text, options),
  };
}

export function scan(
  inputs: readonly ScanInput[],
  ctx: ScanContext,
  classKey = DEFAULT_CLASS_KEY,
): ScanResult {
  const files: ScanResult['files'] = [];
  const findings: Finding[] = [];
  for (const input of inputs) {
    const { format, subjects } = readSubjects(input, classKey);
    files.push({ file: input.file, format, resources: subjects.length });
    findings.push(...evaluateSubjects(subjects, ctx, classKey));
  }
  return { files, findings, summary: summarise(files.length, findings) };
}

export function summarise(fileCount: number, findings: readonly Finding[]): ScanSummary {
  const count = (s: FindingStatus) => findings.filter((f) => f.status === s).length;
  return {
    files: fileCount,
    resources: findings.length,
    allowed: count('allowed'),
    denied: count('denied'),
    unknown: count('unknown'),
    skipped: count('skipped'),
  };
}
