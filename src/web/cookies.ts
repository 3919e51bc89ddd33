/** Cookie attributes of the pages: HttpOnly always, Secure when the service is reached over TLS. */
import type { FastifyRequest } from 'fastify';
import type { Context } from '../workflow/context.js';

/** Behind a TLS-terminating proxy the request looks plain, so the public URL decides too. */
export function overTls(ctx: Context, request: FastifyRequest): boolean {
  return request.protocol === 'https' || ctx.config.publicUrl.startsWith('https:');
}

export function cookieOptions(ctx: Context, request: FastifyRequest, sameSite: 'lax' | 'strict' = 'lax') {
  return { httpOnly: true, sameSite, secure: overTls(ctx, request), path: '/' } as const;
}
