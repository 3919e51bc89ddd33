/**
 * The error contract of the API, on every engine: one shape `{ error, message, details: [{ path, message }] }`
 * with the status that fits (400 listing every failing field, 401 with WWW-Authenticate, 403, 404 for
 * unknown routes, 409, 413, 415, 429), security headers on every answer, no stack trace in any error body,
 * and conditional GETs (ETag, 304) on public reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../../src/workflow/accounts.js';
import { createParty, engines, type Party, startService, type TestService } from '../helpers/service.js';
import {
  type Client,
  expectStatus,
  injectClient,
  type Json,
  type Reply,
  tokenFor,
  WorkflowBuilder,
} from '../helpers/workflow.js';

const BODY_LIMIT = 16 * 1024;
const EVIDENCE_LIMIT = 64 * 1024;

/** Keeps every reply so that the last test can check that no error body, whatever its status, leaks internals. */
function recording(client: Client, replies: Array<{ what: string; reply: Reply }>): Client {
  return {
    async request(method, url, options) {
      const reply = await client.request(method, url, options);
      replies.push({ what: `${method} ${url}`, reply });
      return reply;
    },
  };
}

function expectError(reply: Reply, status: number, what: string): Json {
  const body = expectStatus(reply, status, what);
  assert.match(String(reply.headers['content-type']), /^application\/json/, `${what}: content-type`);
  assert.deepEqual(Object.keys(body).sort(), ['details', 'error', 'message'], `${what}: ${reply.body}`);
  assert.equal(typeof body.error, 'string');
  assert.equal(typeof body.message, 'string');
  assert.ok(Array.isArray(body.details));
  for (const d of body.details)
    assert.deepEqual(Object.keys(d).sort(), ['message', 'path'], `${what}: detail ${JSON.stringify(d)}`);
  return body;
}

const paths = (body: Json) => (body.details as Array<{ path: string }>).map((d) => d.path).sort();

for (const engine of await engines()) {
  describe(`API errors (${engine})`, () => {
    let svc: TestService;
    let client: Client;
    let builder: WorkflowBuilder;
    let authority: Party;
    let provider: Party;
    const replies: Array<{ what: string; reply: Reply }> = [];

    before(async () => {
      svc = await startService(engine, { bodyLimit: BODY_LIMIT, evidenceMaxBytes: EVIDENCE_LIMIT });
      client = recording(injectClient(svc.app), replies);
      authority = await createParty(svc, 'authority');
      provider = await createParty(svc, 'provider', '3DS Outscale SAS');
      builder = new WorkflowBuilder(client, {
        authority,
        assessor: await createParty(svc, 'assessor'),
        provider,
      });
    });
    after(() => svc?.close());

    it('400 lists every failing field with its JSON path', async () => {
      const { declaration } = await builder.declare();
      const broken = structuredClone(declaration);
      delete broken.provider.name;
      broken.offer.serviceModel = 'XaaS';
      broken.offer.adminMfa = 'yes';
      const body = expectError(
        await client.request('POST', '/v1/declarations', { as: provider, payload: broken }),
        400,
        'declaration',
      );
      assert.deepEqual(paths(body), ['$.offer.adminMfa', '$.offer.serviceModel', '$.provider.name']);

      const request = expectError(
        await client.request('POST', '/v1/applications', {
          as: provider,
          payload: { targetLevel: { level: 'trusted' }, colour: 'blue' },
        }),
        400,
        'application body',
      );
      assert.deepEqual(paths(request), ['$.colour', '$.offerId', '$.targetLevel']);

      const malformed = expectError(
        await client.request('POST', '/v1/applications', {
          as: provider,
          payload: '{"offerId": ',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'malformed JSON',
      );
      assert.equal(malformed.error, 'bad_request');
    });

    it('401 says how to authenticate (WWW-Authenticate), for no, unknown, revoked and expired credentials', async () => {
      const owner = { ...provider.actor, via: 'password' as const };
      const revoked = await createApiToken(svc.ctx, owner, { name: 'revoked', scopes: ['read'] });
      expectStatus(
        await client.request('DELETE', `/v1/tokens/${revoked.id}`, { as: provider }),
        204,
        'revoke',
      );
      const expired = await createApiToken(svc.ctx, owner, {
        name: 'expired',
        scopes: ['read'],
        expiresAt: '2026-01-01T00:00:00.000Z',
      });
      const cases: Array<[string, Record<string, string>]> = [
        ['no credentials', {}],
        ['an unknown API token', { authorization: 'Bearer cfc_not-a-real-token' }],
        ['an unknown session', { authorization: 'Bearer cfs_not-a-real-session' }],
        ['a malformed header', { authorization: 'Basic dXNlcjpwYXNz' }],
        ['a revoked token', { authorization: `Bearer ${revoked.token}` }],
        ['an expired token', { authorization: `Bearer ${expired.token}` }],
      ];
      for (const [what, headers] of cases) {
        const body = expectError(await client.request('GET', '/v1/me', { headers }), 401, what);
        assert.equal(body.error, 'unauthorized');
        assert.equal(replies.at(-1)!.reply.headers['www-authenticate'], 'Bearer realm="confiance"', what);
      }
      const login = await client.request('POST', '/v1/auth/login', {
        payload: { email: provider.email, password: 'wrong password!!' },
      });
      expectError(login, 401, 'wrong password');
      assert.equal(login.headers['www-authenticate'], 'Bearer realm="confiance"');
      const unknown = await client.request('POST', '/v1/auth/login', {
        payload: { email: 'nobody@example.test', password: 'wrong password!!' },
      });
      assert.equal(
        expectError(unknown, 401, 'unknown email').message,
        login.json().message,
        'an unknown email reads like a wrong password',
      );
    });

    it('403 for a role lacking the right, and for a read-only token that writes', async () => {
      const role = expectError(
        await client.request('POST', '/v1/organisations', {
          as: provider,
          payload: { name: 'Mine', kind: 'authority' },
        }),
        403,
        'provider creates an organisation',
      );
      assert.equal(role.error, 'forbidden');
      assert.match(role.message, /authority/);
      const reader = await tokenFor(svc.ctx, provider, ['read']);
      const { declaration } = await builder.declare();
      const scope = expectError(
        await client.request('POST', '/v1/declarations', { as: reader, payload: declaration }),
        403,
        'read token writes',
      );
      assert.match(scope.message, /"write" scope/);
      // The same token still reads.
      expectStatus(await client.request('GET', '/v1/offers', { as: reader }), 200, 'read token reads');
    });

    it('404 is JSON for unknown routes, unknown methods and unknown ids', async () => {
      for (const [method, url] of [
        ['GET', '/v1/nothing-here'],
        ['POST', '/v2/declarations'],
        ['DELETE', '/v1/labels'],
        ['GET', '/v1/labels/00000000-0000-4000-8000-000000000000'],
        ['GET', '/v1/referentials/cloud-de-confiance/9.9.9'],
      ] as const) {
        const body = expectError(
          await client.request(method, url, { as: authority }),
          404,
          `${method} ${url}`,
        );
        assert.equal(body.error, 'not_found');
      }
    });

    it('409 for a conflict with the current state', async () => {
      const body = expectError(
        await client.request('POST', '/v1/users', {
          as: authority,
          payload: {
            organisationId: provider.organisationId,
            email: provider.email.toUpperCase(),
            displayName: 'Twin',
          },
        }),
        409,
        'duplicate email',
      );
      assert.equal(body.error, 'conflict');
      const app = await builder.build('submitted');
      const again = await client.request('POST', '/v1/applications', {
        as: provider,
        payload: { offerId: app.offerId, targetLevel: 'trusted' },
      });
      expectError(again, 409, 'second open application');
    });

    it('413 for a body over the limit, and for evidence over its own limit', async () => {
      const { declaration } = await builder.declare();
      const big = { ...declaration, illustrative: { note: 'x'.repeat(BODY_LIMIT) } };
      const body = expectError(
        await client.request('POST', '/v1/declarations', { as: provider, payload: big }),
        413,
        'large JSON',
      );
      assert.equal(body.error, 'payload_too_large');

      const app = await builder.build('in-review');
      const upload = (bytes: number) =>
        client.request('POST', `/v1/applications/${app.applicationId}/evidence?filename=scan.pdf`, {
          as: provider,
          payload: Buffer.alloc(bytes, 0x25),
          headers: { 'content-type': 'application/pdf' },
        });
      // Evidence has its own, larger limit: a file over the JSON limit but under it is accepted.
      expectStatus(await upload(BODY_LIMIT * 2), 201, 'evidence under its limit');
      expectError(await upload(EVIDENCE_LIMIT + 1), 413, 'evidence over its limit');
    });

    it('415 for an evidence type that is not accepted, and for a JSON route sent something else', async () => {
      const app = await builder.build('in-review');
      const evidence = expectError(
        await client.request('POST', `/v1/applications/${app.applicationId}/evidence?filename=setup.exe`, {
          as: provider,
          payload: Buffer.from('MZ'),
          headers: { 'content-type': 'application/x-msdownload' },
        }),
        415,
        'evidence type',
      );
      assert.deepEqual(paths(evidence), ['content-type']);
      for (const contentType of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
        const reply = await client.request('POST', '/v1/applications', {
          as: provider,
          payload: JSON.stringify({ offerId: app.offerId, targetLevel: 'trusted' }),
          headers: { 'content-type': contentType },
        });
        assert.equal(
          expectError(reply, 415, `JSON route sent ${contentType}`).error,
          'unsupported_media_type',
        );
      }
    });

    it('sends security headers on successes and on errors', async () => {
      const answers = [
        await client.request('GET', '/v1/referentials'),
        await client.request('GET', '/v1/nothing-here'),
        await client.request('GET', '/v1/me'),
        await client.request('POST', '/v1/declarations', { as: provider, payload: {} }),
      ];
      for (const reply of answers) {
        const h = reply.headers;
        const what = `${reply.statusCode} ${reply.body.slice(0, 60)}`;
        assert.equal(h['x-content-type-options'], 'nosniff', what);
        const csp = String(h['content-security-policy']);
        assert.match(csp, /default-src 'self'/, what);
        assert.match(csp, /frame-ancestors/, what);
        assert.match(csp, /object-src 'none'/, what);
        assert.ok(h['x-frame-options'], what);
        assert.match(String(h['strict-transport-security']), /max-age=\d+/, what);
        assert.equal(h['referrer-policy'], 'no-referrer', what);
        assert.equal(h['x-powered-by'], undefined, what);
      }
    });

    it('answers a conditional GET of a public read with 304 when the ETag matches', async () => {
      const labelled = await builder.build('granted');
      for (const url of [
        '/.well-known/did.json',
        `/v1/labels/${labelled.labelId}`,
        '/v1/log/checkpoint',
        '/v1/referentials/cloud-de-confiance/1.0.0',
      ]) {
        const first = expectStatus(await client.request('GET', url), 200, url);
        assert.ok(first !== undefined);
        const { etag } = replies.at(-1)!.reply.headers;
        assert.ok(typeof etag === 'string' && etag.length > 2, `${url}: no ETag`);
        assert.match(String(replies.at(-1)!.reply.headers['cache-control']), /public, max-age=\d+/);
        const cached = await client.request('GET', url, { headers: { 'if-none-match': etag } });
        assert.equal(cached.statusCode, 304, url);
        assert.equal(cached.body, '');
        const weak = await client.request('GET', url, { headers: { 'if-none-match': `"other", W/${etag}` } });
        assert.equal(weak.statusCode, 304, `${url} (weak, in a list)`);
        const stale = await client.request('GET', url, { headers: { 'if-none-match': '"stale"' } });
        assert.equal(stale.statusCode, 200, `${url} (stale)`);
      }
      // A change gives a new ETag: the old one no longer matches.
      const before = await client.request('GET', `/v1/labels/${labelled.labelId}`);
      expectStatus(
        await client.request('POST', `/v1/labels/${labelled.labelId}/suspend`, {
          as: authority,
          payload: { reason: 'etag' },
        }),
        200,
        'suspend',
      );
      const changed = await client.request('GET', `/v1/labels/${labelled.labelId}`, {
        headers: { 'if-none-match': String(before.headers.etag) },
      });
      assert.equal(changed.statusCode, 200);
      assert.notEqual(changed.headers.etag, before.headers.etag);
    });

    it('answers an unexpected failure with a bare 500, without its message', async () => {
      const app = await builder.build('in-review', { evidence: true });
      const original = svc.ctx.evidence.get.bind(svc.ctx.evidence);
      svc.ctx.evidence.get = async () => {
        throw new Error('EACCES: permission denied, open /srv/confiance/secret/evidence/ab/cd');
      };
      try {
        const reply = await client.request(
          'GET',
          `/v1/applications/${app.applicationId}/evidence/${app.evidenceId}`,
          { as: provider },
        );
        const body = expectError(reply, 500, 'storage failure');
        assert.deepEqual(body, { error: 'internal_error', message: 'internal error', details: [] });
      } finally {
        svc.ctx.evidence.get = original;
      }
    });

    // Last: looks at every reply this suite received.
    it('never puts a stack trace or an internal path in an error body', () => {
      const errors = replies.filter((r) => r.reply.statusCode >= 400);
      assert.ok(errors.length >= 20, `only ${errors.length} errors seen`);
      const leaks = errors.filter(({ reply }) =>
        /\n\s+at |\bat [\w.<>]+ \(|node_modules|\/work\/|\/srv\/|\.ts:\d+|"stack"|EACCES/.test(reply.body),
      );
      assert.deepEqual(
        leaks.map((l) => `${l.what} → ${l.reply.statusCode} ${l.reply.body.slice(0, 300)}`),
        [],
      );
    });
  });

  describe(`API rate limits (${engine})`, () => {
    let svc: TestService;
    let client: Client;
    let provider: Party;

    before(async () => {
      svc = await startService(engine, { rateLimitAnonymous: 5, rateLimitLogin: 3 });
      client = injectClient(svc.app);
      provider = await createParty(svc, 'provider');
    });
    after(() => svc?.close());

    it('429 for an anonymous client past its limit, with Retry-After; signed-in callers are not held by it', async () => {
      for (let i = 1; i <= 5; i++)
        expectStatus(await client.request('GET', '/v1/referentials'), 200, `anonymous request ${i}`);
      const limited = await client.request('GET', '/v1/referentials');
      const body = expectError(limited, 429, 'anonymous request 6');
      assert.equal(body.error, 'too_many_requests');
      assert.match(String(limited.headers['retry-after']), /^\d+$/);
      for (let i = 1; i <= 7; i++)
        expectStatus(
          await client.request('GET', '/v1/referentials', { as: provider }),
          200,
          `signed-in request ${i}`,
        );
      // A made-up Authorization header does not buy a way around the limit: it is refused, not served.
      const bogus = await client.request('GET', '/v1/referentials', {
        headers: { authorization: 'Bearer cfc_made-up' },
      });
      expectError(bogus, 401, 'bogus credentials');
    });

    it('429 on login attempts past their limit, even with the right password', async () => {
      const attempt = (password: string) =>
        client.request('POST', '/v1/auth/login', { payload: { email: provider.email, password } });
      for (let i = 1; i <= 3; i++)
        expectError(await attempt(`wrong password ${i}!`), 401, `login attempt ${i}`);
      expectError(await attempt('correct horse battery staple'), 429, 'login attempt 4');
    });
  });
}
