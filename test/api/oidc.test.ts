import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { safeReturnTo } from '../../src/workflow/oidc.js';
import { type MockIdp, startMockIdp } from '../helpers/mock-oidc.js';
import { createParty, engines, type Party, startService, type TestService } from '../helpers/service.js';

const PUBLIC_URL = 'https://label.test';
const REDIRECT_URI = `${PUBLIC_URL}/v1/auth/oidc/callback`;
const FLOW_COOKIE = 'confiance_oidc_flow';

describe('returnTo after an OIDC login', () => {
  it('keeps paths on this service and refuses anything a browser could read as another origin', () => {
    assert.equal(safeReturnTo(undefined, PUBLIC_URL), '/');
    assert.equal(safeReturnTo('/registry?q=cloud#top', PUBLIC_URL), '/registry?q=cloud#top');
    assert.equal(safeReturnTo('/a/../b', PUBLIC_URL), '/b');
    for (const bad of [
      'https://evil.example',
      '//evil.example/x',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      'registry',
      '/\t/evil.example',
    ]) {
      assert.throws(() => safeReturnTo(bad, PUBLIC_URL), /invalid returnTo/, bad);
    }
  });
});

for (const engine of await engines()) {
  describe(`OpenID Connect login (${engine})`, () => {
    let idp: MockIdp;
    let svc: TestService;
    before(async () => {
      idp = await startMockIdp({ redirectUri: REDIRECT_URI });
      svc = await startService(engine, {
        publicUrl: PUBLIC_URL,
        oidc: {
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: idp.clientSecret,
          redirectUri: REDIRECT_URI,
        },
      });
    });
    after(async () => {
      await svc.close();
      await idp.close();
    });

    /** The browser's part: our login route, then the provider (over HTTP), up to the callback it sends back. */
    async function toCallback(returnTo?: string) {
      const started = await svc.app.inject({
        method: 'GET',
        url: `/v1/auth/oidc/login${returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`}`,
      });
      assert.equal(started.statusCode, 302, started.body);
      const authorize = new URL(started.headers.location as string);
      assert.equal(authorize.origin, idp.issuer);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'));
      const flow = started.cookies.find((c) => c.name === FLOW_COOKIE);
      assert.ok(flow?.httpOnly, 'the flow handle is an HttpOnly cookie');
      const approved = await fetch(authorize, { redirect: 'manual' });
      assert.equal(approved.status, 302, await approved.text());
      const back = new URL(approved.headers.get('location')!);
      assert.equal(back.origin + back.pathname, REDIRECT_URI);
      return { path: back.pathname + back.search, params: back.searchParams, flowCookie: flow.value };
    }

    const callback = (path: string, flowCookie: string | undefined, json = true) =>
      svc.app.inject({
        method: 'GET',
        url: path,
        headers: json ? { accept: 'application/json' } : {},
        ...(flowCookie ? { cookies: { [FLOW_COOKIE]: flowCookie } } : {}),
      });

    const user = (id: string) =>
      svc.ctx.store.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    describe('a person whose account the authority created', () => {
      let provider: Party;
      before(async () => {
        provider = await createParty(svc, 'provider');
      });

      it('logs in by verified email the first time, gets a session usable on /v1/me, and is linked (audited)', async () => {
        idp.user = { sub: 'sub-alice', email: provider.email.toUpperCase(), email_verified: true };
        const { path, flowCookie } = await toCallback('/registry?level=trusted');
        const done = await callback(path, flowCookie);
        assert.equal(done.statusCode, 200, done.body);
        assert.equal(done.headers['cache-control'], 'no-store');
        const body = done.json();
        assert.equal(body.user.id, provider.userId);
        assert.match(body.token, /^cfs_/);
        assert.ok(body.csrfToken);

        const sessionCookie = done.cookies.find((c) => c.name === 'confiance_session');
        assert.ok(sessionCookie?.httpOnly && sessionCookie.secure);
        assert.equal(sessionCookie.value, body.token);
        const cleared = done.cookies.find((c) => c.name === FLOW_COOKIE);
        assert.equal(cleared?.value, '', 'the flow cookie is cleared');

        const me = await svc.app.inject({
          method: 'GET',
          url: '/v1/me',
          cookies: { confiance_session: sessionCookie.value },
        });
        assert.equal(me.statusCode, 200, me.body);
        assert.equal(me.json().id, provider.userId);
        assert.equal(me.json().via, 'session');

        const row = await user(provider.userId);
        assert.equal(row.oidc_issuer, idp.issuer);
        assert.equal(row.oidc_subject, 'sub-alice');
        const audit = await svc.ctx.store.db
          .selectFrom('audit_events')
          .selectAll()
          .where('action', '=', 'user.oidc-linked')
          .where('subject_id', '=', provider.userId)
          .execute();
        assert.equal(audit.length, 1);
        assert.deepEqual(JSON.parse(audit[0]!.after!), {
          oidcIssuer: idp.issuer,
          oidcSubject: 'sub-alice',
          email: provider.email,
        });
      });

      it('logs in by subject afterwards, whatever the email says now, and a browser is redirected to returnTo', async () => {
        idp.user = { sub: 'sub-alice', email: 'alice@elsewhere.example', email_verified: false };
        const { path, flowCookie } = await toCallback('/registry?level=trusted');
        const done = await callback(path, flowCookie, false);
        assert.equal(done.statusCode, 302, done.body);
        assert.equal(done.headers.location, '/registry?level=trusted');
        const session = done.cookies.find((c) => c.name === 'confiance_session');
        const me = await svc.app.inject({
          method: 'GET',
          url: '/v1/me',
          cookies: { confiance_session: session!.value },
        });
        assert.equal(me.json().id, provider.userId);
        const audit = await svc.ctx.store.db
          .selectFrom('audit_events')
          .select('id')
          .where('action', '=', 'user.oidc-linked')
          .where('subject_id', '=', provider.userId)
          .execute();
        assert.equal(audit.length, 1, 'linked once');
      });

      it('does not let a second identity with the same verified email take the linked account over', async () => {
        idp.user = { sub: 'sub-impostor', email: provider.email, email_verified: true };
        const { path, flowCookie } = await toCallback();
        const done = await callback(path, flowCookie);
        assert.equal(done.statusCode, 401, done.body);
        assert.match(done.json().message, /linked to another identity/);
        assert.equal((await user(provider.userId)).oidc_subject, 'sub-alice');
      });

      it('refuses a disabled account', async () => {
        const bob = await createParty(svc, 'assessor');
        await svc.ctx.store.db
          .updateTable('users')
          .set({ disabled_at: svc.clock.now.toISOString() })
          .where('id', '=', bob.userId)
          .execute();
        idp.user = { sub: 'sub-bob', email: bob.email, email_verified: true };
        const { path, flowCookie } = await toCallback();
        const done = await callback(path, flowCookie);
        assert.equal(done.statusCode, 401, done.body);
        assert.equal((await user(bob.userId)).oidc_subject, null);
      });
    });

    it('refuses an email the provider has not verified (false, or the string "true")', async () => {
      const carol = await createParty(svc, 'provider');
      for (const email_verified of [false, 'true', undefined]) {
        idp.user = {
          sub: 'sub-carol',
          email: carol.email,
          ...(email_verified === undefined ? {} : { email_verified }),
        };
        const { path, flowCookie } = await toCallback();
        const done = await callback(path, flowCookie);
        assert.equal(done.statusCode, 401, done.body);
        assert.deepEqual(Object.keys(done.json()).sort(), ['details', 'error', 'message']);
        assert.equal(done.json().error, 'unauthorized');
        assert.match(done.json().message, /not verified/);
        assert.equal(
          done.cookies.find((c) => c.name === 'confiance_session'),
          undefined,
        );
      }
      assert.equal((await user(carol.userId)).oidc_subject, null);
    });

    it('creates nobody for an unknown email', async () => {
      const before = await svc.ctx.store.db.selectFrom('users').select('id').execute();
      idp.user = { sub: 'sub-stranger', email: 'stranger@example.test', email_verified: true };
      const { path, flowCookie } = await toCallback();
      const done = await callback(path, flowCookie);
      assert.equal(done.statusCode, 401, done.body);
      assert.match(
        done.json().message,
        /no active account for stranger@example\.test; accounts are created by the authority/,
      );
      assert.equal((await svc.ctx.store.db.selectFrom('users').select('id').execute()).length, before.length);
    });

    describe('tampering and replay', () => {
      let dave: Party;
      before(async () => {
        dave = await createParty(svc, 'authority');
      });

      it('refuses a tampered state, and the flow it was aimed at is spent', async () => {
        idp.user = { sub: 'sub-dave', email: dave.email, email_verified: true };
        const { params, flowCookie } = await toCallback();
        const tampered = new URLSearchParams(params);
        tampered.set('state', `${params.get('state')}x`);
        const done = await callback(`/v1/auth/oidc/callback?${tampered}`, flowCookie);
        assert.equal(done.statusCode, 401, done.body);
        assert.match(done.json().message, /does not belong to the login started in this browser/);
        assert.equal(
          done.cookies.find((c) => c.name === FLOW_COOKIE)?.value,
          '',
          'a failed callback clears the flow cookie too',
        );
        const replay = await callback(`/v1/auth/oidc/callback?${params}`, flowCookie);
        assert.equal(replay.statusCode, 400, replay.body);
        assert.equal((await user(dave.userId)).oidc_subject, null);
      });

      it("refuses a callback without this browser's flow cookie (login CSRF)", async () => {
        idp.user = { sub: 'sub-dave', email: dave.email, email_verified: true };
        const { path } = await toCallback();
        const missing = await callback(path, undefined);
        assert.equal(missing.statusCode, 400, missing.body);
        assert.match(missing.json().message, /no login in progress/);
        const other = await toCallback();
        const crossed = await callback(path, other.flowCookie);
        assert.equal(crossed.statusCode, 401, 'another flow of the same browser does not match either');
      });

      it('refuses a code sent back twice: the flow is single use', async () => {
        idp.user = { sub: 'sub-dave', email: dave.email, email_verified: true };
        const { path, flowCookie } = await toCallback();
        assert.equal((await callback(path, flowCookie)).statusCode, 200);
        assert.equal((await callback(path, flowCookie)).statusCode, 400);
      });

      it("answers the provider's error as a 401 in the project's error shape", async () => {
        idp.denyWith = 'access_denied';
        try {
          const { path, flowCookie } = await toCallback();
          const done = await callback(path, flowCookie);
          assert.equal(done.statusCode, 401, done.body);
          assert.match(done.json().message, /did not log you in \(access_denied\)/);
          assert.doesNotMatch(done.body, /at .*\.ts/, 'no stack trace');
        } finally {
          idp.denyWith = undefined;
        }
      });

      it('refuses an ID token that is not for this login: nonce, audience, issuer, expiry (checked by openid-client)', async () => {
        const erin = await createParty(svc, 'assessor');
        idp.user = { sub: 'sub-erin', email: erin.email, email_verified: true };
        const forgeries: Record<string, (c: Record<string, unknown>) => Record<string, unknown>> = {
          nonce: (c) => ({ ...c, nonce: 'replayed-from-another-login' }),
          audience: (c) => ({ ...c, aud: 'another-client' }),
          issuer: (c) => ({ ...c, iss: 'https://other-idp.example' }),
          expiry: (c) => ({ ...c, iat: Number(c.iat) - 3600, exp: Number(c.iat) - 1800 }),
        };
        try {
          for (const [what, forge] of Object.entries(forgeries)) {
            idp.forge = forge;
            const { path, flowCookie } = await toCallback();
            const done = await callback(path, flowCookie);
            assert.equal(done.statusCode, 401, `${what}: ${done.body}`);
            assert.match(done.json().message, /could not be verified/, what);
          }
        } finally {
          idp.forge = undefined;
        }
        assert.equal((await user(erin.userId)).oidc_subject, null);
      });

      it('refuses a login whose flow has expired', async () => {
        idp.user = { sub: 'sub-dave', email: dave.email, email_verified: true };
        const { path, flowCookie } = await toCallback();
        const exchanges = idp.tokenRequests.length;
        svc.clock.now = new Date(svc.clock.now.getTime() + 11 * 60_000);
        const done = await callback(path, flowCookie);
        assert.equal(done.statusCode, 400, done.body);
        assert.equal(idp.tokenRequests.length, exchanges, 'the code was never exchanged');
      });

      it('refuses a returnTo on another origin before anything is sent to the provider', async () => {
        for (const returnTo of ['https://evil.example', '//evil.example', '/\\evil.example']) {
          const started = await svc.app.inject({
            method: 'GET',
            url: `/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`,
          });
          assert.equal(started.statusCode, 400, returnTo);
          assert.equal(started.json().details[0].path, 'querystring.returnTo');
          assert.equal(started.headers.location, undefined);
        }
      });
    });

    it('has no OIDC routes when OIDC is not configured', async () => {
      const plain = await startService(engine);
      try {
        assert.equal(plain.config.oidc, undefined);
        for (const url of ['/v1/auth/oidc/login', '/v1/auth/oidc/callback?code=x&state=y']) {
          const res = await plain.app.inject({ method: 'GET', url });
          assert.equal(res.statusCode, 404, url);
          assert.equal(res.json().error, 'not_found');
        }
      } finally {
        await plain.close();
      }
    });
  });
}

describe('OpenID Connect with an unreachable identity provider', () => {
  it('still starts, and a login answers 500 without details', async () => {
    const svc = await startService('sqlite', {
      publicUrl: PUBLIC_URL,
      oidc: { issuer: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's', redirectUri: REDIRECT_URI },
    });
    try {
      const started = await svc.app.inject({ method: 'GET', url: '/v1/auth/oidc/login' });
      assert.equal(started.statusCode, 500, started.body);
      assert.deepEqual(started.json(), { error: 'internal_error', message: 'internal error', details: [] });
      const password = await svc.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'x@example.test', password: 'y' },
      });
      assert.equal(password.statusCode, 401, 'password login is unaffected');
    } finally {
      await svc.close();
    }
  });

  it('refuses plain HTTP to a provider that is not on loopback', async () => {
    await assert.rejects(
      startService('sqlite', {
        oidc: { issuer: 'http://idp.example', clientId: 'c', clientSecret: 's', redirectUri: REDIRECT_URI },
      }),
      /OIDC_ISSUER must be https/,
    );
  });
});
