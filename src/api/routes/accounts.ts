/** Accounts: provider sign-up, login, tokens; organisations and users (authority); the audit trail. */
import type { FastifyInstance } from 'fastify';
import {
  createApiToken,
  createOrganisation,
  createUser,
  declareAssessorLink,
  getUser,
  listApiTokens,
  login,
  publicUser,
  revokeApiToken,
  validatePassword,
} from '../../workflow/accounts.js';
import { listAudit } from '../../workflow/audit.js';
import type { Context } from '../../workflow/context.js';
import { authorize, requireActor } from '../../workflow/policy.js';
import { bearer, createSession, destroySession, SESSION_COOKIE } from '../auth.js';
import { pageSchema } from '../http.js';

const country = { type: 'string', pattern: '^[A-Z]{2}$' } as const;
const registration = {
  type: 'object',
  additionalProperties: false,
  required: ['scheme', 'value'],
  properties: { scheme: { type: 'string', minLength: 2 }, value: { type: 'string', minLength: 1 } },
} as const;
const userFields = {
  email: { type: 'string', minLength: 3, maxLength: 254 },
  displayName: { type: 'string', minLength: 1, maxLength: 200 },
  password: { type: 'string', minLength: 12, maxLength: 1024 },
} as const;

export async function registerAccountRoutes(app: FastifyInstance, ctx: Context) {
  const loginLimit = {
    rateLimit: { max: ctx.config.rateLimitLogin, timeWindow: 60_000, allowList: () => false },
  };

  app.post<{
    Body: {
      organisation: { name: string; country?: string; registration?: { scheme: string; value: string } };
      user: { email: string; displayName: string; password: string };
    };
  }>(
    '/v1/signup',
    {
      config: loginLimit,
      schema: {
        tags: ['accounts'],
        summary: 'Create a provider organisation and its first user',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['organisation', 'user'],
          properties: {
            organisation: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: { name: { type: 'string', minLength: 1, maxLength: 300 }, country, registration },
            },
            user: {
              type: 'object',
              additionalProperties: false,
              required: ['email', 'displayName', 'password'],
              properties: userFields,
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { organisation, user } = request.body;
      validatePassword(user.password);
      const org = await createOrganisation(ctx, 'signup', {
        name: organisation.name,
        kind: 'provider',
        ...(organisation.country ? { country: organisation.country } : {}),
        ...(organisation.registration ? { registration: organisation.registration } : {}),
      });
      const created = await createUser(ctx, 'signup', { organisationId: org.id, ...user });
      return reply
        .code(201)
        .send({ organisation: { id: org.id, name: org.name, kind: org.kind }, user: publicUser(created) });
    },
  );

  app.post<{ Body: { email: string; password: string } }>(
    '/v1/auth/login',
    {
      config: loginLimit,
      schema: {
        tags: ['accounts'],
        summary: 'Log in with email and password; returns a session token (also set as an HttpOnly cookie)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['email', 'password'],
          properties: {
            email: { type: 'string', maxLength: 254 },
            password: { type: 'string', maxLength: 1024 },
          },
        },
      },
    },
    async (request, reply) => {
      const user = await login(ctx, request.body.email, request.body.password);
      const session = await createSession(ctx, user.id);
      reply.setCookie(SESSION_COOKIE, session.secret, {
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.publicUrl.startsWith('https:'),
        path: '/',
        expires: new Date(session.expiresAt),
      });
      return {
        token: session.secret,
        expiresAt: session.expiresAt,
        csrfToken: session.csrfToken,
        user: publicUser(user),
      };
    },
  );

  app.post(
    '/v1/auth/logout',
    { schema: { tags: ['accounts'], summary: 'End the current session' } },
    async (request, reply) => {
      requireActor(request.actor);
      const secret = bearer(request) ?? request.cookies[SESSION_COOKIE];
      if (secret) await destroySession(ctx, secret);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/me',
    { schema: { tags: ['accounts'], summary: 'The caller', security: [{ bearer: [] }] } },
    async (request) => {
      const a = requireActor(request.actor);
      return { ...publicUser(await getUser(ctx.store.db, a.userId)), scopes: a.scopes, via: a.via };
    },
  );

  app.post<{ Body: { name: string; scopes: Array<'read' | 'write'>; expiresAt?: string } }>(
    '/v1/tokens',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an API token for the caller (shown once)',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'scopes'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            scopes: { type: 'array', minItems: 1, items: { enum: ['read', 'write'] } },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    async (request, reply) => reply.code(201).send(await createApiToken(ctx, request.actor, request.body)),
  );

  app.get(
    '/v1/tokens',
    {
      schema: {
        tags: ['accounts'],
        summary: "The caller's API tokens (never their secrets)",
        security: [{ bearer: [] }],
      },
    },
    async (request) => ({
      items: await listApiTokens(ctx, request.actor),
    }),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/tokens/:id',
    { schema: { tags: ['accounts'], summary: 'Revoke an API token', security: [{ bearer: [] }] } },
    async (request, reply) => {
      await revokeApiToken(ctx, request.actor, request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{
    Body: {
      name: string;
      kind: 'provider' | 'assessor' | 'authority';
      country?: string;
      registration?: { scheme: string; value: string };
    };
  }>(
    '/v1/organisations',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create an organisation (authority)',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'kind'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 300 },
            kind: { enum: ['provider', 'assessor', 'authority'] },
            country,
            registration,
          },
        },
      },
    },
    async (request, reply) => {
      const a = authorize(request.actor, 'write', 'authority');
      const org = await createOrganisation(ctx, a.userId, request.body);
      return reply.code(201).send(org);
    },
  );

  app.get(
    '/v1/organisations',
    { schema: { tags: ['accounts'], summary: 'Organisations (authority)', security: [{ bearer: [] }] } },
    async (request) => {
      authorize(request.actor, 'read', 'authority');
      return { items: await ctx.store.db.selectFrom('organisations').selectAll().orderBy('name').execute() };
    },
  );

  app.post<{ Body: { organisationId: string; email: string; displayName: string; password?: string } }>(
    '/v1/users',
    {
      schema: {
        tags: ['accounts'],
        summary: "Create a user in an organisation (authority); the role follows the organisation's kind",
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['organisationId', 'email', 'displayName'],
          properties: { organisationId: { type: 'string' }, ...userFields },
        },
      },
    },
    async (request, reply) => {
      const a = authorize(request.actor, 'write', 'authority');
      return reply.code(201).send(publicUser(await createUser(ctx, a.userId, request.body)));
    },
  );

  app.get<{ Querystring: { role?: string } }>(
    '/v1/users',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Users (authority)',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: { role: { enum: ['provider', 'assessor', 'authority'] } },
        },
      },
    },
    async (request) => {
      authorize(request.actor, 'read', 'authority');
      let q = ctx.store.db.selectFrom('users').selectAll().orderBy('email');
      if (request.query.role) q = q.where('role', '=', request.query.role as 'provider');
      return { items: (await q.execute()).map(publicUser) };
    },
  );

  app.post<{ Body: { entityName: string; registrationValue?: string; note?: string } }>(
    '/v1/assessor/links',
    {
      schema: {
        tags: ['review'],
        summary:
          'Declare a link with an entity (assessor); assignments to applications involving it are refused',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['entityName'],
          properties: {
            entityName: { type: 'string', minLength: 1 },
            registrationValue: { type: 'string' },
            note: { type: 'string' },
          },
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await declareAssessorLink(ctx, request.actor, request.body)),
  );

  app.get<{
    Querystring: {
      subjectType?: string;
      subjectId?: string;
      after?: number;
      limit: number;
      format?: 'json' | 'ndjson';
    };
  }>(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit trail (authority), oldest first; `format=ndjson` for export',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          properties: {
            subjectType: { type: 'string' },
            subjectId: { type: 'string' },
            after: { type: 'integer', minimum: 0 },
            limit: { ...pageSchema.limit, maximum: 10000, default: 100 },
            format: { enum: ['json', 'ndjson'] },
          },
        },
      },
    },
    async (request, reply) => {
      authorize(request.actor, 'read', 'authority');
      const { subjectType, subjectId, after, limit, format } = request.query;
      const items = await listAudit(ctx.store.db, {
        limit,
        ...(subjectType ? { subjectType } : {}),
        ...(subjectId ? { subjectId } : {}),
        ...(after !== undefined ? { afterId: after } : {}),
      });
      if (format === 'ndjson') {
        return reply
          .type('application/x-ndjson')
          .header('content-disposition', 'attachment; filename="audit.ndjson"')
          .send(items.map((i) => JSON.stringify(i)).join('\n') + (items.length ? '\n' : ''));
      }
      return { items, next: items.length === limit ? items.at(-1)!.id : null };
    },
  );
}
