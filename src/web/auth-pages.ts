/** Sign in, sign out and the language switch: the pages every area shares. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../workflow/context.js';
import { WorkflowError } from '../workflow/errors.js';
import { cookieOptions } from './cookies.js';
import { CSRF_FIELD } from './csrf.js';
import { isLang } from './i18n/index.js';
import { one } from './query.js';
import { LANG_COOKIE, renderPage } from './render.js';
import { CONSOLE_PATH, SIGN_IN_PATH, safeNext, signIn, signOut } from './session.js';

interface SignInForm {
  email?: string;
  password?: string;
  next?: string;
  [CSRF_FIELD]?: string;
}

export async function registerAuthPages(app: FastifyInstance, ctx: Context) {
  const signInPage = (next: string, email = '', errors: Record<string, string> = {}) => ({
    title: 'common.signIn.title',
    next,
    email,
    errors,
  });

  app.get<{ Querystring: { next?: string } }>(SIGN_IN_PATH, async (request, reply) => {
    const next = safeNext(one(request.query.next), CONSOLE_PATH);
    if (request.actor) return reply.redirect(next, 303);
    return renderPage(ctx, request, reply, 'auth/sign-in', signInPage(next));
  });

  app.post<{ Body: SignInForm }>(
    SIGN_IN_PATH,
    {
      config: { rateLimit: { max: ctx.config.rateLimitLogin, timeWindow: 60_000, allowList: () => false } },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const next = safeNext(one(body.next), CONSOLE_PATH);
      const email = (one(body.email) ?? '').trim();
      const password = one(body.password) ?? '';
      if (!email || !password) {
        const errors: Record<string, string> = {};
        if (!email) errors.email = 'common.signIn.missing';
        if (!password) errors.password = 'common.signIn.missing';
        return renderPage(ctx, request, reply, 'auth/sign-in', signInPage(next, email, errors), 400);
      }
      try {
        await signIn(ctx, request, reply, email, password);
      } catch (err) {
        if (err instanceof WorkflowError && err.kind === 'unauthenticated') {
          return renderPage(
            ctx,
            request,
            reply,
            'auth/sign-in',
            signInPage(next, email, { form: 'common.signIn.failed' }),
            401,
          );
        }
        throw err;
      }
      return reply.redirect(next, 303);
    },
  );

  app.post(`/sign-out`, async (request, reply) => {
    await signOut(ctx, request, reply);
    return reply.redirect('/?notice=signed-out', 303);
  });

  app.get<{ Params: { lang: string }; Querystring: { next?: string } }>(
    '/lang/:lang',
    async (request, reply) => {
      const { lang } = request.params;
      if (!isLang(lang)) return reply.redirect('/', 303);
      reply.setCookie(LANG_COOKIE, lang, { ...cookieOptions(ctx, request), maxAge: 365 * 86_400 });
      return reply.redirect(safeNext(one(request.query.next)), 303);
    },
  );
}
