/**
 * Who is calling: an API token or a session token (`Authorization: Bearer …`), or the session cookie set
 * by the web pages. Anonymous requests get a null actor; use cases decide whether that is enough.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { actorFor, authenticateToken, TOKEN_PREFIX } from '../workflow/accounts.js';
import type { Actor, Context } from '../workflow/context.js';

export const SESSION_PREFIX = 'cfs_';
export const SESSION_COOKIE = 'confiance_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    session: { idHash: string; csrfToken: string } | null;
  }
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export async function createSession(ctx: Context, userId: string) {
  const secret = SESSION_PREFIX + randomBytes(32).toString('base64url');
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlMinutes * 60_000);
  const csrfToken = randomBytes(24).toString('base64url');
  await ctx.store.db
    .insertInto('sessions')
    .values({
      id_hash: hash(secret),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    })
    .execute();
  return { secret, expiresAt: expiresAt.toISOString(), csrfToken };
}

export async function destroySession(ctx: Context, secret: string) {
  await ctx.store.db.deleteFrom('sessions').where('id_hash', '=', hash(secret)).execute();
}

async function sessionActor(ctx: Context, secret: string) {
  const row = await ctx.store.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('users')
    .select(['sessions.id_hash', 'sessions.csrf_token', 'sessions.expires_at'])
    .where('sessions.id_hash', '=', hash(secret))
    .executeTakeFirst();
  if (!row || row.disabled_at || new Date(row.expires_at).getTime() <= ctx.clock().getTime()) return null;
  return { actor: actorFor(row, 'session'), session: { idHash: row.id_hash, csrfToken: row.csrf_token } };
}

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/** Resolves the actor; a presented but invalid credential is remembered so the route can answer 401. */
export async function resolveActor(
  ctx: Context,
  request: FastifyRequest,
): Promise<{ actor: Actor | null; invalid: boolean }> {
  request.session = null;
  const token = bearer(request);
  if (token) {
    if (token.startsWith(TOKEN_PREFIX)) {
      const actor = await authenticateToken(ctx.store.db, token, ctx.clock());
      return { actor, invalid: actor === null };
    }
    if (token.startsWith(SESSION_PREFIX)) {
      const found = await sessionActor(ctx, token);
      if (found) request.session = found.session;
      return { actor: found?.actor ?? null, invalid: found === null };
    }
    return { actor: null, invalid: true };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  if (cookie) {
    const found = await sessionActor(ctx, cookie);
    if (found) {
      request.session = found.session;
      return { actor: found.actor, invalid: false };
    }
  }
  return { actor: null, invalid: false };
}
