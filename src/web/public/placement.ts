/**
 * "Where may this data go?": a data class, optionally an offer or a provider's region, answered by the
 * placement use case (src/workflow/placement.ts) with the reason for each requirement and a signed
 * receipt. A question, not a change: the form is a GET, so an answer can be bookmarked and shared.
 */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import { WorkflowError } from '../../workflow/errors.js';
import { decidePlacement, listRegions, type PlacementQuery } from '../../workflow/placement.js';
import { listDataClasses } from '../../workflow/placement-classes.js';
import { searchRegistry } from '../../workflow/registry.js';
import { one } from '../query.js';
import { pageContext, renderPage } from '../render.js';

/** `location` is `provider/region`, from the region list. */
type Query = Partial<Record<'class' | 'offer' | 'location', string | string[]>>;

/** Which form field a use case's error path belongs to. */
const FIELD: Record<string, string> = {
  '$.class': 'class',
  '$.offer': 'offer',
  '$.region': 'location',
  '$.provider': 'location',
};

export function registerPlacementPage(app: FastifyInstance, ctx: Context) {
  app.get<{ Querystring: Query }>('/placement', async (request, reply) => {
    const { lang } = await pageContext(ctx, request, reply);
    const query = request.query;
    const [classes, offers] = await Promise.all([
      listDataClasses(ctx, request.actor),
      searchRegistry(ctx, { limit: 100, sort: 'name' }),
    ]);
    const providers = listRegions();
    const form = {
      class: one(query.class) ?? '',
      offer: one(query.offer) ?? '',
      location: one(query.location) ?? '',
    };
    let answer = null;
    let errors: Record<string, string> = {};
    let details: Array<{ path: string; message: string }> = [];
    if (form.class) {
      const question: PlacementQuery = { class: form.class, lang, limit: 20 };
      if (form.offer) question.offer = form.offer;
      if (form.location) {
        const [provider, region] = form.location.split('/');
        if (provider) question.provider = provider;
        if (region) question.region = region;
      }
      try {
        answer = await decidePlacement(ctx, request.actor, question);
      } catch (err) {
        if (!(err instanceof WorkflowError) || err.kind !== 'invalid') throw err;
        details = err.details;
        errors = Object.fromEntries(
          (err.details.length ? err.details : [{ path: '$.class', message: '' }]).map((d) => [
            FIELD[d.path] ?? 'class',
            `public.placement.invalid.${FIELD[d.path] ?? 'class'}`,
          ]),
        );
      }
    }
    return renderPage(
      ctx,
      request,
      reply,
      'public/placement',
      {
        title: 'public.placement.title',
        nav: 'placement',
        breadcrumb: [{ key: 'public.placement.title' }],
        form,
        classes: classes.items.filter((c) => c.usable),
        offers: offers.items.map((o) => ({ id: o.offer.id, name: o.offer.name, provider: o.provider.name })),
        providers,
        answer,
        errors,
        details,
      },
      Object.keys(errors).length ? 400 : 200,
    );
  });
}
