/**
 * Reading the review consoles' forms and query strings, and turning a use case's refusal into errors
 * shown next to the fields. Parsing only: what is allowed is decided by the use cases.
 */
import type { FastifyRequest } from 'fastify';
import { WorkflowError } from '../../../workflow/errors.js';

/** Field id → message key (the shape `partials/error-summary.eta` and the fields read). */
export type FieldErrors = Record<string, string>;

export type FormBody = Record<string, string | string[] | undefined>;

export const PAGE_SIZE = 25;

export function formBody(request: FastifyRequest): FormBody {
  const body = request.body;
  return body && typeof body === 'object' ? (body as FormBody) : {};
}

/** A single text field; a repeated field keeps its first value (forms never repeat these). */
export function text(body: FormBody, name: string): string {
  const v = body[name];
  return (Array.isArray(v) ? v[0] : v)?.toString() ?? '';
}

export function query(request: FastifyRequest): Record<string, string> {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(q)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

/** `?page=` as a 1-based page number; anything else is the first page. */
export function pageNumber(q: Record<string, string>): number {
  const n = Number(q.page);
  return Number.isInteger(n) && n >= 1 && n <= 100_000 ? n : 1;
}

/** A positive integer cursor, or undefined when absent; a present but malformed one is `NaN`. */
export function cursor(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  return /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}

/** The optimistic-lock version a form carries (hidden field `version`), when it is a number. */
export function formVersion(body: FormBody): number | undefined {
  const v = text(body, 'version');
  return /^\d{1,12}$/.test(v) ? Number(v) : undefined;
}

/**
 * The use case's `details` paths mapped to form fields: `map` turns a path (`$.reasons`,
 * `$.verdicts[2].comment`) into a field id and message key, or undefined for a path the form does not
 * show (then the error is rethrown and shown as an error page).
 */
export function fieldErrorsOf(
  error: unknown,
  kinds: Array<WorkflowError['kind']>,
  map: (path: string) => { field: string; key: string } | undefined,
): FieldErrors | undefined {
  if (!(error instanceof WorkflowError) || !kinds.includes(error.kind)) return undefined;
  const errors: FieldErrors = {};
  for (const d of error.details) {
    const hit = map(d.path);
    if (!hit) return undefined;
    errors[hit.field] ??= hit.key;
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** `?notice=<name>` of the review consoles: the message key `review.notice.<name>`, when it is one. */
export function reviewNotice(request: FastifyRequest, known: readonly string[]): string | null {
  const name = query(request).notice;
  return name && known.includes(name) ? `review.notice.${name}` : null;
}
