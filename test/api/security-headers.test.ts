import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { registerSecurityHeaders } from '../../src/api/security-headers.js';

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

  it('sends none on a route that opts out', async () => {
    const app = await server();
    const res = await app.inject({ url: '/none' });
    assert.equal(res.headers['content-security-policy'], undefined);
    assert.equal(res.headers['x-content-type-options'], undefined);
  });
});
