/**
 * Parsing and checking a registry search, whatever the adapter: repeated or comma-separated values,
 * case-insensitive enums mapped to their canonical spelling, every problem reported at once with the
 * parameter it concerns.
 */
import { LABEL_LEVELS, SERVICE_MODELS } from '../../credentials/label-credential.js';
import { isCountryCode } from '../../declaration/countries.js';
import { declarationSchema } from '../../declaration/validate.js';
import { formatSealGate, parseSealGate, SealGateError } from '../../sovereignty/gate.js';
import { shippedObjectives } from '../../sovereignty/profile.js';
import { type ErrorDetail, invalid } from '../errors.js';
import type { PublicState, SortKey } from './search-index.js';
import { words } from './text.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Deep pages cost a scan of everything before them; the export serves whole-registry reads. */
export const MAX_OFFSET = 10_000;
const MAX_QUERY_LENGTH = 200;
const MAX_WORDS = 8;
const MAX_VALUES = 50;

export const PUBLIC_STATES: readonly PublicState[] = ['active', 'suspended', 'revoked', 'expired'];
export const SORT_KEYS: readonly SortKey[] = ['name', 'level', 'validUntil'];
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

type Many = string | readonly string[] | undefined;

export interface RegistrySearchInput {
  q?: string | undefined;
  level?: Many;
  country?: Many;
  serviceModel?: Many;
  provider?: Many;
  certification?: Many;
  state?: Many;
  /** Minimum SEAL per EU CSF objective, all required: `SOV-2:3,SOV-3:3`. */
  seal?: Many;
  /** `name` | `level` | `validUntil`, `-` in front for the reverse order. */
  sort?: string | undefined;
  limit?: number | string | undefined;
  offset?: number | string | undefined;
}

export interface RegistrySearch {
  words: string[];
  level: string[];
  country: string[];
  serviceModel: string[];
  provider: string[];
  /** `scheme:status`, or a bare scheme meaning any status. */
  certification: string[];
  state: PublicState[];
  /** `SOV-n:k`, canonical, one per objective (the strictest asked). */
  seal: string[];
  sort: SortKey;
  descending: boolean;
  limit: number;
  offset: number;
}

// The declaration schema is the one list of certification schemes and statuses.
const certificationItem = (
  declarationSchema as {
    properties: {
      offer: {
        properties: {
          certifications: { items: { properties: Record<'scheme' | 'status', { enum: string[] }> } };
        };
      };
    };
  }
).properties.offer.properties.certifications.items.properties;
const SCHEMES = certificationItem.scheme.enum;
const CERT_STATUSES = certificationItem.status.enum;

function canonical(allowed: readonly string[], value: string): string | undefined {
  const lower = value.toLowerCase();
  return allowed.find((a) => a.toLowerCase() === lower);
}

function values(raw: Many): string[] {
  const list = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  return [
    ...new Set(
      list
        .flatMap((v) => String(v).split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

export function parseRegistrySearch(input: RegistrySearchInput): RegistrySearch {
  const details: ErrorDetail[] = [];
  const many = <T extends string>(
    name: string,
    raw: Many,
    check: (v: string) => T | undefined,
    expected: string,
  ): T[] => {
    const list = values(raw);
    if (list.length > MAX_VALUES) details.push({ path: name, message: `at most ${MAX_VALUES} values` });
    const out: T[] = [];
    for (const v of list) {
      const ok = check(v);
      if (ok === undefined) details.push({ path: name, message: `"${v}" is not ${expected}` });
      else if (!out.includes(ok)) out.push(ok);
    }
    return out;
  };
  const int = (
    name: string,
    raw: number | string | undefined,
    fallback: number,
    min: number,
    max: number,
  ): number => {
    if (raw === undefined || raw === '') return fallback;
    const n = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      details.push({ path: name, message: `must be an integer from ${min} to ${max}` });
      return fallback;
    }
    return n;
  };

  const q = input.q ?? '';
  if (q.length > MAX_QUERY_LENGTH)
    details.push({ path: 'q', message: `at most ${MAX_QUERY_LENGTH} characters` });
  const queryWords = [...new Set(words(q))];
  if (queryWords.length > MAX_WORDS) details.push({ path: 'q', message: `at most ${MAX_WORDS} words` });

  const level = many(
    'level',
    input.level,
    (v) => canonical(LABEL_LEVELS, v),
    `a level (${LABEL_LEVELS.join(', ')})`,
  );
  const country = many(
    'country',
    input.country,
    (v) => (isCountryCode(v.toUpperCase()) ? v.toUpperCase() : undefined),
    'an ISO 3166-1 alpha-2 country code',
  );
  const serviceModel = many(
    'serviceModel',
    input.serviceModel,
    (v) => canonical(SERVICE_MODELS, v),
    `a service model (${SERVICE_MODELS.join(', ')})`,
  );
  const provider = many('provider', input.provider, (v) => (ID.test(v) ? v : undefined), 'a provider id');
  const certification = many(
    'certification',
    input.certification,
    (v) => {
      const [scheme, status, ...rest] = v.split(':');
      const s = canonical(SCHEMES, scheme ?? '');
      if (!s || rest.length > 0) return undefined;
      if (status === undefined) return s;
      const st = canonical(CERT_STATUSES, status);
      return st ? `${s}:${st}` : undefined;
    },
    `a certification (scheme or scheme:status; schemes: ${SCHEMES.join(', ')}; statuses: ${CERT_STATUSES.join(', ')})`,
  );
  const state = many(
    'state',
    input.state,
    (v) => canonical(PUBLIC_STATES, v) as PublicState | undefined,
    `a state (${PUBLIC_STATES.join(', ')})`,
  );

  let seal: string[] = [];
  try {
    seal = formatSealGate(parseSealGate(values(input.seal), shippedObjectives()))
      .split(',')
      .filter(Boolean);
  } catch (err) {
    if (!(err instanceof SealGateError)) throw err;
    details.push(...err.issues);
  }

  const rawSort = input.sort ?? 'name';
  const descending = rawSort.startsWith('-');
  const sort = canonical(SORT_KEYS, descending ? rawSort.slice(1) : rawSort) as SortKey | undefined;
  if (!sort)
    details.push({ path: 'sort', message: `one of ${SORT_KEYS.join(', ')}, optionally prefixed with "-"` });

  const limit = int('limit', input.limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = int('offset', input.offset, 0, 0, MAX_OFFSET);
  if (details.length > 0) throw invalid('invalid registry search', details);
  return {
    words: queryWords,
    level,
    country,
    serviceModel,
    provider,
    certification,
    state,
    seal,
    sort: sort!,
    descending,
    limit,
    offset,
  };
}
