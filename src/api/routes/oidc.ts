/**
 * OpenID Connect login for people: registered only when OIDC_ISSUER is configured. The rules (flows, which
 * account an identity logs in as) are in workflow/oidc.ts; this adapter moves cookies and redirects.
 */
import type { FastifyInstance } from 'fastify';
import { publicUser } from '../../workflow/accounts.js';
import type { Context } from '../../workflow/context.js';
import { createOidcClient, finishOidcLogin, startOidcLogin } from '../../workflow/oidc.js';
import { createSession, SESSION_COOKIE } from '../auth.js';

const FLOW_COOKIE = 'confiance_oidc_flow';
const FLOW_COOKIE_PATH = '/v1/auth/oidc';

export async function registerOidcRoutes(app: FastifyInstance, ctx: Context) {
  if (!ctx.config.oidc) return;
  // Bad settings fail the start, not the first person who tries to log in.
  const oidc = createOidcClient(ctx.config.oidc);
  const secure = ctx.config.publicUrl.startsWith('https:');
  const loginLimit = {
    rateLimit: { max: ctx.config.rateLimitLogin, timeWindow: 60_000, allowList: () => false },
  };

  app.get<{ Querystring: { returnTo?: string } }>(
    '/v1/auth/oidc/login',
    {
      config: loginLimit,
      schema: {
        tags: ['accounts'],
        summary:
          'Log in with the identity provider: redirects to it; `returnTo` is a path on this service to come back to',
        querystring: { type: 'object', properties: { returnTo: { type: 'string', maxLength: 2048 } } },
      },
    },
    async (request, reply) => {
      const started = await startOidcLogin(ctx, oidc, request.query.returnTo);
      // SameSite=Lax: the provider sends the browser back with a top-level GET from its own site, which Lax
      // allows and Strict would not.
      reply.setCookie(FLOW_COOKIE, started.flowSecret, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: FLOW_COOKIE_PATH,
        maxAge: started.maxAgeSeconds,
      });
      return reply.header('cache-control', 'no-store').redirect(started.authorizationUrl, 302);
    },
  );

  app.get(
    '/v1/auth/oidc/callback',
    {
      config: loginLimit,
      // The query string holds the authorization code: keep it out of the access log.
      logLevel: 'warn',
      schema: {
        tags: ['accounts'],
        summary:
          'Where the identity provider sends the browser back. Sets the session cookie, then redirects to `returnTo`, ' +
          'or answers like POST /v1/auth/login with `accept: application/json`',
      },
    },
    async (request, reply) => {
      const flowSecret = request.cookies[FLOW_COOKIE];
      // One attempt per flow, successful or not: the cookie goes with it.
      reply.clearCookie(FLOW_COOKIE, { path: FLOW_COOKIE_PATH }).header('cache-control', 'no-store');
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      const { user, returnTo } = await finishOidcLogin(ctx, oidc, flowSecret, query);
      const session = await createSession(ctx, user.id);
      reply.setCookie(SESSION_COOKIE, session.secret, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        expires: new Date(session.expiresAt),
      });
      if (request.headers.accept?.includes('application/json')) {
        return {
          token: session.secret,
          expiresAt: session.expiresAt,
          csrfToken: session.csrfToken,
          user: publicUser(user),
        };
      }
      return reply.redirect(returnTo, 302);
    },
  );
}
