/** The public side: registry search, offer and provider pages, label verification, the dashboard. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../workflow/context.js';
import { registerDashboardPage } from './dashboard.js';
import { registerHomePage } from './home.js';
import { registerOfferPage } from './offer.js';
import { registerPlacementPage } from './placement.js';
import { registerProviderPage } from './provider.js';
import { registerVerifyPage } from './verify.js';

export async function registerPublicPages(app: FastifyInstance, ctx: Context) {
  registerHomePage(app, ctx);
  registerOfferPage(app, ctx);
  registerProviderPage(app, ctx);
  registerVerifyPage(app, ctx);
  registerDashboardPage(app, ctx);
  registerPlacementPage(app, ctx);
}
