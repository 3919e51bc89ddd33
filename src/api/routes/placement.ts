/**
 * Placement over HTTP: decisions with signed receipts (public), data classes (the referential's for
 * everyone, an organisation's own for its members) and the region catalogue (public).
 */
import type { FastifyInstance } from 'fastify';
import type { OrganisationClassInput } from '../../placement/classes.js';
import { PLACEMENT_RECEIPT_TYP } from '../../placement/receipt.js';
import type { Context } from '../../workflow/context.js';
import {
  decidePlacement,
  describeRegion,
  listRegions,
  MAX_LIST_LIMIT,
  type PlacementQuery,
} from '../../workflow/placement.js';
import { deleteDataClass, listDataClasses, saveDataClass } from '../../workflow/placement-classes.js';
import { cacheable } from '../http.js';

const tags = ['placement'];
const security = [{ bearer: [] }];
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });
const i18nOrText = (max: number) => ({
  anyOf: [
    text(max),
    {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { fr: text(max), en: text(max) },
    },
  ],
});

const decisionBody = {
  type: 'object',
  additionalProperties: false,
  required: ['class'],
  properties: {
    class: {
      ...text(63),
      description: 'Data class id: public, internal, personal, health, sensitive, or your own',
    },
    offer: { ...text(200), description: 'A labelled offer id; omit to list the eligible offers' },
    region: {
      ...text(100),
      description: "A region code: the offer's (with `offer`) or the cloud provider's (with `provider`)",
    },
    provider: {
      ...text(63),
      description: 'Cloud provider of the region: aws, azure, google, ovhcloud, outscale…',
    },
    lang: { enum: ['fr', 'en'], default: 'fr' },
    limit: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: 20 },
    seal: {
      anyOf: [text(200), { type: 'array', minItems: 1, maxItems: 8, items: text(40) }],
      description:
        'EU Cloud Sovereignty Framework gate: minimum proven SEAL level per objective, e.g. `SOV-2:3,SOV-3:3`',
    },
  },
} as const;

const classBody = {
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: {
    title: i18nOrText(200),
    description: i18nOrText(2000),
    extends: { ...text(63), description: 'A referential class whose requirements this one adds to' },
    minimumLevel: { ...text(63), description: 'baseline, eu-data or trusted' },
    territories: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: text(40),
      description: 'ISO 3166-1 alpha-2 codes or params.euCountries / params.eeaCountries',
    },
    certifications: { type: 'array', maxItems: 20, items: text(64) },
  },
} as const;

const classParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } },
} as const;

export async function registerPlacementRoutes(app: FastifyInstance, ctx: Context) {
  app.post<{ Body: PlacementQuery }>(
    '/v1/placement/decisions',
    {
      schema: {
        tags,
        summary:
          'May data of this class go on this offer or in this region? Each requirement with its reason, the eligible offers best first, and a signed receipt (JWS over the canonical JSON). `Accept: application/jwt` answers the bare receipt.',
        body: decisionBody,
      },
    },
    async (request, reply) => {
      const answer = await decidePlacement(ctx, request.actor, request.body);
      const accept = request.headers.accept ?? '';
      if (accept.includes('application/jwt') || accept.includes(PLACEMENT_RECEIPT_TYP))
        return reply.type('application/jwt').send(answer.jws);
      return { receipt: answer.receipt, jws: answer.jws };
    },
  );

  app.get(
    '/v1/placement/classes',
    {
      schema: {
        tags,
        security,
        summary:
          "The referential's data classes with their requirements, and your organisation's when signed in",
      },
    },
    async (request) => listDataClasses(ctx, request.actor),
  );

  app.put<{ Params: { id: string }; Body: OrganisationClassInput }>(
    '/v1/placement/classes/:id',
    {
      schema: {
        tags,
        security,
        summary:
          "Create or replace one of your organisation's data classes; `extends` builds on a referential class and can only make it stricter",
        params: classParams,
        body: classBody,
      },
    },
    async (request, reply) => {
      const saved = await saveDataClass(ctx, request.actor, request.params.id, request.body);
      return reply.code(saved.created ? 201 : 200).send(saved.dataClass);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/placement/classes/:id',
    {
      schema: {
        tags,
        security,
        summary: "Delete one of your organisation's data classes",
        params: classParams,
      },
    },
    async (request, reply) => {
      await deleteDataClass(ctx, request.actor, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/regions',
    {
      schema: { tags, summary: 'The region catalogue: providers, region codes, countries, cities, sources' },
    },
    async (request, reply) =>
      cacheable(
        request,
        reply,
        JSON.stringify({ items: listRegions() }),
        'application/json; charset=utf-8',
        3600,
      ),
  );

  app.get<{ Params: { provider: string; code: string } }>(
    '/v1/regions/:provider/:code',
    {
      schema: {
        tags,
        summary:
          'One provider region or zone: its country and city, and the labelled offers there with their levels',
        params: {
          type: 'object',
          required: ['provider', 'code'],
          properties: { provider: text(63), code: text(100) },
        },
      },
    },
    async (request) => describeRegion(ctx, request.params.provider, request.params.code),
  );
}
