/**
 * Sessions of the pages, on the API's sessions (src/api/auth.ts): the same `cfs_` secret in the same
 * HttpOnly cookie, so a page and a script of the same browser share one session and one CSRF token.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSession, destroySession, SESSION_COOKIE } from '../api/auth.js';
import { login } from '../workflow/accounts.js';
import type { Actor, Context, Role } from '../workflow/context.js';
import { forbidden } from '../workflow/errors.js';
import { cookieOptions } from './cookies.js';

export const SIGN_IN_PATH = '/sign-in';
/** Where a signed-in user lands: the consoles (src/web/console/) route each role from there. */
export const CONSOLE_PATH = '/console';

/** Thrown by a page that needs a signed-in user; the web error handler answers with a redirect. */
export class SignInRequired extends Error {
  constructor(readonly reason: 'sign-in-required' | 'session-expired') {
    super(reason);
    this.name = 'SignInRequired';
  }
}

/**
 * The signed-in user of a page, optionally of one of `roles`. Nobody signed in: SignInRequired (the
 * visitor is sent to the sign-in page and back here afterwards); the wrong role: a 403 page.
 */
export function pageActor(request: FastifyRequest, ...roles: Role[]): Actor {
  const actor = request.actor;
  if (!actor) {
    throw new SignInRequired(request.cookies[SESSION_COOKIE] ? 'session-expired' : 'sign-in-required');
  }
  if (roles.length > 0 && !roles.includes(actor.role))
    throw forbidden(`this page is for the ${roles.join(', ')} role`);
  return actor;
}

/** A local path to return to after signing in, never another site (`//host`, `/\host`). */
export function safeNext(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !/^\/(?![/\\])[^\s]*$/.test(next) || next.length > 2000) return fallback;
  return next;
}

/** Checks the password, opens a new session (never reusing one: no fixation) and sets its cookie. */
export async function signIn(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  email: string,
  password: string,
) {
  const user = await login(ctx, email, password);
  const previous = request.cookies[SESSION_COOKIE];
  if (previous) await destroySession(ctx, previous);
  const session = await createSession(ctx, user.id);
  reply.setCookie(SESSION_COOKIE, session.secret, {
    ...cookieOptions(ctx, request),
    expires: new Date(session.expiresAt),
  });
  return user;
}

export async function signOut(ctx: Context, request: FastifyRequest, reply: FastifyReply) {
  const secret = request.cookies[SESSION_COOKIE];
  if (secret) await destroySession(ctx, secret);
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
