/**
 * The HTTP API: a thin adapter over the use cases. It parses and checks input, resolves the caller,
 * calls a use case and renders its result; every rule lives in src/workflow/.
 */
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Context } from '../workflow/context.js';
import { resolveActor, SESSION_COOKIE } from './auth.js';
import { errorHandler, sendError } from './errors.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerApplicationRoutes } from './routes/applications.js';
import { registerInteropRoutes } from './routes/interop.js';
import { registerLabelRoutes } from './routes/labels.js';
import { registerLogRoutes } from './routes/log.js';
import { registerOidcRoutes } from './routes/oidc.js';
import { registerPlacementRoutes } from './routes/placement.js';
import { registerPublicRoutes } from './routes/public.js';
import { registerRegistryRoutes } from './routes/registry.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { registerSecurityHeaders } from './security-headers.js';

export interface ServerOptions {
  logger?: boolean | object;
  /** Extra plugins (the web pages) registered after the API. */
  extend?: (app: FastifyInstance) => Promise<void> | void;
  /** Answers requests no route matched (the web pages answer browsers with a page); a JSON 404 by default. */
  notFound?: (request: FastifyRequest, reply: FastifyReply) => unknown;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function buildServer(ctx: Context, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimit,
    trustProxy: false,
    // Ajv reports every failing field, not only the first.
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array' } },
    requestIdHeader: 'x-request-id',
  });
  // JSON routes take JSON only: Fastify's default text/plain parser would hand them a string (a 400 at best),
  // and text/plain is what a cross-site form can send without a preflight. Routes that take other types
  // (evidence, YAML referentials, raw credentials) declare their own parsers.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(
    options.notFound ??
      ((request, reply) => sendError(reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  registerSecurityHeaders(app, {
    // The API serves JSON; the docs page needs its own scripts and styles, served from this origin.
    // Pages with other needs set `config.securityHeaders` (see security-headers.ts).
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: true,
    max: ctx.config.rateLimitAnonymous,
    timeWindow: 60_000,
    // Authenticated callers are accountable and limited by their tokens' scopes; anonymous reads are not.
    allowList: (request) => Boolean(request.headers.authorization),
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'too_many_requests',
      message: `rate limit of ${context.max} requests per minute exceeded, retry in ${Math.ceil(context.ttl / 1000)} s`,
      details: [],
    }),
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const { actor, invalid } = await resolveActor(ctx, request);
    if (invalid) return sendError(reply, 401, 'invalid, expired or revoked credentials');
    request.actor = actor;
    // Cookie-authenticated writes must prove they come from our pages (CSRF); bearer tokens cannot be
    // sent by a third-party page, so they need no such proof.
    if (actor && request.session && !request.headers.authorization && UNSAFE.has(request.method)) {
      const sent =
        request.headers['x-csrf-token'] ?? (request.body as Record<string, unknown> | undefined)?._csrf;
      if (sent !== request.session.csrfToken) return sendError(reply, 403, 'missing or wrong CSRF token');
    }
  };
  app.addHook('preHandler', (request, reply, done) => {
    // Most public reads carry no credentials at all: let them through without a promise round trip.
    if (!request.headers.authorization && !request.cookies?.[SESSION_COOKIE]) {
      request.session = null;
      request.actor = null;
      return done();
    }
    authenticate(request, reply).then(() => {
      if (!reply.sent) done();
    }, done);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'confiance API',
        version: '1',
        description:
          'The "cloud de confiance" label authority: declarations, applications, review, decisions, labels, ' +
          'status lists, transparency log and public registry. Errors are `{ error, message, details: [{ path, message }] }`.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'API token (cfc_…) or session token (cfs_…)',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await registerPublicRoutes(app, ctx);
  await registerLogRoutes(app, ctx);
  await registerAccountRoutes(app, ctx);
  if (ctx.config.oidc) await registerOidcRoutes(app, ctx);
  await registerApplicationRoutes(app, ctx);
  await registerLabelRoutes(app, ctx);
  await registerRegistryRoutes(app, ctx);
  await registerWebhookRoutes(app, ctx);
  await registerInteropRoutes(app, ctx);
  await registerPlacementRoutes(app, ctx);
  if (options.extend) await options.extend(app);
  return app;
}
