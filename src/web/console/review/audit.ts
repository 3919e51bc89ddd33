/** The authority's console: the audit trail, newest first, with filters and pages keyed by entry id. */
import type { FastifyInstance } from 'fastify';
import { auditTrail } from '../../../workflow/audit-trail.js';
import type { Context } from '../../../workflow/context.js';
import { pageActor } from '../../session.js';
import { cursor, type FieldErrors, query } from './forms.js';
import { renderReview } from './view.js';

const AUDIT_PAGE = 50;
const FILTERS = ['subjectType', 'subjectId', 'action', 'actor'] as const;

export function registerAuditPages(app: FastifyInstance, ctx: Context) {
  app.get('/console/authority/audit', async (request, reply) => {
    const actor = pageActor(request, 'authority');
    const q = query(request);
    const filters = Object.fromEntries(FILTERS.map((f) => [f, (q[f] ?? '').trim().slice(0, 200)])) as Record<
      (typeof FILTERS)[number],
      string
    >;
    const errors: FieldErrors = {};
    const before = cursor(q.before);
    const after = cursor(q.after);
    if (Number.isNaN(before) || Number.isNaN(after)) errors.form = 'review.error.cursor';
    const trail = await auditTrail(ctx, actor, {
      ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)),
      ...(before !== undefined && !Number.isNaN(before) ? { before } : {}),
      ...(after !== undefined && !Number.isNaN(after) ? { after } : {}),
      limit: AUDIT_PAGE,
    });
    const kept = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
    const link = (extra: Record<string, number>) => {
      const params = new URLSearchParams(kept);
      for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
      return `/console/authority/audit?${params}`;
    };
    return renderReview(
      ctx,
      request,
      reply,
      'console/review/audit',
      {
        title: 'review.audit.title',
        nav: 'console',
        breadcrumb: [
          { key: 'common.nav.console', href: '/console' },
          { key: 'review.authority.title', href: '/console/authority' },
          { key: 'review.audit.title' },
        ],
        section: 'audit',
        trail,
        filters,
        errors,
        olderHref: trail.olderThan !== null ? link({ before: trail.olderThan }) : null,
        newerHref: trail.newerThan !== null ? link({ after: trail.newerThan }) : null,
      },
      Object.keys(errors).length ? 400 : 200,
    );
  });
}
