/** Loading of the JSON Schemas shipped in schemas/ and turning Ajv's errors into located, readable issues. */
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as ajv2020Module from 'ajv/dist/2020.js';
import * as ajvFormatsModule from 'ajv-formats';
import { formatPath, type Issue, pointerToSegments } from './source.js';

// Ajv and ajv-formats are CommonJS packages whose default export arrives wrapped under NodeNext.
const Ajv2020 = ajv2020Module.default.default ?? ajv2020Module.default;
const addFormats = ajvFormatsModule.default.default ?? ajvFormatsModule.default;

const schemaDir = new URL('../../schemas/', import.meta.url);

export function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, schemaDir), 'utf8')) as Record<string, unknown>;
}

export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

export function ajvIssues(errors: ErrorObject[] | null | undefined): Issue[] {
  if (!errors) return [];
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const e of errors) {
    // `if/then` and `anyOf` wrappers repeat the real cause; keep the cause.
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const segments = pointerToSegments(e.instancePath);
    let message = e.message ?? 'is invalid';
    switch (e.keyword) {
      case 'additionalProperties': {
        const prop = (e.params as { additionalProperty: string }).additionalProperty;
        segments.push(prop);
        message = 'unknown property (check its spelling)';
        break;
      }
      case 'required':
        segments.push((e.params as { missingProperty: string }).missingProperty);
        message = 'is required';
        break;
      case 'enum':
        message = `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'const':
        message = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
        break;
      case 'pattern':
        message = patternMessage(e);
        break;
      case 'type':
        message = `must be of type ${(e.params as { type: string }).type}`;
        break;
      case 'minimum':
      case 'maximum':
        message = `must be ${e.keyword === 'minimum' ? '≥' : '≤'} ${(e.params as { limit: number }).limit}`;
        break;
    }
    const path = formatPath(segments);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message });
  }
  return issues;
}

function patternMessage(e: ErrorObject): string {
  const pattern = (e.params as { pattern: string }).pattern;
  if (pattern === '^[A-Z]{2}$')
    return 'must be an ISO 3166-1 alpha-2 country code (two capital letters, e.g. FR)';
  if (pattern.startsWith('^\\d{4}')) return 'must be a date written YYYY-MM-DD';
  return `must match ${pattern}`;
}
