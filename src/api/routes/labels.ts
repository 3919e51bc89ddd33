/** Labels: public view and credential; suspension, reinstatement and revocation by the authority. */
import type { FastifyInstance } from 'fastify';
import type { LabelTable } from '../../store/schema.js';
import type { Context } from '../../workflow/context.js';
import {
  changeLabelState,
  getLabel,
  type LabelAction,
  listLabels,
  publicState,
} from '../../workflow/labels.js';
import { authorize } from '../../workflow/policy.js';
import { suspendAfterGracePeriod } from '../../workflow/reevaluation.js';
import { cacheable, ifMatch, pageSchema } from '../http.js';

export function presentLabel(label: LabelTable, now: Date, origin: string) {
  return {
    id: label.id,
    offerId: label.offer_id,
    organisationId: label.organisation_id,
    level: label.level,
    state: publicState(label, now),
    stateReason: label.state_reason,
    flagged: label.flagged_at ? { at: label.flagged_at, reason: label.flag_reason } : null,
    validFrom: label.valid_from,
    validUntil: label.valid_until,
    referential: { id: label.referential_id, version: label.referential_version },
    credentialDigest: label.credential_digest,
    status: {
      revocation: {
        list: `${origin}/v1/status-lists/${label.revocation_list}`,
        index: Number(label.revocation_index),
      },
      suspension: {
        list: `${origin}/v1/status-lists/${label.suspension_list}`,
        index: Number(label.suspension_index),
      },
    },
    logIndex: Number(label.log_index),
    version: Number(label.row_version),
    links: {
      credential: `${origin}/v1/labels/${label.id}/credential`,
      inclusion: `${origin}/v1/labels/${label.id}/inclusion`,
      did: `${origin}/.well-known/did.json`,
    },
  };
}

const reasonBody = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
} as const;

export async function registerLabelRoutes(app: FastifyInstance, ctx: Context) {
  app.get<{ Params: { id: string } }>(
    '/v1/labels/:id',
    { schema: { tags: ['labels'], summary: 'A label: level, state, validity, status entries (public)' } },
    async (request, reply) => {
      const label = await getLabel(ctx.store.db, request.params.id);
      return cacheable(
        request,
        reply,
        JSON.stringify(presentLabel(label, ctx.clock(), ctx.issuer.origin)),
        'application/json',
        60,
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/labels/:id/credential',
    { schema: { tags: ['labels'], summary: 'The signed label credential (application/vc+jwt, public)' } },
    async (request, reply) => {
      const label = await getLabel(ctx.store.db, request.params.id);
      return cacheable(request, reply, label.credential, 'application/vc+jwt', 86400);
    },
  );

  app.get<{ Querystring: { state?: string; limit: number; offset: number } }>(
    '/v1/labels',
    {
      schema: {
        tags: ['labels'],
        summary: 'Labels of the caller (provider: its own; authority: all)',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: { state: { enum: ['active', 'suspended', 'revoked'] }, ...pageSchema },
        },
      },
    },
    async (request) => {
      const rows = await listLabels(ctx, request.actor, {
        ...request.query,
        state: request.query.state as LabelTable['state'] | undefined,
      });
      return { items: rows.map((l) => presentLabel(l, ctx.clock(), ctx.issuer.origin)) };
    },
  );

  for (const action of ['suspend', 'reinstate', 'revoke'] as LabelAction[]) {
    app.post<{ Params: { id: string }; Body: { reason: string } }>(
      `/v1/labels/:id/${action}`,
      {
        schema: {
          tags: ['labels'],
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} a label (authority), with a reason`,
          security: [{ bearer: [] }],
          body: reasonBody,
        },
      },
      async (request) => {
        const a = authorize(request.actor, 'write', 'authority');
        const expectedVersion = ifMatch(request);
        const label = await changeLabelState(ctx, {
          labelId: request.params.id,
          action,
          reason: request.body.reason,
          actor: a.userId,
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        });
        return presentLabel(label, ctx.clock(), ctx.issuer.origin);
      },
    );
  }

  app.post(
    '/v1/admin/sweep',
    {
      schema: {
        tags: ['labels'],
        summary: 'Suspend flagged labels whose grace period elapsed (authority)',
        security: [{ bearer: [] }],
      },
    },
    async (request) => {
      const a = authorize(request.actor, 'write', 'authority');
      return { suspended: await suspendAfterGracePeriod(ctx, a.userId) };
    },
  );
}
