/**
 * What the review consoles' templates share besides `it.page`: badge classes for application, criterion
 * and verdict states, and how a referential value is shown in a diff. Given to every template as `it.h`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isRuleChange } from '../../../referential/diff.js';
import type { Context } from '../../../workflow/context.js';
import { APPLICATION_STATES } from '../../../workflow/dashboard.js';
import { type PageModel, renderPage } from '../../render.js';

const APPLICATION_BADGES: Record<string, string> = {
  submitted: 'fr-badge--new',
  'in-review': 'fr-badge--info',
  reviewed: 'fr-badge--purple-glycine',
  granted: 'fr-badge--success',
  refused: 'fr-badge--error',
  withdrawn: '',
};

const CRITERION_BADGES: Record<string, string> = {
  pass: 'fr-badge--success',
  fail: 'fr-badge--error',
  'manual-review': 'fr-badge--info',
  'missing-data': 'fr-badge--warning',
  'not-applicable': '',
};

const RULE_PATH = /(^|\.)(rule|pass|review|appliesWhen|expression|when|holdsWhen|ruledOutWhen)(\.|$)/;
const isPlain = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

export const helpers = {
  applicationStates: APPLICATION_STATES,
  applicationBadge: (state: string) => APPLICATION_BADGES[state] ?? '',
  criterionBadge: (status: string) => CRITERION_BADGES[status] ?? '',
  isRuleChange,
  /** A value of a referential as text: plain values and lists of them inline, anything else as indented JSON. */
  show: (value: unknown): string => {
    if (value === undefined) return '';
    if (typeof value === 'string') return value;
    if (isPlain(value)) return String(value);
    if (Array.isArray(value) && value.every(isPlain)) return value.map(String).join(', ');
    return JSON.stringify(value, null, 2);
  },
  /** Whether a value reads better in a preformatted block (rules, objects, lists of objects). */
  block: (path: string, value: unknown): boolean => {
    if (typeof value === 'string') return RULE_PATH.test(path);
    if (isPlain(value)) return false;
    return !(Array.isArray(value) && value.every(isPlain));
  },
  /** An audit entry's before/after, compact. */
  json: (value: unknown): string => (value === null || value === undefined ? '' : JSON.stringify(value)),
};

export function renderReview(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  model: PageModel,
  status = 200,
) {
  return renderPage(ctx, request, reply, view, { ...model, h: helpers }, status);
}
