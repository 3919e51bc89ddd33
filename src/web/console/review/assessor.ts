/**
 * The assessor's console: the queue of applications assigned to them, each application's review file with
 * a verdict and a comment per criterion, and closing the review. The use cases are the API's
 * (recordVerdicts, completeReview); this file reads forms and picks templates.
 */
import type { FastifyInstance } from 'fastify';
import {
  completeReview,
  getApplication,
  recordVerdicts,
  type Verdict,
} from '../../../workflow/applications.js';
import type { Context } from '../../../workflow/context.js';
import { WorkflowError } from '../../../workflow/errors.js';
import { pageActor } from '../../session.js';
import { type FileState, renderFile, sendEvidence } from './file.js';
import { type FieldErrors, fieldErrorsOf, formBody, formVersion, text } from './forms.js';
import { renderQueuePage } from './queue.js';

type Params = { Params: { id: string } };
const VERDICTS: ReadonlyArray<Verdict['status']> = ['pass', 'fail', 'not-applicable'];
const COMMENT_MAX = 5000;

export function registerAssessorPages(app: FastifyInstance, ctx: Context) {
  app.get('/console/assessor', async (request, reply) =>
    renderQueuePage(ctx, request, reply, pageActor(request, 'assessor'), {
      title: 'review.queue.title',
      breadcrumb: [{ key: 'common.nav.console', href: '/console' }, { key: 'review.queue.title' }],
      role: 'assessor',
      action: '/console/assessor',
    }),
  );

  app.get<Params>('/console/assessor/applications/:id', async (request, reply) => {
    const actor = pageActor(request, 'assessor');
    return renderFile(ctx, request, reply, actor, 'assessor', request.params.id);
  });

  app.get<{ Params: { id: string; evidenceId: string } }>(
    '/console/assessor/applications/:id/evidence/:evidenceId',
    async (request, reply) => {
      const actor = pageActor(request, 'assessor');
      return sendEvidence(ctx, reply, actor, request.params.id, request.params.evidenceId);
    },
  );

  app.post<Params>('/console/assessor/applications/:id/verdicts', async (request, reply) => {
    const actor = pageActor(request, 'assessor');
    const id = request.params.id;
    const body = formBody(request);
    // The criteria this application was evaluated on, and the verdicts already given (404 unless assigned).
    const app = await getApplication(ctx, actor, id);
    const given = new Map(app.verdicts.map((v) => [v.criterionId, v]));
    const criteria = app.evaluation.criteria.map((c) => ({ id: c.id, verdict: given.get(c.id) }));
    const errors: FieldErrors = {};
    const values: Record<string, string> = {};
    const verdicts: Verdict[] = [];
    for (const c of criteria) {
      const status = text(body, `verdict.${c.id}`);
      const comment = text(body, `comment.${c.id}`).trim();
      values[`verdict-${c.id}`] = status;
      values[`comment-${c.id}`] = comment;
      if (comment.length > COMMENT_MAX) errors[`comment-${c.id}`] = 'review.error.commentTooLong';
      if (status === '') continue;
      if (!VERDICTS.includes(status as Verdict['status'])) {
        errors[`verdict-${c.id}`] = 'review.error.verdictUnknown';
        continue;
      }
      // Only what changed is sent: re-saving the form must not re-date every verdict already given.
      if (c.verdict && c.verdict.status === status && (c.verdict.comment ?? '') === comment) continue;
      verdicts.push({
        criterionId: c.id,
        status: status as Verdict['status'],
        ...(comment ? { comment } : {}),
      });
    }
    if (Object.keys(errors).length === 0 && verdicts.length === 0) errors.form = 'review.error.noVerdict';
    const refuse = (errs: FieldErrors, status: number) =>
      renderFile(ctx, request, reply, actor, 'assessor', id, {
        form: 'verdicts',
        errors: errs,
        values,
        status,
      });
    if (Object.keys(errors).length > 0) return refuse(errors, 400);
    try {
      await recordVerdicts(ctx, actor, id, verdicts, formVersion(body));
    } catch (error) {
      const fields = fieldErrorsOf(error, ['invalid'], (path) => {
        const m = /^\$\.verdicts\[(\d+)\]\.(comment|criterionId)$/.exec(path);
        const criterion = m ? verdicts[Number(m[1])]?.criterionId : undefined;
        if (!m || !criterion) return undefined;
        return m[2] === 'comment'
          ? { field: `comment-${criterion}`, key: 'review.error.overturnNeedsComment' }
          : { field: `verdict-${criterion}`, key: 'review.error.verdictUnknown' };
      });
      if (fields) return refuse(fields, 400);
      if (error instanceof WorkflowError && error.kind === 'conflict' && /stale/.test(error.message))
        return refuse({ form: 'review.error.stale' }, 409);
      throw error;
    }
    return reply.redirect(
      `/console/assessor/applications/${encodeURIComponent(id)}?notice=verdicts-recorded`,
      303,
    );
  });

  app.post<Params>('/console/assessor/applications/:id/complete', async (request, reply) => {
    const actor = pageActor(request, 'assessor');
    const id = request.params.id;
    try {
      await completeReview(ctx, actor, id, formVersion(formBody(request)));
    } catch (error) {
      if (error instanceof WorkflowError && error.kind === 'conflict') {
        const pending = /manual-review/.test(error.message);
        const state: FileState = {
          form: 'complete',
          errors: { form: pending ? 'review.error.pendingReviews' : 'review.error.stale' },
          values: {},
          status: 409,
        };
        return renderFile(ctx, request, reply, actor, 'assessor', id, state);
      }
      throw error;
    }
    return reply.redirect(`/console/assessor?notice=review-completed`, 303);
  });
}
