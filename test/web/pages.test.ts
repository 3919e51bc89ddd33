/**
 * The pages through inject(): statuses, security headers, cookies, sign-in and sign-out, CSRF refusals,
 * the language switch and the 404 page. The browser tests (*.browser.test.ts) drive the same pages in
 * Chromium; these run everywhere and pin down what the browser cannot see (headers, cookie flags).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webServerOptions } from '../../src/web/plugin.js';
import { createParty, type Party, startService, type TestService } from '../helpers/service.js';
import { injectClient, WorkflowBuilder } from '../helpers/workflow.js';

const PASSWORD = 'correct horse battery staple';

function cookies(res: { headers: Record<string, unknown> }): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
}
function cookieValue(res: { headers: Record<string, unknown> }, name: string): string | undefined {
  const line = cookies(res).find((c) => c.startsWith(`${name}=`));
  return line?.slice(name.length + 1).split(';')[0];
}
const csrfField = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

describe('web pages (inject)', () => {
  let svc: TestService;
  let provider: Party;
  let offerId: string;

  before(async () => {
    svc = await startService('sqlite', {}, { server: webServerOptions });
    const client = injectClient(svc.app);
    provider = await createParty(svc, 'provider', 'Example Cloud SAS');
    const cast = {
      provider,
      assessor: await createParty(svc, 'assessor', 'Assessor'),
      authority: await createParty(svc, 'authority', 'Authority'),
    };
    offerId = (await new WorkflowBuilder(client, cast).build('granted')).offerId;
  });
  after(() => svc?.close());

  it('serves the home page in French with the strict page CSP', async () => {
    const res = await svc.app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /<html lang="fr">/);
    assert.match(res.body, /Registre des offres labellisées/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /form-action 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(res.body, /<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>/, 'an inline script');
    assert.doesNotMatch(res.body, /\sstyle="/, 'an inline style attribute');
  });

  it('lists the labelled offer and filters by facet', async () => {
    const all = await svc.app.inject({ url: '/' });
    assert.match(all.body, new RegExp(`href="/offers/${offerId}"`));
    const none = await svc.app.inject({ url: '/?level=baseline' });
    assert.equal(none.statusCode, 200);
    assert.doesNotMatch(none.body, new RegExp(`href="/offers/${offerId}"`));
    assert.match(none.body, /name="level" value="baseline" checked/);
  });

  it('keeps the API JSON-only and the pages out of the OpenAPI document', async () => {
    const form = await svc.app.inject({
      method: 'POST',
      url: '/v1/verify',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'credential=x',
    });
    assert.equal(form.statusCode, 415);
    const paths = Object.keys((await svc.app.inject({ url: '/openapi.json' })).json().paths);
    assert.deepEqual(
      paths.filter((p) => !p.startsWith('/v1/') && !p.startsWith('/.well-known/')),
      [],
    );
  });

  it('answers a placement question from the query string, and shows a bad one next to its field', async () => {
    const ok = await svc.app.inject({ url: `/placement?class=public&offer=${offerId}` });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /id="placement-outcome"/);
    assert.match(ok.body, /id="receipt"[^>]*>eyJ/);
    const bad = await svc.app.inject({ url: '/placement?class=no-such-class' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /id="class"[^>]*aria-describedby="class-error" aria-invalid="true"/);
  });

  it('reads a repeated parameter as one value rather than failing', async () => {
    for (const url of [
      '/?q=a&q=b',
      '/?sort=name&sort=-level',
      '/placement?class=public&location=a&location=b',
    ]) {
      const res = await svc.app.inject({ url });
      assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
    }
    assert.equal((await svc.app.inject({ url: '/?level=bogus' })).statusCode, 400);
  });

  it('answers unknown URLs with a 404 page for browsers and JSON for API clients', async () => {
    const page = await svc.app.inject({ url: '/no/such/page', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 404);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /Page introuvable/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    const api = await svc.app.inject({ url: '/v1/no-such-route', headers: { accept: 'text/html' } });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error, 'not_found');
    const curl = await svc.app.inject({ url: '/no/such/page' });
    assert.equal(curl.json().error, 'not_found');
  });

  it('serves the DSFR files the pages use, and nothing else from the package', async () => {
    const home = await svc.app.inject({ url: '/' });
    const css = /href="(\/static\/dsfr\/[^"]+\/dsfr\.min\.css)"/.exec(home.body)?.[1];
    assert.ok(css);
    const res = await svc.app.inject({ url: css });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /immutable/);
    const prefix = css.replace(/dsfr\.min\.css$/, '');
    for (const file of [
      'fonts/Marianne-Regular.woff2',
      'icons/system/close-line.svg',
      'dsfr.module.min.js',
    ]) {
      assert.equal((await svc.app.inject({ url: prefix + file })).statusCode, 200, file);
    }
    for (const file of ['../package.json', 'dsfr.css', 'component/button/button.css', 'dsfr.min.css.map']) {
      assert.equal((await svc.app.inject({ url: prefix + file })).statusCode, 404, file);
    }
    const js = /src="(\/static\/app\/app\.js\?v=[0-9a-f]+)"/.exec(home.body)?.[1];
    assert.ok(js);
    assert.equal((await svc.app.inject({ url: js })).statusCode, 200);
  });

  it('switches the language with a cookie that persists, and only returns to local pages', async () => {
    const sw = await svc.app.inject({ url: '/lang/en?next=%2F%3Flevel%3Dtrusted' });
    assert.equal(sw.statusCode, 303);
    assert.equal(sw.headers.location, '/?level=trusted');
    const lang = cookies(sw).find((c) => c.startsWith('confiance_lang=en'));
    assert.ok(lang);
    assert.match(lang, /HttpOnly/);
    assert.match(lang, /Max-Age=31536000/);
    const en = await svc.app.inject({ url: '/', cookies: { confiance_lang: 'en' } });
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /Registry of labelled offers/);
    assert.match(en.body, /href="\/lang\/fr\?next=%2F"/);
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const res = await svc.app.inject({ url: `/lang/en?next=${encodeURIComponent(next)}` });
      assert.equal(res.headers.location, '/', next);
    }
    assert.equal(
      (await svc.app.inject({ url: '/', cookies: { confiance_lang: 'de' } })).body.includes('lang="fr"'),
      true,
    );
  });

  describe('sign-in, sessions and CSRF', () => {
    async function signInForm() {
      const page = await svc.app.inject({ url: '/sign-in?next=%2Fdashboard' });
      assert.equal(page.statusCode, 200);
      const csrf = csrfField(page.body);
      const cookie = cookieValue(page, 'confiance_csrf');
      assert.ok(csrf && cookie);
      return { csrf, cookie };
    }

    it('sets an HttpOnly, SameSite, Secure (https public URL) anti-forgery cookie for anonymous forms', async () => {
      const page = await svc.app.inject({ url: '/sign-in' });
      const line = cookies(page).find((c) => c.startsWith('confiance_csrf='));
      assert.ok(line);
      assert.match(line, /HttpOnly/);
      assert.match(line, /SameSite=Strict/);
      assert.match(line, /Secure/);
      // A page without a form sets no cookie at all.
      assert.deepEqual(cookies(await svc.app.inject({ url: '/' })), []);
    });

    it('refuses an anonymous form without the matching token', async () => {
      const { csrf, cookie } = await signInForm();
      const body = (token: string) =>
        new URLSearchParams({ email: provider.email, password: PASSWORD, _csrf: token }).toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      const noCookie = await svc.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers,
        payload: body(csrf),
      });
      assert.equal(noCookie.statusCode, 403);
      assert.match(noCookie.body, /Le formulaire a expiré/);
      const wrong = await svc.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers,
        cookies: { confiance_csrf: cookie },
        payload: body('x'.repeat(32)),
      });
      assert.equal(wrong.statusCode, 403);
      assert.equal(cookieValue(wrong, 'confiance_session'), undefined);
    });

    it('signs in, shows the user, refuses a forged sign-out, signs out', async () => {
      const { csrf, cookie } = await signInForm();
      const headers = { 'content-type': 'application/x-www-form-urlencoded' };
      const bad = await svc.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers,
        cookies: { confiance_csrf: cookie },
        payload: new URLSearchParams({
          email: provider.email,
          password: 'wrong password!',
          _csrf: csrf,
        }).toString(),
      });
      assert.equal(bad.statusCode, 401);
      assert.match(bad.body, /Adresse électronique ou mot de passe incorrect/);
      assert.match(bad.body, new RegExp(`value="${provider.email}"`));

      const ok = await svc.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers,
        cookies: { confiance_csrf: cookie },
        payload: new URLSearchParams({
          email: provider.email,
          password: PASSWORD,
          _csrf: csrf,
          next: '/dashboard',
        }).toString(),
      });
      assert.equal(ok.statusCode, 303, ok.body);
      assert.equal(ok.headers.location, '/dashboard');
      const line = cookies(ok).find((c) => c.startsWith('confiance_session='));
      assert.ok(line);
      assert.match(line, /HttpOnly/);
      assert.match(line, /SameSite=Lax/);
      assert.match(line, /Secure/);
      assert.match(line, /Expires=/);
      const session = cookieValue(ok, 'confiance_session')!;
      assert.match(session, /^cfs_/);

      const home = await svc.app.inject({ url: '/', cookies: { confiance_session: session } });
      assert.match(home.body, /Connecté : Example Cloud SAS/);
      assert.equal(home.headers['cache-control'], 'no-store');
      const sessionCsrf = csrfField(home.body);
      assert.ok(sessionCsrf);

      const forged = await svc.app.inject({
        method: 'POST',
        url: '/sign-out',
        headers,
        cookies: { confiance_session: session },
        payload: '_csrf=forged',
      });
      assert.equal(forged.statusCode, 403);
      assert.match(String(forged.headers['content-type']), /^text\/html/);
      assert.match(forged.body, /Le formulaire a expiré/);

      const out = await svc.app.inject({
        method: 'POST',
        url: '/sign-out',
        headers,
        cookies: { confiance_session: session },
        payload: `_csrf=${sessionCsrf}`,
      });
      assert.equal(out.statusCode, 303);
      assert.equal(out.headers.location, '/?notice=signed-out');
      assert.match(
        cookies(out).find((c) => c.startsWith('confiance_session=')) ?? '',
        /Expires=Thu, 01 Jan 1970/,
      );
      // The session is gone server-side too: the old cookie is just an expired session now.
      const after = await svc.app.inject({
        url: '/?notice=signed-out',
        cookies: { confiance_session: session },
      });
      assert.doesNotMatch(after.body, /Connecté/);
      assert.match(after.body, /Vous êtes déconnecté/);
    });

    it('shows the missing fields next to them', async () => {
      const { csrf, cookie } = await signInForm();
      const res = await svc.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        cookies: { confiance_csrf: cookie },
        payload: `_csrf=${csrf}&email=&password=`,
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /id="email"[^>]*aria-describedby="email-error" aria-invalid="true"/);
      assert.match(res.body, /id="password-error"/);
      assert.match(res.body, /href="#email"/);
    });

    it('ends a session at its expiry, and sends the visitor of a signed-in page to sign in again', async () => {
      const { csrf, cookie } = await signInForm();
      const ok = await svc.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        cookies: { confiance_csrf: cookie },
        payload: new URLSearchParams({ email: provider.email, password: PASSWORD, _csrf: csrf }).toString(),
      });
      const session = cookieValue(ok, 'confiance_session')!;
      assert.match(
        (await svc.app.inject({ url: '/', cookies: { confiance_session: session } })).body,
        /Connecté/,
      );
      svc.clock.advanceDays(svc.config.sessionTtlMinutes / 1440 + 0.01);
      try {
        const home = await svc.app.inject({ url: '/', cookies: { confiance_session: session } });
        assert.equal(home.statusCode, 200);
        assert.doesNotMatch(home.body, /Connecté/);
        const { pageActor, SignInRequired } = await import('../../src/web/session.js');
        const expired = { actor: null, cookies: { confiance_session: session } } as never;
        assert.throws(
          () => pageActor(expired),
          (e) => e instanceof SignInRequired && e.reason === 'session-expired',
        );
        const never = { actor: null, cookies: {} } as never;
        assert.throws(
          () => pageActor(never),
          (e) => e instanceof SignInRequired && e.reason === 'sign-in-required',
        );
        const res = await svc.app.inject({ url: '/sign-in?notice=session-expired' });
        assert.match(res.body, /Votre session a expiré/);
      } finally {
        svc.clock.advanceDays(-(svc.config.sessionTtlMinutes / 1440 + 0.01));
      }
    });
  });
});
