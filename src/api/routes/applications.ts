/** Declarations, applications, evidence, review and decisions: the label workflow over HTTP. */
import type { FastifyInstance } from 'fastify';
import {
  assignAssessor,
  completeReview,
  decide,
  getApplication,
  listApplications,
  recordVerdicts,
  submitApplication,
  type Verdict,
  withdrawApplication,
} from '../../workflow/applications.js';
import type { Context } from '../../workflow/context.js';
import { listOwnOffers, readDeclaration, saveDeclaration } from '../../workflow/declarations.js';
import { invalid } from '../../workflow/errors.js';
import { readEvidence, uploadEvidence } from '../../workflow/evidence.js';
import { publishReferentialVersion } from '../../workflow/referential-history.js';
import { ifMatch, pageSchema } from '../http.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 128 } },
} as const;
const bearerOnly = [{ bearer: [] }];

function versionOption(request: Parameters<typeof ifMatch>[0]) {
  const v = ifMatch(request);
  if (v !== undefined && Number.isNaN(v))
    throw invalid('bad If-Match header', [{ path: 'If-Match', message: 'expected "<version>"' }]);
  return v;
}

export async function registerApplicationRoutes(app: FastifyInstance, ctx: Context) {
  app.post(
    '/v1/declarations',
    {
      schema: {
        tags: ['declarations'],
        summary:
          'Save a new version of an offer declaration (provider). Body: declaration format v1. `If-Match: "<version>"` guards against overwriting',
        security: bearerOnly,
      },
    },
    async (request, reply) => {
      const expectedVersion = versionOption(request);
      const saved = await saveDeclaration(
        ctx,
        request.actor,
        request.body,
        expectedVersion !== undefined ? { expectedVersion } : {},
      );
      return reply.code(201).header('etag', `"${saved.version}"`).send(saved);
    },
  );

  app.get(
    '/v1/offers',
    {
      schema: {
        tags: ['declarations'],
        summary: "The caller's offers (provider) or all (authority)",
        security: bearerOnly,
      },
    },
    async (request) => ({
      items: await listOwnOffers(ctx, request.actor),
    }),
  );

  app.get<{ Params: { id: string }; Querystring: { version?: number } }>(
    '/v1/offers/:id/declaration',
    {
      schema: {
        tags: ['declarations'],
        summary: 'A declaration version (latest by default)',
        security: bearerOnly,
        params: idParams,
        querystring: { type: 'object', properties: { version: { type: 'integer', minimum: 1 } } },
      },
    },
    async (request, reply) => {
      const d = await readDeclaration(ctx, request.actor, request.params.id, request.query.version);
      return reply.header('etag', `"${d.latestVersion}"`).send(d);
    },
  );

  app.post<{ Body: { offerId: string; targetLevel: string; dataClass?: string } }>(
    '/v1/applications',
    {
      schema: {
        tags: ['applications'],
        summary:
          "Apply for a label for an offer's latest declaration (provider); the automated evaluation is stored",
        security: bearerOnly,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['offerId', 'targetLevel'],
          properties: {
            offerId: { type: 'string' },
            targetLevel: { type: 'string' },
            dataClass: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) => {
      const created = await submitApplication(ctx, request.actor, request.body);
      return reply.code(201).send(await getApplication(ctx, request.actor, created.id));
    },
  );

  app.get<{ Querystring: { state?: string; limit: number; offset: number } }>(
    '/v1/applications',
    {
      schema: {
        tags: ['applications'],
        summary: 'Applications visible to the caller: own (provider), assigned (assessor), all (authority)',
        security: bearerOnly,
        querystring: {
          type: 'object',
          properties: {
            state: { enum: ['submitted', 'in-review', 'reviewed', 'granted', 'refused', 'withdrawn'] },
            ...pageSchema,
          },
        },
      },
    },
    async (request) => ({ items: await listApplications(ctx, request.actor, request.query) }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/applications/:id',
    {
      schema: {
        tags: ['applications'],
        summary: 'An application with its evaluation, verdicts, evidence and decision',
        security: bearerOnly,
        params: idParams,
      },
    },
    async (request, reply) => {
      const application = await getApplication(ctx, request.actor, request.params.id);
      return reply.header('etag', `"${application.version}"`).send(application);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/applications/:id/withdraw',
    {
      schema: {
        tags: ['applications'],
        summary: 'Withdraw an application before the decision (provider)',
        security: bearerOnly,
        params: idParams,
      },
    },
    async (request) => {
      const v = versionOption(request);
      await withdrawApplication(ctx, request.actor, request.params.id, v);
      return getApplication(ctx, request.actor, request.params.id);
    },
  );

  app.post<{ Params: { id: string }; Body: { assessorId: string } }>(
    '/v1/applications/:id/assign',
    {
      schema: {
        tags: ['review'],
        summary:
          'Assign an assessor (authority); refused when the assessor declared a link with the provider or its owners',
        security: bearerOnly,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['assessorId'],
          properties: { assessorId: { type: 'string' } },
        },
      },
    },
    async (request) => {
      await assignAssessor(
        ctx,
        request.actor,
        request.params.id,
        request.body.assessorId,
        versionOption(request),
      );
      return getApplication(ctx, request.actor, request.params.id);
    },
  );

  app.post<{ Params: { id: string }; Body: { verdicts: Verdict[] } }>(
    '/v1/applications/:id/verdicts',
    {
      schema: {
        tags: ['review'],
        summary:
          'Record verdicts per criterion (assigned assessor); overturning an automated result needs a comment',
        security: bearerOnly,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['verdicts'],
          properties: {
            verdicts: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['criterionId', 'status'],
                properties: {
                  criterionId: { type: 'string' },
                  status: { enum: ['pass', 'fail', 'not-applicable'] },
                  comment: { type: 'string', maxLength: 5000 },
                },
              },
            },
          },
        },
      },
    },
    async (request) => {
      await recordVerdicts(
        ctx,
        request.actor,
        request.params.id,
        request.body.verdicts,
        versionOption(request),
      );
      return getApplication(ctx, request.actor, request.params.id);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/applications/:id/complete-review',
    {
      schema: {
        tags: ['review'],
        summary: 'Close the review once every manual-review criterion is decided (assigned assessor)',
        security: bearerOnly,
        params: idParams,
      },
    },
    async (request) => {
      await completeReview(ctx, request.actor, request.params.id, versionOption(request));
      return getApplication(ctx, request.actor, request.params.id);
    },
  );

  app.post<{
    Params: { id: string };
    Body: { outcome: 'grant' | 'refuse'; level?: string; reasons?: string };
  }>(
    '/v1/applications/:id/decision',
    {
      schema: {
        tags: ['review'],
        summary: 'Grant a level (issues the label) or refuse with reasons (authority)',
        security: bearerOnly,
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['outcome'],
          properties: {
            outcome: { enum: ['grant', 'refuse'] },
            level: { type: 'string' },
            reasons: { type: 'string', maxLength: 10000 },
          },
        },
      },
    },
    async (request) => {
      const { outcome, level, reasons } = request.body;
      if (outcome === 'grant' && !level)
        throw invalid('level required', [{ path: '$.level', message: 'the level granted' }]);
      const result = await decide(
        ctx,
        request.actor,
        request.params.id,
        outcome === 'grant'
          ? { outcome, level: level!, ...(reasons ? { reasons } : {}) }
          : { outcome, reasons: reasons ?? '' },
        versionOption(request),
      );
      return {
        application: await getApplication(ctx, request.actor, request.params.id),
        labelId: result.labelId,
      };
    },
  );

  await app.register(async (scope) => {
    // Evidence is uploaded as the raw file (`curl --data-binary @file.pdf -H 'content-type: application/pdf'`),
    // so this scope reads any body as bytes, up to the evidence limit.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: ctx.config.evidenceMaxBytes },
      (_req, body, done) => done(null, body),
    );
    scope.post<{ Params: { id: string }; Querystring: { filename: string; criterionId?: string } }>(
      '/v1/applications/:id/evidence',
      {
        bodyLimit: ctx.config.evidenceMaxBytes,
        schema: {
          tags: ['applications'],
          summary:
            'Upload an evidence file (provider); stored content-addressed, only its SHA-256 leaves the service',
          security: bearerOnly,
          params: idParams,
          querystring: {
            type: 'object',
            required: ['filename'],
            properties: {
              filename: { type: 'string', minLength: 1, maxLength: 200 },
              criterionId: { type: 'string' },
            },
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body))
          throw invalid('file content required', [
            { path: 'body', message: 'send the file as the request body' },
          ]);
        const stored = await uploadEvidence(ctx, request.actor, {
          applicationId: request.params.id,
          filename: request.query.filename,
          mediaType: request.headers['content-type'] ?? 'application/octet-stream',
          content: body,
          ...(request.query.criterionId ? { criterionId: request.query.criterionId } : {}),
        });
        return reply.code(201).send(stored);
      },
    );
  });

  app.get<{ Params: { id: string; evidenceId: string } }>(
    '/v1/applications/:id/evidence/:evidenceId',
    {
      schema: {
        tags: ['applications'],
        summary: 'Download an evidence file (owning provider, assigned assessor, authority)',
        security: bearerOnly,
      },
    },
    async (request, reply) => {
      const file = await readEvidence(ctx, request.actor, request.params.id, request.params.evidenceId);
      return reply
        .type(file.mediaType)
        .header('content-disposition', `attachment; filename="${file.filename.replace(/"/g, '')}"`)
        .header('x-content-sha256', file.digest)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(file.content));
    },
  );

  await app.register(async (scope) => {
    scope.addContentTypeParser(
      ['application/yaml', 'application/x-yaml', 'text/yaml'],
      { parseAs: 'string' },
      (_req, body, done) => done(null, body),
    );
    scope.post(
      '/v1/referentials',
      {
        schema: {
          tags: ['referentials'],
          summary:
            'Publish a new referential version (authority; YAML or JSON body). Labels are re-evaluated against it',
          security: bearerOnly,
        },
      },
      async (request, reply) => {
        const text = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
        return reply.code(201).send(await publishReferentialVersion(ctx, request.actor, text));
      },
    );
  });
}
