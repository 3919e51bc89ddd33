/**
 * The applications queue page, shared by the assessor (the applications assigned to them) and the
 * authority (every application): the use case decides what each role sees; the page only reads the state
 * filter and the page number.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Context } from '../../../workflow/context.js';
import { reviewQueue } from '../../../workflow/review-desk.js';
import type { PageModel } from '../../render.js';
import { isApplicationState, NOTICES } from './file.js';
import { type FieldErrors, PAGE_SIZE, pageNumber, query, reviewNotice } from './forms.js';
import { renderReview } from './view.js';

export async function renderQueuePage(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  actor: Actor,
  page: Pick<PageModel, 'title' | 'breadcrumb'> & {
    role: 'assessor' | 'authority';
    action: string;
    section?: string;
  },
) {
  const q = query(request);
  const errors: FieldErrors = {};
  if (q.state && !isApplicationState(q.state)) errors.state = 'review.error.stateUnknown';
  const state = isApplicationState(q.state) ? q.state : undefined;
  const pageNo = pageNumber(q);
  const queue = await reviewQueue(ctx, actor, { state, limit: PAGE_SIZE, offset: (pageNo - 1) * PAGE_SIZE });
  return renderReview(
    ctx,
    request,
    reply,
    'console/review/queue',
    {
      ...page,
      nav: 'console',
      queue,
      state: state ?? '',
      pageNo,
      errors,
      reviewNotice: reviewNotice(request, NOTICES),
    },
    Object.keys(errors).length ? 400 : 200,
  );
}
