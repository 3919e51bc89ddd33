import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import helmet from 'helmet';
import { registerSecurityHeaders, securityHeadersFor } from '../../src/api/security-headers.js';

async function server() {
  const app = Fastify();
  registerSecurityHeaders(app, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"] } },
  });
  app.get('/global', async () => ({ ok: true }));
  app.get(
    '/strict',
    { config: { securityHeaders: { contentSecurityPolicy: { directives: { defaultSrc: ["'none'"] } } } } },
    async () => ({ ok: true }),
  );
  app.get('/none', { config: { securityHeaders: false } }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('security headers', () => {
  it('sends the global configuration on every route, including unmatched ones', async () => {
    const app = await server();
    for (const url of ['/global', '/missing']) {
      const res = await app.inject({ url });
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.ok(res.headers['strict-transport-security'], url);
    }
  });

  it('lets a route replace part of the configuration and keeps the rest', async () => {
    const app = await server();
    const res = await app.inject({ url: '/strict' });
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    assert.doesNotMatch(String(res.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('records exactly the headers helmet itself sets on a response', async () => {
    const options = {
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'] } },
      crossOriginResourcePolicy: { policy: 'cross-origin' as const },
    };
    const app = Fastify();
    app.get('/', (request, reply) => {
      helmet(options)(request.raw, reply.raw, () => {
        reply.send(reply.raw.getHeaders());
      });
    });
    const fromHelmet = (await app.inject({ url: '/' })).json() as Record<string, string>;
    assert.deepEqual({ ...securityHeadersFor(options) }, fromHelmet);
    assert.throws(
      () => securityHeadersFor({ contentSecurityPolicy: { directives: { scriptSrc: [() => "'nonce-x'"] } } }),
      /computed per request/,
    );
  });

  it('sends none on a route that opts out', async () => {
    const app = await server();
    const res = await app.inject({ url: '/none' });
    assert.equal(res.headers['content-security-policy'], undefined);
    assert.equal(res.headers['x-content-type-options'], undefined);
  });
});

describe('POST /v1/verify', () => {
  it('sends the JSON API headers: HSTS, nosniff, a CSP that loads nothing and cannot be framed', async () => {
    const { startService } = await import('../helpers/service.js');
    const svc = await startService('sqlite');
    try {
      const res = await svc.app.inject({
        method: 'POST',
        url: '/v1/verify',
        payload: { credential: 'x.y.z' },
      });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
      assert.ok(res.headers['strict-transport-security']);
      assert.equal(res.headers['x-xss-protection'], undefined);
    } finally {
      await svc.close();
    }
  });
});
