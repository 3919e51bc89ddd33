/**
 * Failures as pages: the same statuses as the API (src/api/errors.ts), shown in the visitor's language,
 * with the use case's message as detail. A page that needs a sign-in redirects to it instead.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../api/errors.js';
import type { Context } from '../workflow/context.js';
import { WorkflowError } from '../workflow/errors.js';
import { pageHtml, renderPage } from './render.js';
import { SIGN_IN_PATH, SignInRequired } from './session.js';

const STATUS: Record<WorkflowError['kind'], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
};

const KNOWN = new Set([400, 401, 403, 404, 409, 429, 500]);

interface ErrorView {
  status: number;
  message?: string;
  details?: Array<{ path: string; message: string }>;
}

function model(view: ErrorView) {
  return {
    title: KNOWN.has(view.status) ? `common.error.${view.status}.title` : 'common.error.title',
    titleParams: { status: view.status },
    status: view.status,
    message: view.message ?? '',
    details: view.details ?? [],
    csrf: /CSRF/.test(view.message ?? ''),
  };
}

export function errorPage(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  view: ErrorView,
): Promise<FastifyReply> {
  return renderPage(ctx, request, reply, 'error', model(view), view.status);
}

export function signInRedirect(request: FastifyRequest, reply: FastifyReply, reason: string) {
  const next = request.method === 'GET' ? request.url : (request.headers.referer ?? '/');
  let local = '/';
  try {
    const u = new URL(next, 'http://local');
    local = u.host === 'local' || next.startsWith('/') ? `${u.pathname}${u.search}` : '/';
  } catch {}
  return reply.redirect(`${SIGN_IN_PATH}?notice=${reason}&next=${encodeURIComponent(local)}`, 303);
}

/** The error handler of the page routes. */
export function pageErrorHandler(ctx: Context) {
  return async (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof SignInRequired) return signInRedirect(request, reply, error.reason);
    if (error instanceof WorkflowError) {
      return errorPage(ctx, request, reply, {
        status: STATUS[error.kind],
        message: error.message,
        details: error.details,
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500)
      return errorPage(ctx, request, reply, { status, message: error.message });
    request.log.error({ err: error }, 'unexpected error on a page');
    return errorPage(ctx, request, reply, { status: 500 });
  };
}

/**
 * Errors answered before a page route runs (the API preHandler's CSRF and credential checks, the rate
 * limit) are JSON; a browser gets them as pages.
 */
export function jsonErrorsAsPages(ctx: Context) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const type = String(reply.getHeader('content-type') ?? '');
    if (reply.statusCode < 400 || !type.startsWith('application/json') || typeof payload !== 'string')
      return payload;
    let body: { message?: string; details?: ErrorView['details'] } = {};
    try {
      body = JSON.parse(payload);
    } catch {}
    reply.removeHeader('www-authenticate');
    return pageHtml(
      ctx,
      request,
      reply,
      'error',
      model({ status: reply.statusCode, ...body }),
      reply.statusCode,
    );
  };
}

/** Unknown URLs: a page for browsers, the API's JSON error for everyone else. */
export function notFoundHandler(ctx: Context) {
  return (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const wantsPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !path.startsWith('/v1/') &&
      String(request.headers.accept ?? '').includes('text/html');
    if (!wantsPage) return sendError(reply, 404, `no route ${request.method} ${path}`);
    return errorPage(ctx, request, reply, { status: 404 });
  };
}
