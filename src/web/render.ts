/**
 * Rendering a page: Eta templates under src/web/views (auto-escaped: `<%= %>` escapes, `<%~ %>` is only
 * for HTML built by another template), wrapped in the DSFR layout, with the page's security headers.
 * Every HTML answer goes through `pageHtml`, so every page gets the strict CSP and the right cache policy.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getUser } from '../workflow/accounts.js';
import type { Context, Role } from '../workflow/context.js';
import { overTls } from './cookies.js';
import { csrfToken } from './csrf.js';
import { type Formatter, formatter, levelBadge, stateBadge } from './format.js';
import { DEFAULT_LANG, hasMessage, isLang, type Lang, type Translate, translator } from './i18n/index.js';
import { CONSOLE_PATH, SIGN_IN_PATH } from './session.js';

/** The package root, from src/web (tsx) as from dist/web (built): templates and assets stay in src/web. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const VIEWS_DIR = join(ROOT, 'src', 'web', 'views');
export const ASSETS_DIR = join(ROOT, 'src', 'web', 'assets');
export const DSFR_DIR = join(ROOT, 'node_modules', '@gouvfr', 'dsfr', 'dist');
const DSFR_VERSION = (
  JSON.parse(readFileSync(join(DSFR_DIR, '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** Versioned, so both are served as immutable and a new release is fetched at once. */
export const DSFR_PREFIX = `/static/dsfr/${DSFR_VERSION}/`;
export const APP_PREFIX = '/static/app/';
const assetVersion = (file: string) =>
  createHash('sha256')
    .update(readFileSync(join(ASSETS_DIR, file)))
    .digest('hex')
    .slice(0, 12);
const ASSETS = {
  dsfr: DSFR_PREFIX,
  appCss: `${APP_PREFIX}app.css?v=${assetVersion('app.css')}`,
  appJs: `${APP_PREFIX}app.js?v=${assetVersion('app.js')}`,
};

export const LANG_COOKIE = 'confiance_lang';

const eta = new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true, autoTrim: [false, 'nl'] });

/** Pages load scripts, styles, fonts and images from this origin only, and run no inline script. */
export function pageCsp(tls: boolean): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    // DSFR's stylesheet draws a few bullets as data: SVG images.
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    ...(tls ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export interface PageUser {
  displayName: string;
  email: string;
  role: Role;
}

/** What every template gets as `it.page`. */
export interface PageContext {
  lang: Lang;
  t: Translate;
  fmt: Formatter;
  levelBadge: typeof levelBadge;
  stateBadge: typeof stateBadge;
  /** Path and query of this page (a form's `next`, the language switch's return). */
  url: string;
  path: string;
  user: PageUser | null;
  csrf: string;
  assets: typeof ASSETS;
  paths: { signIn: string; console: string };
  languageSwitch: { href: string; lang: Lang };
  /** A confirmation named by `?notice=` (after a redirect), only when the catalogue knows it. */
  notice: string | null;
}

export interface PageModel {
  /** A message key: the page's own title, to which the layout appends the service name. */
  title: string;
  titleParams?: Record<string, string | number>;
  /** Which header navigation item is current (`home`, `verify`, `dashboard`, `placement`, `console`). */
  nav?: string;
  /** After the home crumb; `key` is a message key, `label` a text already in the page's language. */
  breadcrumb?: Array<{ key?: string; label?: string; href?: string }>;
  [key: string]: unknown;
}

export function requestLang(request: FastifyRequest): Lang {
  const cookie = request.cookies?.[LANG_COOKIE];
  return isLang(cookie) ? cookie : DEFAULT_LANG;
}

const contexts = new WeakMap<FastifyRequest, Promise<PageContext>>();

export function pageContext(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PageContext> {
  let made = contexts.get(request);
  if (!made) {
    made = buildContext(ctx, request, reply);
    contexts.set(request, made);
  }
  return made;
}

async function buildContext(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<PageContext> {
  const lang = requestLang(request);
  const t = translator(lang);
  const url = request.url;
  const path = url.split('?')[0] ?? '/';
  let user: PageUser | null = null;
  if (request.actor) {
    const u = await getUser(ctx.store.db, request.actor.userId);
    user = { displayName: u.display_name, email: u.email, role: u.role };
  }
  const notice = (request.query as Record<string, unknown> | undefined)?.notice;
  const noticeKey =
    typeof notice === 'string'
      ? ['common', 'public', 'console'].map((area) => `${area}.notice.${notice}`).find(hasMessage)
      : undefined;
  const other: Lang = lang === 'fr' ? 'en' : 'fr';
  let csrf: string | undefined;
  return {
    lang,
    t,
    fmt: formatter(lang, t),
    levelBadge,
    stateBadge,
    url,
    path,
    user,
    // Read by forms only, so that pages without a form set no cookie.
    get csrf() {
      csrf ??= csrfToken(ctx, request, reply);
      return csrf;
    },
    assets: ASSETS,
    paths: { signIn: SIGN_IN_PATH, console: CONSOLE_PATH },
    languageSwitch: { href: `/lang/${other}?next=${encodeURIComponent(url)}`, lang: other },
    notice: noticeKey ? t(noticeKey) : null,
  };
}

/** Renders a template of src/web/views alone (a fragment, or a page's body before the layout). */
export function renderTemplate(view: string, data: object): string {
  return eta.render(view, data);
}

/** The whole HTML document of a page, and its headers set on the reply (status, CSP, caching). */
export async function pageHtml(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  model: PageModel,
  status = 200,
): Promise<string> {
  const page = await pageContext(ctx, request, reply);
  const body = eta.render(view, { ...model, page });
  const html = eta.render('layout', { ...model, page, body });
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', pageCsp(overTls(ctx, request)))
    // Pages carry the visitor's CSRF token and, signed in, private data: no shared cache keeps them.
    .header('cache-control', page.user ? 'no-store' : 'private, no-cache')
    .header('vary', 'cookie');
  return html;
}

/** Route → use case → `return renderPage(...)`: sends a page (see docs/web.md). */
export async function renderPage(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  model: PageModel,
  status = 200,
): Promise<FastifyReply> {
  const html = await pageHtml(ctx, request, reply, view, model, status);
  return reply.send(html);
}
