/**
 * The web pages: an encapsulated Fastify plugin over the same use cases as the API. Registered through
 * buildServer's `extend` option (see `webServerOptions`), so `confiance serve` and the tests that ask for
 * it serve the API and the pages from one process.
 *
 * What the plugin adds to its own routes only: form bodies (the API stays JSON), DSFR and app assets, the
 * anonymous CSRF check, HTML error pages, and pages left out of the OpenAPI document.
 */
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { ServerOptions } from '../api/server.js';
import type { Context } from '../workflow/context.js';
import { registerAuthPages } from './auth-pages.js';
import { registerConsolePages } from './console/index.js';
import { anonymousPostIsGenuine } from './csrf.js';
import { errorPage, jsonErrorsAsPages, notFoundHandler, pageErrorHandler } from './errors.js';
import { registerPublicPages } from './public/index.js';
import { APP_PREFIX, ASSETS_DIR, DSFR_DIR, DSFR_PREFIX } from './render.js';

/**
 * Only what the pages use from DSFR's dist: the stylesheet, scripts, fonts, icons and favicons
 * (not the 60 MB of sources, examples and legacy builds).
 */
const DSFR_FILES =
  /^\/(dsfr\.min\.css|dsfr\.module\.min\.js|dsfr\.nomodule\.min\.js|utility\/icons\/icons\.min\.css|fonts\/[\w-]+\.woff2?|icons\/[\w-]+\/[\w-]+\.svg|favicon\/[\w.-]+\.(svg|png|ico|webmanifest))$/;

export async function webPages(app: FastifyInstance, ctx: Context) {
  // Pages are not API routes: they stay out of /openapi.json.
  app.addHook('onRoute', (route) => {
    route.schema = { ...(route.schema ?? {}), hide: true };
  });
  await app.register(formbody);
  await app.register(fastifyStatic, {
    root: DSFR_DIR,
    prefix: DSFR_PREFIX,
    allowedPath: (path) => DSFR_FILES.test(path),
    maxAge: '365d',
    immutable: true,
    index: false,
    wildcard: true,
  });
  await app.register(fastifyStatic, {
    root: ASSETS_DIR,
    prefix: APP_PREFIX,
    decorateReply: false,
    // Links carry the file's hash (?v=…), so a new version is a new URL.
    maxAge: '365d',
    immutable: true,
    index: false,
  });

  app.setErrorHandler(pageErrorHandler(ctx));
  app.addHook('onSend', jsonErrorsAsPages(ctx));
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST' && !anonymousPostIsGenuine(request)) {
      return errorPage(ctx, request, reply, { status: 403, message: 'missing or wrong CSRF token' });
    }
  });

  await registerAuthPages(app, ctx);
  // One line per area of pages: `register…Pages(app, ctx)` from its own folder.
  await registerPublicPages(app, ctx);
  await registerConsolePages(app, ctx);
}

/** buildServer options that serve the pages with the API: `buildServer(ctx, webServerOptions(ctx))`. */
export function webServerOptions(ctx: Context): Required<Pick<ServerOptions, 'extend' | 'notFound'>> {
  return {
    extend: async (app) => {
      await app.register(async (pages) => webPages(pages, ctx));
    },
    notFound: notFoundHandler(ctx),
  };
}
