/**
 * The authority's console, referential side: the published versions, publishing a new one, and two
 * versions side by side (src/referential/diff.ts through the referential-history use case).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../../workflow/context.js';
import { WorkflowError } from '../../../workflow/errors.js';
import {
  compareReferentialVersions,
  publishReferentialVersion,
  referentialVersions,
} from '../../../workflow/referential-history.js';
import { pageActor } from '../../session.js';
import { NOTICES } from './file.js';
import { type FieldErrors, formBody, query, reviewNotice, text } from './forms.js';
import { renderReview } from './view.js';

const BREADCRUMB = [
  { key: 'common.nav.console', href: '/console' },
  { key: 'review.authority.title', href: '/console/authority' },
];

/** `id@version`, the value of the comparison form's options. */
function parseRef(value: string): { id: string; version: string } | null {
  const m = /^([\w.-]{1,100})@(\d{1,6}\.\d{1,6}\.\d{1,6})$/.exec(value);
  return m ? { id: m[1]!, version: m[2]! } : null;
}

export function registerReferentialPages(app: FastifyInstance, ctx: Context) {
  const list = async (
    request: FastifyRequest,
    reply: FastifyReply,
    refused?: {
      errors: FieldErrors;
      document: string;
      status: number;
      details: Array<{ path: string; message: string }>;
    },
  ) => {
    const actor = pageActor(request, 'authority');
    const versions = await referentialVersions(ctx, actor);
    return renderReview(
      ctx,
      request,
      reply,
      'console/review/referentials',
      {
        title: 'review.referentials.title',
        nav: 'console',
        breadcrumb: [...BREADCRUMB, { key: 'review.referentials.title' }],
        section: 'referentials',
        versions,
        errors: refused?.errors ?? {},
        document: refused?.document ?? '',
        details: refused?.details ?? [],
        reviewNotice: reviewNotice(request, NOTICES),
        published: query(request).published ?? '',
      },
      refused?.status ?? 200,
    );
  };

  app.get('/console/authority/referentials', (request, reply) => list(request, reply));

  app.post('/console/authority/referentials', async (request, reply) => {
    const actor = pageActor(request, 'authority');
    const document = text(formBody(request), 'document');
    if (!document.trim())
      return list(request, reply, {
        errors: { document: 'review.error.documentRequired' },
        document,
        status: 400,
        details: [],
      });
    try {
      const published = await publishReferentialVersion(ctx, actor, document);
      return reply.redirect(
        `/console/authority/referentials?notice=published&published=${encodeURIComponent(`${published.id}@${published.version}`)}`,
        303,
      );
    } catch (error) {
      if (error instanceof WorkflowError && (error.kind === 'invalid' || error.kind === 'conflict')) {
        return list(request, reply, {
          errors: {
            document:
              error.kind === 'invalid' ? 'review.error.documentInvalid' : 'review.error.documentNotNewer',
          },
          document,
          status: error.kind === 'invalid' ? 400 : 409,
          details: error.details,
        });
      }
      throw error;
    }
  });

  app.get('/console/authority/referentials/compare', async (request, reply) => {
    const actor = pageActor(request, 'authority');
    const q = query(request);
    const from = parseRef(q.from ?? '');
    const to = parseRef(q.to ?? '');
    const errors: FieldErrors = {};
    if (!from) errors.from = 'review.error.versionRequired';
    if (!to) errors.to = 'review.error.versionRequired';
    if (from && to && from.id !== to.id) errors.to = 'review.error.sameReferential';
    let comparison: Awaited<ReturnType<typeof compareReferentialVersions>> | null = null;
    if (Object.keys(errors).length === 0) {
      try {
        comparison = await compareReferentialVersions(ctx, actor, {
          id: from!.id,
          from: from!.version,
          to: to!.version,
        });
      } catch (error) {
        if (!(error instanceof WorkflowError && error.kind === 'invalid')) throw error;
        for (const d of error.details)
          errors[d.path === 'from' ? 'from' : 'to'] = 'review.error.versionUnknown';
      }
    }
    const versions = await referentialVersions(ctx, actor);
    return renderReview(
      ctx,
      request,
      reply,
      'console/review/compare',
      {
        title: comparison ? 'review.compare.title' : 'review.compare.choose',
        titleParams: comparison
          ? { id: comparison.from.id, from: comparison.from.version, to: comparison.to.version }
          : {},
        nav: 'console',
        breadcrumb: [
          ...BREADCRUMB,
          { key: 'review.referentials.title', href: '/console/authority/referentials' },
          { key: 'review.compare.crumb' },
        ],
        section: 'referentials',
        versions,
        from: q.from ?? '',
        to: q.to ?? '',
        comparison,
        errors,
      },
      Object.keys(errors).length ? 400 : 200,
    );
  });
}
