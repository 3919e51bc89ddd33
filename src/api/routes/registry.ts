/**
 * The public registry over HTTP: search with facets, an offer's page, a provider's page, exports and the
 * signed snapshot. Public and cacheable (ETag + Cache-Control); every rule is in src/workflow/registry.ts.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../workflow/context.js';
import {
  DEFAULT_LIMIT,
  MAX_LIMIT,
  MAX_OFFSET,
  PUBLIC_STATES,
  SORT_KEYS,
} from '../../workflow/registry/query.js';
import {
  ensureRegistryBuilt,
  exportRegistry,
  getRegistryOffer,
  getRegistryProvider,
  type RegistrySearchInput,
  registrySnapshot,
  searchRegistry,
} from '../../workflow/registry.js';
import { cacheable } from '../http.js';

const many = (description: string) => ({
  type: 'array',
  items: { type: 'string', maxLength: 2000 },
  description: `${description}. Repeat the parameter or separate values with commas; values of one parameter are alternatives.`,
});

const searchQuery = {
  type: 'object',
  properties: {
    q: {
      type: 'string',
      maxLength: 200,
      description:
        'Words of the offer or provider name; accents and case ignored, each word matches as a prefix',
    },
    level: many('Label level: baseline, eu-data, trusted'),
    country: many('ISO 3166-1 alpha-2 country of a certified region'),
    serviceModel: many('IaaS, CaaS, PaaS or SaaS'),
    provider: many('Provider id'),
    certification: many(
      'Certification `scheme` (any status) or `scheme:status`, e.g. `SecNumCloud:qualified`',
    ),
    state: many(`Public state: ${PUBLIC_STATES.join(', ')}`),
    seal: many(
      'Tender gate: minimum SEAL per EU Cloud Sovereignty Framework objective, e.g. `SOV-2:3,SOV-3:3`; every requirement must be proven by the declaration (values are all required, not alternatives)',
    ),
    sort: {
      type: 'string',
      enum: SORT_KEYS.flatMap((k) => [k, `-${k}`]),
      default: 'name',
      description: 'Order; `-` reverses it (level: strongest first)',
    },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
    offset: { type: 'integer', minimum: 0, maximum: MAX_OFFSET, default: 0 },
  },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/**
 * Search results are cached objects (the same instance for every hit of one search at one registry
 * version), so their JSON and its ETag are worked out once per instance.
 */
const rendered = new WeakMap<object, { body: string; etag: string }>();
function render(result: object) {
  let out = rendered.get(result);
  if (!out) {
    const body = JSON.stringify(result);
    out = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    rendered.set(result, out);
  }
  return out;
}

/** Conditional GET for bodies that are streamed: the ETag is known before the body exists. */
function notModified(
  request: FastifyRequest,
  reply: FastifyReply,
  etag: string,
  maxAgeSeconds: number,
): boolean {
  reply
    .header('etag', etag)
    .header('cache-control', `public, max-age=${maxAgeSeconds}`)
    .header('vary', 'accept-encoding');
  const sent = request.headers['if-none-match'];
  return Boolean(sent?.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`));
}

export async function registerRegistryRoutes(app: FastifyInstance, ctx: Context) {
  // A database that held labels before the registry existed gets its read model built once, here at start.
  await ensureRegistryBuilt(ctx.store.db, ctx.clock());

  app.get<{ Querystring: RegistrySearchInput }>(
    '/v1/registry/offers',
    {
      schema: {
        tags: ['registry'],
        summary: 'Search the labelled offers, with facet counts (each facet ignores its own filter)',
        querystring: searchQuery,
      },
    },
    async (request, reply) => {
      const { body, etag } = render(await searchRegistry(ctx, request.query));
      return cacheable(request, reply, body, 'application/json; charset=utf-8', 30, etag);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/registry/offers/:id',
    {
      schema: {
        tags: ['registry'],
        summary:
          "A labelled offer: label, regions, ownership summary, every criterion's result (fr, en) and verification links",
        params: idParams,
      },
    },
    async (request, reply) => {
      const view = await getRegistryOffer(ctx, request.params.id);
      return cacheable(request, reply, JSON.stringify(view), 'application/json; charset=utf-8', 60);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/registry/providers/:id',
    {
      schema: {
        tags: ['registry'],
        summary: "A provider's labelled offers and the history of their labels",
        params: idParams,
      },
    },
    async (request, reply) => {
      const view = await getRegistryProvider(ctx, request.params.id);
      return cacheable(request, reply, JSON.stringify(view), 'application/json; charset=utf-8', 60);
    },
  );

  for (const format of ['json', 'csv'] as const) {
    app.get(
      `/v1/registry/export.${format}`,
      {
        schema: {
          tags: ['registry'],
          summary:
            format === 'csv'
              ? 'The whole registry as CSV (RFC 4180, header row, one row per offer), streamed'
              : 'The whole registry as JSON (`{generatedAt, items}`), streamed',
        },
      },
      async (request, reply) => {
        const exported = await exportRegistry(ctx, format);
        if (notModified(request, reply, exported.etag, 300)) return reply.code(304).send();
        if (format === 'csv') reply.header('content-disposition', 'attachment; filename="registry.csv"');
        return reply.type(exported.contentType).send(Readable.from(exported.chunks()));
      },
    );
  }

  app.get(
    '/v1/registry/snapshot',
    {
      schema: {
        tags: ['registry'],
        summary:
          'The whole registry signed by the authority (compact JWS, typ application/registry-snapshot+jwt) for offline use',
      },
    },
    async (request, reply) => {
      const snapshot = await registrySnapshot(ctx);
      return cacheable(request, reply, snapshot.jws, 'application/jwt', 300, snapshot.etag);
    },
  );
}
