/**
 * "Verify a label": a pasted credential checked by the same use case as POST /v1/verify (signature,
 * issuer key, validity, live status, log inclusion).
 */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import { verifyOnline } from '../../workflow/publication.js';
import { renderPage } from '../render.js';

/** The API's limit for the same input (src/api/routes/public.ts). */
const MAX_CREDENTIAL = 65_536;

export function registerVerifyPage(app: FastifyInstance, ctx: Context) {
  const page = (extra: Record<string, unknown>) => ({
    title: 'public.verify.title',
    nav: 'verify',
    breadcrumb: [{ key: 'public.verify.title' }],
    credential: '',
    errors: {},
    result: null,
    ...extra,
  });

  app.get('/verify', async (request, reply) => renderPage(ctx, request, reply, 'public/verify', page({})));

  app.post<{ Body: { credential?: unknown } }>('/verify', async (request, reply) => {
    const raw = request.body?.credential;
    const credential = typeof raw === 'string' ? raw.trim() : '';
    if (!credential || credential.length > MAX_CREDENTIAL) {
      const error = credential ? 'public.verify.tooLong' : 'public.verify.missing';
      return renderPage(
        ctx,
        request,
        reply,
        'public/verify',
        page({ credential: credential.slice(0, MAX_CREDENTIAL), errors: { credential: error } }),
        400,
      );
    }
    const result = await verifyOnline(ctx, credential);
    return renderPage(ctx, request, reply, 'public/verify', page({ credential, result }));
  });
}
