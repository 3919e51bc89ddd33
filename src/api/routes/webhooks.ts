/** Webhooks: relying parties subscribe to label status changes; the owner reads its delivery log. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import {
  createWebhook,
  deleteWebhook,
  LABEL_EVENT_TYPES,
  listDeliveries,
  listWebhooks,
  type NewWebhook,
  pingWebhook,
} from '../../workflow/webhooks.js';
import { pageSchema } from '../http.js';

const security = [{ bearer: [] }];
const tags = ['webhooks'];

const newWebhook = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'events'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2048, description: 'https, or http to a loopback host' },
    events: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...LABEL_EVENT_TYPES] } },
    offerIds: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 200 },
      description: 'only events about these offers; omit for every offer',
    },
  },
} as const;

export async function registerWebhookRoutes(app: FastifyInstance, ctx: Context) {
  app.post<{ Body: NewWebhook }>(
    '/v1/webhooks',
    {
      schema: {
        tags,
        security,
        summary: 'Subscribe a URL to label events; the signing secret is in this answer only',
        body: newWebhook,
      },
    },
    async (request, reply) => reply.code(201).send(await createWebhook(ctx, request.actor, request.body)),
  );

  app.get(
    '/v1/webhooks',
    { schema: { tags, security, summary: "The caller's webhooks (no secrets)" } },
    async (request) => ({
      items: await listWebhooks(ctx, request.actor),
    }),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        security,
        summary: 'Delete a webhook (its owner, or the authority); queued deliveries are cancelled',
      },
    },
    async (request, reply) => {
      await deleteWebhook(ctx, request.actor, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit: number; offset: number } }>(
    '/v1/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        security,
        summary: 'Delivery log, newest first: state, attempts with status codes, errors and times',
        querystring: { type: 'object', properties: pageSchema },
      },
    },
    async (request) => ({
      items: await listDeliveries(ctx, request.actor, request.params.id, request.query),
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/v1/webhooks/:id/test',
    { schema: { tags, security, summary: 'Queue a signed webhook.ping to this webhook' } },
    async (request, reply) => reply.code(202).send(await pingWebhook(ctx, request.actor, request.params.id)),
  );
}
