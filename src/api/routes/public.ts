/** Public reads for relying parties: the issuer's DID document, status lists, referentials, verification. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import { issuerDidDocument, signedStatusList, verifyOnlineJson } from '../../workflow/publication.js';
import { cacheable } from '../http.js';

/** A label credential is a few kilobytes; anything far larger is not one. */
const VERIFY_BODY_LIMIT = 65_536;

/**
 * The headers OWASP's REST Security Cheat Sheet lists for JSON APIs (HSTS, nosniff, a CSP that loads
 * nothing and cannot be framed, frame options, CORP); helmet's other headers only mean something for
 * HTML documents. The busiest public route sends these few instead of all of them.
 */
const JSON_API_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} as const;

export async function registerPublicRoutes(app: FastifyInstance, ctx: Context) {
  app.get(
    '/.well-known/did.json',
    { schema: { tags: ['public'], summary: 'DID document of the label authority (did:web)' } },
    async (request, reply) => {
      const doc = issuerDidDocument(ctx);
      return cacheable(request, reply, JSON.stringify(doc), 'application/did+json', 300);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/status-lists/:id',
    {
      schema: {
        tags: ['public'],
        summary: 'A signed Bitstring Status List credential (application/vc+jwt)',
        params: {
          type: 'object',
          properties: { id: { type: 'string', pattern: '^[a-z]+-[0-9]+$' } },
          required: ['id'],
        },
      },
    },
    async (request, reply) => {
      const signed = await signedStatusList(ctx, request.params.id);
      return cacheable(request, reply, signed.jwt, 'application/vc+jwt', 300, signed.etag);
    },
  );

  app.get(
    '/v1/referentials',
    { schema: { tags: ['public'], summary: 'Published referential versions' } },
    async () => ({
      items: ctx.referentials.list(),
    }),
  );

  app.get<{ Params: { id: string; version: string } }>(
    '/v1/referentials/:id/:version',
    {
      schema: { tags: ['public'], summary: 'One referential version (criteria, levels, parameters, rules)' },
    },
    async (request, reply) => {
      const compiled = ctx.referentials.get(request.params.id, request.params.version);
      return cacheable(request, reply, JSON.stringify(compiled.document), 'application/json', 3600);
    },
  );

  app.post<{ Body: { credential: string } }>(
    '/v1/verify',
    {
      // The body limit bounds the credential; a maxLength in the schema would count its characters one
      // by one on every request of the busiest public route.
      bodyLimit: VERIFY_BODY_LIMIT,
      config: { securityHeaders: JSON_API_HEADERS },
      schema: {
        tags: ['public'],
        summary: 'Verify a label credential: signature, issuer key, validity, live status, log inclusion',
        description: `The request body is limited to ${VERIFY_BODY_LIMIT} bytes.`,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['credential'],
          // `pattern` stops at the first visible character; minLength would count them all.
          properties: { credential: { type: 'string', pattern: '\\S' } },
        },
      },
    },
    async (request, reply) =>
      reply.type('application/json').send(await verifyOnlineJson(ctx, request.body.credential.trim())),
  );

  // A plain-text token is also accepted, as `curl --data-binary @label.jwt -H 'content-type: application/vc+jwt'`.
  app.addContentTypeParser(
    ['application/vc+jwt', 'application/jwt'],
    { parseAs: 'string' },
    (_req, body, done) => {
      done(null, { credential: String(body) });
    },
  );
}
