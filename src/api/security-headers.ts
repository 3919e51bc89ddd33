/**
 * Security headers (CSP, HSTS, nosniff, frame and referrer policies…) as `helmet` computes them, sent by
 * one onRequest hook. @fastify/helmet rebuilt the helmet middleware from its options on every request and
 * helmet then recomputed every header value: together a fifth of the cost of a small public route such
 * as /v1/verify. Our configurations are static (no per-request nonces), so helmet runs once per
 * configuration, when the route is registered, against a recording response, and requests get the
 * recorded headers.
 *
 * A route (or every route of an encapsulated plugin, through `onRoute`) may replace parts of the global
 * configuration with `config: { securityHeaders: { contentSecurityPolicy: … } }`; `false` sends none.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

type Headers = Readonly<Record<string, string>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    securityHeaders?: HelmetOptions | false;
    /** Set when the route is registered; not meant to be written by routes. */
    recordedSecurityHeaders?: Headers | null;
  }
}

/** The headers helmet sets for this configuration. Dynamic directives (functions) are refused. */
export function securityHeadersFor(options: HelmetOptions): Headers {
  const directives = (options.contentSecurityPolicy as { directives?: Record<string, unknown> } | undefined)
    ?.directives;
  for (const [name, value] of Object.entries(directives ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === 'function')) {
      throw new Error(`security headers: directive ${name} is computed per request, which is not supported`);
    }
  }
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return Object.freeze(headers);
}

export function registerSecurityHeaders(app: FastifyInstance, globalOptions: HelmetOptions): void {
  const globalHeaders = securityHeadersFor(globalOptions);
  app.addHook('onRoute', (route) => {
    const own = route.config?.securityHeaders;
    if (own === undefined) return;
    route.config = {
      ...route.config,
      recordedSecurityHeaders:
        own === false ? null : securityHeadersFor({ ...globalOptions, ...own } as HelmetOptions),
    };
  });
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const own = request.routeOptions.config?.recordedSecurityHeaders;
    const headers = own === undefined ? globalHeaders : own;
    if (headers) reply.headers(headers);
    done();
  });
}
