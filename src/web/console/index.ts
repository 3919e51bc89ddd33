/**
 * The consoles: `/console` sends each role to its own home, then one module per console registers its
 * pages. Signed-in pages only; who may do what is decided by the use cases (src/workflow/).
 */
import type { FastifyInstance } from 'fastify';
import type { Context, Role } from '../../workflow/context.js';
import { pageActor } from '../session.js';
import { registerProviderPages } from './provider/index.js';
import { registerReviewPages } from './review/index.js';

/** Each role's console home (the assessor's and the authority's are in ./review/). */
export const CONSOLE_HOMES: Record<Role, string> = {
  provider: '/console/provider',
  assessor: '/console/assessor',
  authority: '/console/authority',
};

export async function registerConsolePages(app: FastifyInstance, ctx: Context) {
  app.get('/console', async (request, reply) => {
    const actor = pageActor(request);
    return reply.redirect(CONSOLE_HOMES[actor.role], 303);
  });
  await registerProviderPages(app, ctx);
  // Assessor and authority consoles (./review/index.ts): one line below.
  await registerReviewPages(app, ctx);
}
