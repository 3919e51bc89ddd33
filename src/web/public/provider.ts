/** A provider's public page: its labelled offers and the history of their labels. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import { getRegistryProvider } from '../../workflow/registry.js';
import { renderPage } from '../render.js';

export function registerProviderPage(app: FastifyInstance, ctx: Context) {
  app.get<{ Params: { id: string } }>('/providers/:id', async (request, reply) => {
    const view = await getRegistryProvider(ctx, request.params.id);
    return renderPage(ctx, request, reply, 'public/provider', {
      title: 'public.provider.title',
      titleParams: { name: view.provider.name },
      nav: 'home',
      breadcrumb: [{ label: view.provider.name }],
      view,
    });
  });
}
