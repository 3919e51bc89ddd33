/**
 * The provider console (`/console/provider/…`): offers and their declarations, the evaluation preview,
 * applications, evidence and labels, over the use cases of src/workflow/.
 */
import type { FastifyInstance } from 'fastify';
import { listApplications } from '../../../workflow/applications.js';
import type { Context } from '../../../workflow/context.js';
import { listOwnOffers } from '../../../workflow/declarations.js';
import { listProviderLabels } from '../../../workflow/provider-console.js';
import { renderPage } from '../../render.js';
import { pageActor } from '../../session.js';
import { registerApplicationPages } from './applications.js';
import { registerDeclarationPages } from './declarations.js';
import { registerOfferPages } from './offers.js';
import { applicationPath, HOME, offerPath } from './paths.js';

/** The home lists this many applications, newest first (a provider has a handful of offers). */
const APPLICATIONS_SHOWN = 100;

export async function registerProviderPages(app: FastifyInstance, ctx: Context) {
  app.get(HOME, async (request, reply) => {
    const actor = pageActor(request, 'provider');
    const [offers, applications, labels] = await Promise.all([
      listOwnOffers(ctx, actor),
      listApplications(ctx, actor, { limit: APPLICATIONS_SHOWN, offset: 0 }),
      listProviderLabels(ctx, actor),
    ]);
    const names = new Map(offers.map((o) => [o.id, o.name]));
    return renderPage(ctx, request, reply, 'console/provider/home', {
      title: 'console.provider.title',
      nav: 'console',
      breadcrumb: [{ key: 'common.nav.console', href: '/console' }, { key: 'console.provider.title' }],
      offers: offers.map((o) => ({ ...o, href: offerPath(o.id) })),
      applications: applications.map((a) => ({
        ...a,
        offerName: names.get(a.offerId) ?? a.offerId,
        href: applicationPath(a.id),
      })),
      labels: labels.map((l) => ({ ...l, offerName: names.get(l.offerId) ?? l.offerId })),
      newDeclaration: `${HOME}/declarations/new`,
    });
  });

  registerDeclarationPages(app, ctx);
  registerOfferPages(app, ctx);
  await registerApplicationPages(app, ctx);
}
