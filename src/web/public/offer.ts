/**
 * An offer's public page: its label, where it runs, who owns the provider, its French label level beside
 * the Gaia-X mapping and the EU SEAL levels, every criterion, how to verify.
 */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import { WorkflowError } from '../../workflow/errors.js';
import { offerSovereignty } from '../../workflow/interop.js';
import { getLabel } from '../../workflow/labels.js';
import { getRegistryOffer } from '../../workflow/registry.js';
import { renderPage, requestLang } from '../render.js';

export function registerOfferPage(app: FastifyInstance, ctx: Context) {
  app.get<{ Params: { id: string } }>('/offers/:id', async (request, reply) => {
    const offer = await getRegistryOffer(ctx, request.params.id);
    const label = await getLabel(ctx.store.db, offer.labelId);
    // The same view as GET /v1/registry/offers/:id/sovereignty; an offer without a readable declaration
    // (or a deployment without the framework's referential) simply has no such section.
    const sovereignty = await offerSovereignty(ctx, offer.offer.id, requestLang(request)).catch((err) => {
      if (err instanceof WorkflowError && err.kind === 'not-found') return null;
      throw err;
    });
    const referential = ctx.referentials.get(offer.referential.id, offer.referential.version);
    // Criteria in the referential's category order, each category with its title.
    const categories = referential.document.categories
      .map((c) => ({
        id: c.id,
        title: c.title,
        criteria: offer.evaluation.criteria.filter((k) => k.category === c.id),
      }))
      .filter((c) => c.criteria.length > 0);
    return renderPage(ctx, request, reply, 'public/offer', {
      title: 'public.offer.title',
      titleParams: { name: offer.offer.name },
      nav: 'home',
      breadcrumb: [
        { label: offer.provider.name, href: `/providers/${encodeURIComponent(offer.provider.id)}` },
        { label: offer.offer.name },
      ],
      offer,
      categories,
      sovereignty,
      credential: label.credential,
    });
  });
}
