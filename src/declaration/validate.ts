/**
 * Validation of a declaration: the JSON Schema first (shape, types, ranges), then the facts a schema cannot
 * express — real country codes, ids that exist, holdings that add up, region codes that match.
 */

import { ajvIssues, compileSchema, readSchema } from '../util/schema.js';
import {
  formatPath,
  type Issue,
  type ParsedSource,
  parseJsonSource,
  pathToSegments,
  SourceError,
} from '../util/source.js';
import { isCountryCode } from './countries.js';
import type { Declaration } from './types.js';

export const declarationSchema = readSchema('declaration.v1.schema.json');
let validator: ReturnType<typeof compileSchema> | undefined;

/** Rounding slack when holdings are given with decimals (33.33 + 33.33 + 33.34). */
const PCT_EPSILON = 1e-6;

export type DeclarationResult = { ok: true; declaration: Declaration } | { ok: false; issues: Issue[] };

export function validateDeclaration(value: unknown): DeclarationResult {
  validator ??= compileSchema(declarationSchema);
  if (!validator(value)) return { ok: false, issues: ajvIssues(validator.errors) };
  const declaration = value as Declaration;
  const issues = semanticIssues(declaration);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, declaration };
}

/** Parses and validates a declaration file's text; issues carry line numbers. */
export function parseDeclaration(text: string): DeclarationResult {
  let source: ParsedSource;
  try {
    source = parseJsonSource(text);
  } catch (err) {
    if (err instanceof SourceError) return { ok: false, issues: err.issues };
    throw err;
  }
  const result = validateDeclaration(source.value);
  if (result.ok) return result;
  return {
    ok: false,
    issues: result.issues.map((issue) => {
      const pos = source.locate(pathToSegments(issue.path));
      return pos ? { ...issue, line: pos.line, column: pos.column } : issue;
    }),
  };
}

function semanticIssues(d: Declaration): Issue[] {
  const issues: Issue[] = [];
  const add = (segments: (string | number)[], message: string) =>
    issues.push({ path: formatPath(segments), message });
  const country = (segments: (string | number)[], code: string | undefined) => {
    if (code !== undefined && !isCountryCode(code)) add(segments, `unknown country code "${code}"`);
  };
  const countries = (segments: (string | number)[], codes: string[] | undefined) => {
    codes?.forEach((c, i) => {
      country([...segments, i], c);
    });
  };

  const p = d.provider;
  for (const field of ['registeredOffice', 'centralAdministration', 'principalEstablishment'] as const) {
    country(['provider', field], p[field]);
  }

  const ids = new Map<string, string>([[p.id, formatPath(['provider', 'id'])]]);
  d.organisations?.forEach((o, i) => {
    country(['organisations', i, 'country'], o.country);
    const previous = ids.get(o.id);
    if (previous) add(['organisations', i, 'id'], `duplicate id "${o.id}" (already used at ${previous})`);
    else ids.set(o.id, formatPath(['organisations', i, 'id']));
  });

  const capital = new Map<string, number>();
  const voting = new Map<string, number>();
  const pairs = new Set<string>();
  d.ownership?.forEach((h, i) => {
    for (const end of ['holder', 'held'] as const) {
      if (!ids.has(h[end])) {
        add(
          ['ownership', i, end],
          `"${h[end]}" is neither the provider nor an organisation declared in organisations[]`,
        );
      }
    }
    if (h.holder === h.held) add(['ownership', i, 'held'], 'an entity cannot hold itself');
    const pair = `${h.holder}\u0000${h.held}`;
    if (pairs.has(pair))
      add(['ownership', i], `"${h.holder}" → "${h.held}" is declared twice; merge the two holdings`);
    pairs.add(pair);
    capital.set(h.held, (capital.get(h.held) ?? 0) + h.capitalPct);
    voting.set(h.held, (voting.get(h.held) ?? 0) + (h.votingPct ?? h.capitalPct));
  });
  for (const [held, total] of capital) {
    if (total > 100 + PCT_EPSILON) {
      add(['ownership'], `holdings of "${held}" add up to ${round(total)} % of its capital, above 100 %`);
    }
  }
  for (const [held, total] of voting) {
    if (total > 100 + PCT_EPSILON) {
      add(['ownership'], `holdings of "${held}" add up to ${round(total)} % of its votes, above 100 %`);
    }
  }

  const o = d.offer;
  const regionCodes = new Set<string>();
  o.regions?.forEach((r, i) => {
    country(['offer', 'regions', i, 'country'], r.country);
    if (regionCodes.has(r.code)) add(['offer', 'regions', i, 'code'], `duplicate region code "${r.code}"`);
    regionCodes.add(r.code);
  });
  countries(['offer', 'processingCountries'], o.processingCountries);
  countries(['offer', 'backupCountries'], o.backupCountries);
  countries(['offer', 'technicalDataCountries'], o.technicalDataCountries);
  for (const field of ['adminCountries', 'supportCountries', 'socCountries'] as const) {
    countries(['offer', 'operations', field], o.operations?.[field]);
  }
  o.thirdParties?.forEach((t, i) => {
    country(['offer', 'thirdParties', i, 'country'], t.country);
  });
  country(['offer', 'contract', 'governingLaw'], o.contract?.governingLaw);
  o.certifications?.forEach((c, i) => {
    c.regions?.forEach((code, j) => {
      if (!regionCodes.has(code)) {
        add(['offer', 'certifications', i, 'regions', j], `"${code}" is not one of the offer's regions`);
      }
    });
  });
  o.runsOn?.forEach((id, i) => {
    if (id === o.id) add(['offer', 'runsOn', i], 'an offer cannot run on itself');
  });
  return issues;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
