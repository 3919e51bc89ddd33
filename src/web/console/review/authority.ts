/**
 * The authority's console, applications side: an overview, every application with its state, the review
 * file, assigning an assessor (a declared conflict of interest is shown as the field's error) and the
 * decision to grant a level or refuse with reasons. Same use cases as the API (assignAssessor, decide).
 */
import type { FastifyInstance } from 'fastify';
import { assignAssessor, decide } from '../../../workflow/applications.js';
import type { Context } from '../../../workflow/context.js';
import { WorkflowError } from '../../../workflow/errors.js';
import { deskCounts } from '../../../workflow/review-desk.js';
import { pageActor } from '../../session.js';
import { NOTICES, renderFile, sendEvidence } from './file.js';
import { type FieldErrors, fieldErrorsOf, formBody, formVersion, reviewNotice, text } from './forms.js';
import { renderQueuePage } from './queue.js';
import { renderReview } from './view.js';

type Params = { Params: { id: string } };
const REASONS_MAX = 10_000;

export function registerAuthorityPages(app: FastifyInstance, ctx: Context) {
  app.get('/console/authority', async (request, reply) => {
    const actor = pageActor(request, 'authority');
    const counts = await deskCounts(ctx, actor);
    return renderReview(ctx, request, reply, 'console/review/authority', {
      title: 'review.authority.title',
      nav: 'console',
      breadcrumb: [{ key: 'common.nav.console', href: '/console' }, { key: 'review.authority.title' }],
      section: 'home',
      counts,
      reviewNotice: reviewNotice(request, NOTICES),
    });
  });

  app.get('/console/authority/applications', async (request, reply) =>
    renderQueuePage(ctx, request, reply, pageActor(request, 'authority'), {
      title: 'review.applications.title',
      breadcrumb: [
        { key: 'common.nav.console', href: '/console' },
        { key: 'review.authority.title', href: '/console/authority' },
        { key: 'review.applications.title' },
      ],
      role: 'authority',
      section: 'applications',
      action: '/console/authority/applications',
    }),
  );

  app.get<Params>('/console/authority/applications/:id', async (request, reply) => {
    const actor = pageActor(request, 'authority');
    return renderFile(ctx, request, reply, actor, 'authority', request.params.id);
  });

  app.get<{ Params: { id: string; evidenceId: string } }>(
    '/console/authority/applications/:id/evidence/:evidenceId',
    async (request, reply) => {
      const actor = pageActor(request, 'authority');
      return sendEvidence(ctx, reply, actor, request.params.id, request.params.evidenceId);
    },
  );

  app.post<Params>('/console/authority/applications/:id/assign', async (request, reply) => {
    const actor = pageActor(request, 'authority');
    const id = request.params.id;
    const body = formBody(request);
    const assessorId = text(body, 'assessorId').trim();
    const refuse = (errors: FieldErrors, status: number) =>
      renderFile(ctx, request, reply, actor, 'authority', id, {
        form: 'assign',
        errors,
        values: { assessorId },
        status,
      });
    if (!assessorId) return refuse({ assessorId: 'review.error.assessorRequired' }, 400);
    try {
      await assignAssessor(ctx, actor, id, assessorId, formVersion(body));
    } catch (error) {
      if (
        error instanceof WorkflowError &&
        error.kind === 'conflict' &&
        /assignment refused/.test(error.message)
      )
        return refuse({ assessorId: 'review.error.conflictOfInterest' }, 409);
      const fields = fieldErrorsOf(error, ['invalid'], (path) =>
        path === '$.assessorId' ? { field: 'assessorId', key: 'review.error.notAnAssessor' } : undefined,
      );
      if (fields) return refuse(fields, 400);
      if (error instanceof WorkflowError && error.kind === 'conflict' && /stale/.test(error.message))
        return refuse({ form: 'review.error.stale' }, 409);
      throw error;
    }
    return reply.redirect(`/console/authority/applications/${encodeURIComponent(id)}?notice=assigned`, 303);
  });

  app.post<Params>('/console/authority/applications/:id/decision', async (request, reply) => {
    const actor = pageActor(request, 'authority');
    const id = request.params.id;
    const body = formBody(request);
    const outcome = text(body, 'outcome');
    const level = text(body, 'level');
    const reasons = text(body, 'reasons').trim();
    const refuse = (errors: FieldErrors, status: number) =>
      renderFile(ctx, request, reply, actor, 'authority', id, {
        form: 'decision',
        errors,
        values: { outcome, level, reasons },
        status,
      });
    const errors: FieldErrors = {};
    if (outcome !== 'grant' && outcome !== 'refuse') errors.outcome = 'review.error.outcomeRequired';
    if (outcome === 'grant' && !level) errors.level = 'review.error.levelRequired';
    if (outcome === 'refuse' && !reasons) errors.reasons = 'review.error.reasonsRequired';
    if (reasons.length > REASONS_MAX) errors.reasons = 'review.error.reasonsTooLong';
    if (Object.keys(errors).length > 0) return refuse(errors, 400);
    let labelId: string | null = null;
    try {
      const result = await decide(
        ctx,
        actor,
        id,
        outcome === 'grant'
          ? { outcome: 'grant', level, ...(reasons ? { reasons } : {}) }
          : { outcome: 'refuse', reasons },
        formVersion(body),
      );
      labelId = result.labelId;
    } catch (error) {
      const refusedLevel = error instanceof WorkflowError && error.kind === 'conflict';
      const fields = fieldErrorsOf(error, ['invalid', 'conflict'], (path) => {
        if (path === '$.level')
          return {
            field: 'level',
            key: refusedLevel ? 'review.error.levelNotAttained' : 'review.error.levelUnknown',
          };
        if (path === '$.reasons') return { field: 'reasons', key: 'review.error.reasonsRequired' };
        return undefined;
      });
      if (fields) return refuse(fields, refusedLevel ? 409 : 400);
      if (error instanceof WorkflowError && error.kind === 'conflict' && /stale/.test(error.message))
        return refuse({ form: 'review.error.stale' }, 409);
      throw error;
    }
    return reply.redirect(
      labelId
        ? `/console/authority/labels/${encodeURIComponent(labelId)}?notice=granted`
        : `/console/authority/applications/${encodeURIComponent(id)}?notice=refused`,
      303,
    );
  });
}
