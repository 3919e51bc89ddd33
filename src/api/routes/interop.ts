/**
 * Interoperability over HTTP: Gaia-X import (draft declaration) and label export, OSCAL exports of
 * referentials and applications, and the EU Cloud Sovereignty Framework (SEAL) of a declaration or of a
 * registry offer. Thin: every rule is in src/workflow/interop.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Lang } from '../../referential/types.js';
import type { Context } from '../../workflow/context.js';
import {
  applicationAssessmentResults,
  assessDeclarationSovereignty,
  importGaiaxForActor,
  labelAsGaiax,
  offerSovereignty,
  referentialCatalog,
} from '../../workflow/interop.js';
import { cacheable } from '../http.js';

const lang = { type: 'string', enum: ['fr', 'en'], default: 'fr' } as const;
const langQuery = { type: 'object', additionalProperties: false, properties: { lang } } as const;

export async function registerInteropRoutes(app: FastifyInstance, ctx: Context) {
  app.post<{
    Body: { document: unknown; didDocuments?: Array<Record<string, unknown>>; allowUnsigned?: boolean };
    Querystring: { lang: Lang };
  }>(
    '/v1/interop/gaiax/import',
    {
      schema: {
        tags: ['interop'],
        summary:
          'Gaia-X credentials (22.10 presentation, 22.04/22.10 self-description) to a draft declaration: every field with its source, and what is left to declare',
        querystring: langQuery,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['document'],
          properties: {
            document: {
              type: 'object',
              description: 'The Gaia-X presentation, self-description or credential',
            },
            didDocuments: {
              type: 'array',
              maxItems: 50,
              items: { type: 'object' },
              description: "Issuers' DID documents, to check signatures (nothing is fetched)",
            },
            allowUnsigned: { type: 'boolean', default: false },
          },
        },
      },
    },
    async (request) =>
      importGaiaxForActor(ctx, request.actor, {
        document: request.body.document,
        ...(request.body.didDocuments ? { didDocuments: request.body.didDocuments } : {}),
        ...(request.body.allowUnsigned ? { allowUnsigned: true } : {}),
        lang: request.query.lang,
      }),
  );

  app.get<{ Params: { id: string; version: string }; Querystring: { lang: Lang } }>(
    '/v1/referentials/:id/:version/oscal',
    {
      schema: {
        tags: ['interop'],
        summary: 'A referential as an OSCAL 1.1 catalog (validated against the NIST schema; public)',
        querystring: langQuery,
      },
    },
    async (request, reply) => {
      const body = referentialCatalog(ctx, request.params.id, request.params.version, request.query.lang);
      return cacheable(request, reply, body, 'application/json', 3600);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/applications/:id/oscal',
    {
      schema: {
        tags: ['interop'],
        summary: "An application's evaluation and assessor's verdicts as OSCAL 1.1 assessment-results",
      },
    },
    async (request, reply) =>
      reply
        .type('application/json')
        .send(await applicationAssessmentResults(ctx, request.actor, request.params.id)),
  );

  app.get<{ Params: { id: string }; Querystring: { format: 'json' | 'jwt' } }>(
    '/v1/labels/:id/gaiax',
    {
      schema: {
        tags: ['interop'],
        summary:
          'A label as a Gaia-X-style label credential (level mapping, RFC 8785 SHA-256 digests of its inputs); `format=jwt` signed by the authority (public)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { format: { type: 'string', enum: ['json', 'jwt'], default: 'json' } },
        },
      },
    },
    async (request, reply) => {
      const out = await labelAsGaiax(ctx, request.params.id, request.query.format);
      return reply.type(out.contentType).send(out.body);
    },
  );

  const gateQuery = {
    type: 'object',
    additionalProperties: false,
    properties: {
      lang,
      gate: {
        type: 'string',
        maxLength: 200,
        description: 'Minimum SEAL per objective, e.g. SOV-2:3,SOV-3:3',
      },
      weights: { type: 'string', enum: ['framework', 'guidance'], default: 'framework' },
    },
  } as const;

  app.get<{
    Params: { id: string };
    Querystring: { lang: Lang; gate?: string; weights: 'framework' | 'guidance' };
  }>(
    '/v1/registry/offers/:id/sovereignty',
    {
      schema: {
        tags: ['registry'],
        summary:
          'A labelled offer side by side: French label level, Gaia-X label level mapping, EU Cloud Sovereignty Framework SEAL per objective and score (public)',
        querystring: gateQuery,
      },
    },
    async (request, reply) => {
      const view = await offerSovereignty(
        ctx,
        request.params.id,
        request.query.lang,
        request.query.gate,
        request.query.weights,
      );
      return cacheable(request, reply, JSON.stringify(view), 'application/json; charset=utf-8', 60);
    },
  );

  app.post<{
    Body: { declaration: unknown; answers?: unknown; gate?: string; weights?: 'framework' | 'guidance' };
    Querystring: { lang: Lang };
  }>(
    '/v1/sovereignty/assess',
    {
      schema: {
        tags: ['interop'],
        summary:
          'Assess a declaration against the EU Cloud Sovereignty Framework: SEAL per objective as bounds, weighted score, optional gate (nothing stored)',
        querystring: langQuery,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['declaration'],
          properties: {
            declaration: { type: 'object' },
            answers: {
              type: 'object',
              description: '{source, answers: {"SOV-2.4": 3}}: answers the declaration cannot give',
            },
            gate: { type: 'string', maxLength: 200 },
            weights: { type: 'string', enum: ['framework', 'guidance'] },
          },
        },
      },
    },
    async (request) => {
      const { assessment, gate } = assessDeclarationSovereignty(ctx, request.actor, {
        declaration: request.body.declaration,
        ...(request.body.answers !== undefined ? { answers: request.body.answers } : {}),
        ...(request.body.gate ? { gate: request.body.gate } : {}),
        ...(request.body.weights ? { weights: request.body.weights } : {}),
        lang: request.query.lang,
      });
      return gate ? { ...assessment, gate } : assessment;
    },
  );
}
