/**
 * The authority's console, labels side: every label with its state, and one label's page with its
 * history and the changes its state allows (suspend, reinstate, revoke), each with a written reason.
 * Same use case as the API (changeLabelState).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../../workflow/context.js';
import { WorkflowError } from '../../../workflow/errors.js';
import { changeLabelState, type LabelAction, type LabelState } from '../../../workflow/labels.js';
import { authorize } from '../../../workflow/policy.js';
import { labelDesk, labelFile } from '../../../workflow/review-desk.js';
import { pageActor } from '../../session.js';
import { NOTICES } from './file.js';
import {
  type FieldErrors,
  fieldErrorsOf,
  formBody,
  formVersion,
  PAGE_SIZE,
  pageNumber,
  query,
  reviewNotice,
  text,
} from './forms.js';
import { renderReview } from './view.js';

const LABEL_STATES: readonly LabelState[] = ['active', 'suspended', 'revoked'];
const ACTIONS: readonly LabelAction[] = ['suspend', 'reinstate', 'revoke'];
const DONE: Record<LabelAction, string> = {
  suspend: 'suspended',
  reinstate: 'reinstated',
  revoke: 'revoked',
};
const REASON_MAX = 2000;

export function registerLabelPages(app: FastifyInstance, ctx: Context) {
  app.get('/console/authority/labels', async (request, reply) => {
    const actor = pageActor(request, 'authority');
    const q = query(request);
    const errors: FieldErrors = {};
    const known = LABEL_STATES.includes(q.state as LabelState);
    if (q.state && !known) errors.state = 'review.error.stateUnknown';
    const page = pageNumber(q);
    const labels = await labelDesk(ctx, actor, {
      state: known ? (q.state as LabelState) : undefined,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    return renderReview(
      ctx,
      request,
      reply,
      'console/review/labels',
      {
        title: 'review.labels.title',
        nav: 'console',
        breadcrumb: [
          { key: 'common.nav.console', href: '/console' },
          { key: 'review.authority.title', href: '/console/authority' },
          { key: 'review.labels.title' },
        ],
        section: 'labels',
        labels,
        states: LABEL_STATES,
        state: known ? q.state : '',
        pageNo: page,
        errors,
      },
      Object.keys(errors).length ? 400 : 200,
    );
  });

  const show = async (
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    refused?: { action: LabelAction; errors: FieldErrors; reason: string; status: number },
  ) => {
    const actor = pageActor(request, 'authority');
    const file = await labelFile(ctx, actor, id);
    return renderReview(
      ctx,
      request,
      reply,
      'console/review/label',
      {
        title: 'review.label.title',
        titleParams: { offer: file.label.offer.name },
        nav: 'console',
        breadcrumb: [
          { key: 'common.nav.console', href: '/console' },
          { key: 'review.authority.title', href: '/console/authority' },
          { key: 'review.labels.title', href: '/console/authority/labels' },
          { label: file.label.offer.name },
        ],
        section: 'labels',
        file,
        refused: refused ?? null,
        errors: refused?.errors ?? {},
        reviewNotice: reviewNotice(request, NOTICES),
      },
      refused?.status ?? 200,
    );
  };

  app.get<{ Params: { id: string } }>('/console/authority/labels/:id', (request, reply) =>
    show(request, reply, request.params.id),
  );

  for (const action of ACTIONS) {
    app.post<{ Params: { id: string } }>(
      `/console/authority/labels/:id/${action}`,
      async (request, reply) => {
        // As the API route does: the role, and the write scope a change needs.
        const actor = authorize(pageActor(request, 'authority'), 'write', 'authority');
        const id = request.params.id;
        const body = formBody(request);
        const reason = text(body, 'reason').trim();
        const field = `reason-${action}`;
        const refuse = (errors: FieldErrors, status: number) =>
          show(request, reply, id, { action, errors, reason, status });
        if (!reason) return refuse({ [field]: 'review.error.reasonRequired' }, 400);
        if (reason.length > REASON_MAX) return refuse({ [field]: 'review.error.reasonTooLong' }, 400);
        const version = formVersion(body);
        try {
          await changeLabelState(ctx, {
            labelId: id,
            action,
            reason,
            actor: actor.userId,
            ...(version !== undefined ? { expectedVersion: version } : {}),
          });
        } catch (error) {
          const fields = fieldErrorsOf(error, ['invalid'], (path) =>
            path === '$.reason' ? { field, key: 'review.error.reasonRequired' } : undefined,
          );
          if (fields) return refuse(fields, 400);
          if (error instanceof WorkflowError && error.kind === 'conflict')
            return refuse({ form: 'review.error.labelChanged' }, 409);
          throw error;
        }
        return reply.redirect(
          `/console/authority/labels/${encodeURIComponent(id)}?notice=${DONE[action]}`,
          303,
        );
      },
    );
  }
}
