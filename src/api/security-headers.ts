/**
 * Security headers (CSP, HSTS, nosniff, frame and referrer policies…) from `helmet`, applied by one
 * onRequest hook. @fastify/helmet rebuilt the helmet middleware from its options on every request, a
 * fifth of the cost of a small public route such as /v1/verify; here each distinct configuration is
 * built once, when the route is registered.
 *
 * A route (or every route of an encapsulated plugin, through `onRoute`) may replace parts of the global
 * configuration with `config: { securityHeaders: { contentSecurityPolicy: … } }`; `false` sends none.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

type Middleware = ReturnType<typeof helmet>;

declare module 'fastify' {
  interface FastifyContextConfig {
    securityHeaders?: HelmetOptions | false;
    /** Set when the route is registered; not meant to be written by routes. */
    applySecurityHeaders?: Middleware | null;
  }
}

export function registerSecurityHeaders(app: FastifyInstance, globalOptions: HelmetOptions): void {
  const globalMiddleware = helmet(globalOptions);
  app.addHook('onRoute', (route) => {
    const own = route.config?.securityHeaders;
    if (own === undefined) return;
    route.config = {
      ...route.config,
      applySecurityHeaders: own === false ? null : helmet({ ...globalOptions, ...own } as HelmetOptions),
    };
  });
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const own = request.routeOptions.config?.applySecurityHeaders;
    const middleware = own === undefined ? globalMiddleware : own;
    if (!middleware) return done();
    middleware(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
}
