/**
 * CSRF protection of the forms. A signed-in page posts its session's token, which the API's preHandler
 * (src/api/server.ts) already checks for every cookie-authenticated write. Forms that anonymous visitors
 * post (sign in, verify a label) carry a token that must equal an HttpOnly, SameSite=Strict cookie
 * (double submit): a third-party page can neither read the cookie nor make the browser send it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../workflow/context.js';
import { cookieOptions } from './cookies.js';

export const CSRF_COOKIE = 'confiance_csrf';
export const CSRF_FIELD = '_csrf';

const issued = new WeakMap<FastifyRequest, string>();

/** The token a form of this page must carry; sets the anonymous cookie the first time. */
export function csrfToken(ctx: Context, request: FastifyRequest, reply: FastifyReply): string {
  if (request.session) return request.session.csrfToken;
  const existing = issued.get(request) ?? request.cookies[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{32}$/.test(existing)) return existing;
  const token = randomBytes(24).toString('base64url');
  issued.set(request, token);
  reply.setCookie(CSRF_COOKIE, token, cookieOptions(ctx, request, 'strict'));
  return token;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * True when an anonymous form post proves it comes from our pages. Signed-in posts are checked against
 * the session's token by the API preHandler before this runs; bearer-authenticated requests cannot be
 * forged by a third-party page and need no proof.
 */
export function anonymousPostIsGenuine(request: FastifyRequest): boolean {
  if (request.session || request.headers.authorization) return true;
  const cookie = request.cookies[CSRF_COOKIE];
  const sent = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
  return typeof cookie === 'string' && typeof sent === 'string' && cookie.length > 0 && same(cookie, sent);
}
