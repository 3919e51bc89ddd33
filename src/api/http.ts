/** HTTP helpers shared by routes: conditional GETs, pagination. */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Sends a public, cacheable representation with an ETag; answers 304 when the client has it. */
export function cacheable(
  request: FastifyRequest,
  reply: FastifyReply,
  body: string,
  contentType: string,
  maxAgeSeconds: number,
  etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
) {
  reply
    .header('etag', etag)
    .header('cache-control', `public, max-age=${maxAgeSeconds}`)
    .header('vary', 'accept-encoding');
  const sent = request.headers['if-none-match'];
  if (sent?.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) {
    return reply.code(304).send();
  }
  return reply.type(contentType).send(body);
}

export interface Page {
  limit: number;
  offset: number;
}

export const pageSchema = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;

/** Parses `If-Match: "<version>"` (optimistic concurrency on versioned resources). */
export function ifMatch(request: FastifyRequest): number | undefined {
  const raw = request.headers['if-match'];
  if (!raw) return undefined;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(String(raw).trim());
  return m ? Number(m[1]) : Number.NaN;
}
