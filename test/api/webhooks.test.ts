import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { actorFor } from '../../src/workflow/accounts.js';
import { saveDeclaration } from '../../src/workflow/declarations.js';
import { seedExamples } from '../../src/workflow/seed.js';
import {
  deliverDue,
  type listDeliveries,
  startWebhookWorker,
  verifyWebhookSignature,
} from '../../src/workflow/webhooks.js';
import { repoRoot } from '../helpers/cli.js';
import {
  auth,
  createParty,
  engines,
  type Party,
  startService,
  type TestService,
} from '../helpers/service.js';
import { type Received, type Receiver, startReceiver } from '../helpers/webhook-receiver.js';

const IAAS = 'outscale-iaas-cloudgouv';
const SAAS = 'partage-docs-saas';
const ALL_EVENTS = ['label.issued', 'label.suspended', 'label.reinstated', 'label.revoked', 'label.flagged'];

type DeliveryView = Awaited<ReturnType<typeof listDeliveries>>[number];

for (const engine of await engines()) {
  describe(`webhooks (${engine})`, () => {
    let svc: TestService;
    let receiver: Receiver;
    let authority: Party;
    let relying: Party;
    let other: Party;
    before(async () => {
      svc = await startService(engine);
      receiver = await startReceiver();
      authority = await createParty(svc, 'authority');
      relying = await createParty(svc, 'assessor', 'Relying party');
      other = await createParty(svc, 'provider', 'Someone else');
    });
    after(async () => {
      await receiver.close();
      await svc.close();
    });

    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, party?: Party, payload?: unknown) =>
      svc.app.inject({
        method,
        url,
        headers: auth(party),
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
    const subscribe = async (
      party: Party,
      path: string,
      extra: { events?: string[]; offerIds?: string[] } = {},
    ) => {
      const res = await call('POST', '/v1/webhooks', party, {
        url: receiver.url(path),
        events: ALL_EVENTS,
        ...extra,
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; secret: string; url: string };
    };
    const deliveries = async (hookId: string, party: Party = relying) => {
      const res = await call('GET', `/v1/webhooks/${hookId}/deliveries`, party);
      assert.equal(res.statusCode, 200, res.body);
      return res.json().items as DeliveryView[];
    };
    const run = (options: Parameters<typeof deliverDue>[1] = {}) =>
      deliverDue(svc.ctx, { now: svc.clock.now, ...options });
    const advance = (ms: number) => {
      svc.clock.now = new Date(svc.clock.now.getTime() + ms);
    };
    const labelOf = (offerId: string) =>
      svc.ctx.store.db
        .selectFrom('labels')
        .selectAll()
        .where('offer_id', '=', offerId)
        .executeTakeFirstOrThrow();
    const verify = (hook: { secret: string }, r: Received) =>
      verifyWebhookSignature(
        hook.secret,
        r.headers['x-confiance-signature'] as string,
        r.body,
        svc.clock.now,
      );

    it('refuses anonymous callers, read-only tokens and unsafe URLs', async () => {
      assert.equal((await call('GET', '/v1/webhooks')).statusCode, 401);
      assert.equal(
        (
          await call('POST', '/v1/webhooks', undefined, {
            url: receiver.url('/x'),
            events: ['label.revoked'],
          })
        ).statusCode,
        401,
      );
      const reader = await createParty(svc, 'provider', 'Reader', ['read']);
      assert.equal(
        (await call('POST', '/v1/webhooks', reader, { url: receiver.url('/x'), events: ['label.revoked'] }))
          .statusCode,
        403,
      );
      const cases: Array<[unknown, string]> = [
        [{ url: 'http://rp.example/h', events: ['label.revoked'] }, '$.url'],
        [{ url: 'https://u:p@rp.example/h', events: ['label.revoked'] }, '$.url'],
        [{ url: 'https://rp.example/h', events: [] }, '$.events'],
        [{ url: 'https://rp.example/h', events: ['label.renamed'] }, '$.events.0'],
        [{ url: 'https://rp.example/h', events: ['label.revoked'], offerIds: [] }, '$.offerIds'],
      ];
      for (const [body, path] of cases) {
        const res = await call('POST', '/v1/webhooks', relying, body);
        assert.equal(res.statusCode, 400, res.body);
        assert.ok(
          res.json().details.some((d: { path: string }) => d.path === path),
          res.body,
        );
      }
    });

    it('delivers signed label events to the webhooks whose filters match', async () => {
      const all = await subscribe(relying, '/all');
      const iaas = await subscribe(other, '/iaas', { offerIds: [IAAS] });
      const saas = await subscribe(relying, '/saas', {
        offerIds: [SAAS],
        events: ['label.issued', 'label.flagged'],
      });

      // Real labels through the real workflow: the SaaS runs on the IaaS.
      const dir = mkdtempSync(join(tmpdir(), 'confiance-examples-'));
      for (const f of ['secnumcloud-iaas-fr.json', 'saas-on-labelled-iaas.json'])
        copyFileSync(join(repoRoot, 'examples', f), join(dir, f));
      const seeded = await seedExamples(svc.ctx, dir);
      rmSync(dir, { recursive: true, force: true });
      assert.ok(
        seeded.every((s) => s.level),
        JSON.stringify(seeded),
      );

      assert.deepEqual(await run(), { attempted: 4, delivered: 4, retrying: 0, failed: 0 });
      assert.deepEqual(
        receiver
          .at('/all')
          .map((r) => JSON.parse(r.body).label.offerId)
          .sort(),
        [IAAS, SAAS],
      );
      assert.deepEqual(
        receiver.at('/iaas').map((r) => JSON.parse(r.body).label.offerId),
        [IAAS],
      );
      assert.deepEqual(
        receiver.at('/saas').map((r) => JSON.parse(r.body).label.offerId),
        [SAAS],
      );

      const label = await labelOf(IAAS);
      const revoked = await call('POST', `/v1/labels/${label.id}/revoke`, authority, {
        reason: 'Qualification withdrawn.',
      });
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.deepEqual(await run(), { attempted: 4, delivered: 4, retrying: 0, failed: 0 });

      const [toAll] = receiver.at('/all').filter((r) => JSON.parse(r.body).type === 'label.revoked');
      assert.ok(toAll);
      const body = JSON.parse(toAll.body);
      assert.deepEqual(Object.keys(body).sort(), ['id', 'label', 'occurredAt', 'reason', 'type']);
      assert.equal(body.type, 'label.revoked');
      assert.deepEqual(body.label, { id: label.id, offerId: IAAS, state: 'revoked', level: label.level });
      assert.equal(body.reason, 'Qualification withdrawn.');
      assert.equal(body.occurredAt, svc.clock.now.toISOString());
      assert.equal(toAll.headers['content-type'], 'application/json');
      assert.equal(toAll.headers['x-confiance-event'], 'label.revoked');
      assert.equal(toAll.headers['x-confiance-timestamp'], String(svc.clock.now.getTime() / 1000));
      assert.match(toAll.headers['x-confiance-signature'] as string, /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.equal(verify(all, toAll).ok, true);
      assert.equal(verify(iaas, toAll).ok, false, 'another webhook’s secret must not verify');
      assert.equal(verify(all, { ...toAll, body: toAll.body.replace('revoked', 'issued') }).ok, false);

      // Same event, second subscriber: same event id, its own delivery id and secret.
      const toIaas = receiver.at('/iaas').find((r) => JSON.parse(r.body).type === 'label.revoked')!;
      assert.equal(JSON.parse(toIaas.body).id, body.id);
      assert.notEqual(toIaas.headers['x-confiance-delivery'], toAll.headers['x-confiance-delivery']);
      assert.equal(verify(iaas, toIaas).ok, true);

      // Revoking the IaaS flags the SaaS that runs on it.
      const flagged = receiver.at('/saas').map((r) => JSON.parse(r.body));
      assert.deepEqual(
        flagged.map((b) => b.type),
        ['label.issued', 'label.flagged'],
      );
      assert.equal(flagged[1].label.state, 'active');
      assert.match(flagged[1].reason, new RegExp(IAAS));
      assert.equal(receiver.at('/iaas').length, 2, 'the SaaS flag is not for the IaaS-only webhook');

      const log = await deliveries(iaas.id, other);
      assert.deepEqual(log.map((d) => [d.type, d.state, d.attempts, d.lastStatus]).sort(), [
        ['label.issued', 'delivered', 1, 200],
        ['label.revoked', 'delivered', 1, 200],
      ]);
      const entry = log.find((d) => d.type === 'label.revoked')!;
      assert.equal(entry.id, toIaas.headers['x-confiance-delivery']);
      assert.equal(entry.history.length, 1);
      assert.equal(entry.history[0]!.status, 200);
      assert.equal(entry.history[0]!.startedAt, svc.clock.now.toISOString());

      for (const [hook, party] of [
        [all, relying],
        [iaas, other],
        [saas, relying],
      ] as const) {
        assert.equal((await call('DELETE', `/v1/webhooks/${hook.id}`, party)).statusCode, 204);
      }
    });

    it('retries a failed delivery after the back-off and logs both attempts', async () => {
      const hook = await subscribe(relying, '/flaky', { events: ['label.suspended', 'label.reinstated'] });
      receiver.plan('/flaky', [500]);
      const label = await labelOf(SAAS);
      assert.equal(
        (await call('POST', `/v1/labels/${label.id}/suspend`, authority, { reason: 'Audit pending.' }))
          .statusCode,
        200,
      );

      assert.deepEqual(await run({ random: () => 1 }), {
        attempted: 1,
        delivered: 0,
        retrying: 1,
        failed: 0,
      });
      let [d] = await deliveries(hook.id);
      assert.equal(d!.state, 'pending');
      assert.equal(d!.lastStatus, 500);
      assert.equal(d!.lastError, 'HTTP 500');
      assert.equal(d!.nextAttemptAt, new Date(svc.clock.now.getTime() + 30_000).toISOString());

      assert.equal((await run()).attempted, 0, 'not due before the back-off');
      advance(30_000);
      assert.deepEqual(await run(), { attempted: 1, delivered: 1, retrying: 0, failed: 0 });

      [d] = await deliveries(hook.id);
      assert.equal(d!.state, 'delivered');
      assert.equal(d!.attempts, 2);
      assert.equal(d!.deliveredAt?.slice(0, 16), svc.clock.now.toISOString().slice(0, 16));
      assert.deepEqual(
        d!.history.map((h) => [h.status, h.error]),
        [
          [500, 'HTTP 500'],
          [200, null],
        ],
      );
      const [first, second] = receiver.at('/flaky');
      assert.equal(first!.headers['x-confiance-delivery'], second!.headers['x-confiance-delivery']);
      assert.equal(verify(hook, second!).ok, true);
      assert.equal(verify(hook, first!).ok, true, 'the first attempt was signed 30 s ago, within tolerance');

      assert.equal(
        (await call('POST', `/v1/labels/${label.id}/reinstate`, authority, { reason: 'Audit passed.' }))
          .statusCode,
        200,
      );
      assert.equal((await run()).delivered, 1);
      assert.equal(JSON.parse(receiver.at('/flaky')[2]!.body).label.state, 'active');
      assert.equal((await call('DELETE', `/v1/webhooks/${hook.id}`, relying)).statusCode, 204);
    });

    it('announces a flag raised by re-evaluation when a declaration stops meeting its level', async () => {
      const hook = await subscribe(relying, '/reeval', { events: ['label.flagged'], offerIds: [SAAS] });
      const label = await labelOf(SAAS);
      assert.equal(label.flagged_at, null, 'reinstatement cleared the earlier flag');
      const owner = await svc.ctx.store.db
        .selectFrom('users')
        .selectAll()
        .where('organisation_id', '=', label.organisation_id)
        .executeTakeFirstOrThrow();
      const declaration = JSON.parse(
        readFileSync(join(repoRoot, 'examples', 'saas-on-labelled-iaas.json'), 'utf8'),
      );
      declaration.offer.adminMfa = false;
      await saveDeclaration(svc.ctx, actorFor(owner, 'password'), declaration);
      assert.equal((await run()).delivered, 1);
      const [received] = receiver.at('/reeval');
      const body = JSON.parse(received!.body);
      assert.equal(body.type, 'label.flagged');
      assert.deepEqual(body.label, { id: label.id, offerId: SAAS, state: 'active', level: label.level });
      assert.match(body.reason, /re-evaluation/);
      assert.equal(verify(hook, received!).ok, true);
      assert.equal((await call('DELETE', `/v1/webhooks/${hook.id}`, relying)).statusCode, 204);
    });

    it('gives up after 12 failed attempts', async () => {
      const hook = await subscribe(relying, '/down');
      receiver.down.add('/down');
      const ping = await call('POST', `/v1/webhooks/${hook.id}/test`, relying);
      assert.equal(ping.statusCode, 202, ping.body);
      for (let attempt = 1; attempt <= 12; attempt++) {
        const r = await run();
        assert.equal(r.attempted, 1, `attempt ${attempt}`);
        assert.equal(r.failed, attempt === 12 ? 1 : 0);
        assert.equal(verify(hook, receiver.at('/down').at(-1)!).ok, true, 'each attempt is signed afresh');
        advance(6 * 3600_000);
      }
      assert.equal((await run()).attempted, 0);
      const [d] = await deliveries(hook.id);
      assert.equal(d!.id, ping.json().deliveryId);
      assert.equal(d!.type, 'webhook.ping');
      assert.equal(d!.state, 'failed');
      assert.equal(d!.attempts, 12);
      assert.equal(d!.nextAttemptAt, null);
      assert.equal(d!.history.length, 12);
      assert.ok(d!.history.every((h) => h.status === 500));
      assert.equal(receiver.at('/down').length, 12);
      assert.equal((await call('DELETE', `/v1/webhooks/${hook.id}`, relying)).statusCode, 204);
    });

    it('never shows secrets; other users’ webhooks are not found; the authority may delete any', async () => {
      const hook = await subscribe(relying, '/private');
      assert.match(hook.secret, /^whsec_/);
      const listed = await call('GET', '/v1/webhooks', relying);
      assert.equal(listed.statusCode, 200);
      assert.deepEqual(
        listed.json().items.map((h: { id: string }) => h.id),
        [hook.id],
      );
      assert.ok(!('secret' in listed.json().items[0]));
      assert.ok(!listed.body.includes(hook.secret));
      await call('POST', `/v1/webhooks/${hook.id}/test`, relying);
      assert.ok(
        !(await call('GET', `/v1/webhooks/${hook.id}/deliveries`, relying)).body.includes(hook.secret),
      );
      const audit = await svc.ctx.store.db
        .selectFrom('audit_events')
        .selectAll()
        .where('subject_id', '=', hook.id)
        .execute();
      assert.ok(audit.length > 0 && !JSON.stringify(audit).includes(hook.secret));

      assert.deepEqual((await call('GET', '/v1/webhooks', other)).json().items, []);
      for (const [method, url] of [
        ['GET', `/v1/webhooks/${hook.id}/deliveries`],
        ['POST', `/v1/webhooks/${hook.id}/test`],
        ['DELETE', `/v1/webhooks/${hook.id}`],
      ] as const) {
        const res = await call(method, url, other);
        assert.equal(res.statusCode, 404, `${method} ${url}`);
        assert.equal(res.json().error, 'not_found');
        assert.equal((await call(method, url)).statusCode, 401);
      }
      assert.equal((await call('GET', `/v1/webhooks/${hook.id}/deliveries`, authority)).statusCode, 404);

      assert.equal((await call('DELETE', `/v1/webhooks/${hook.id}`, authority)).statusCode, 204);
      assert.deepEqual((await call('GET', '/v1/webhooks', relying)).json().items, []);
      assert.equal((await call('GET', `/v1/webhooks/${hook.id}/deliveries`, relying)).statusCode, 404);
      assert.equal((await call('DELETE', `/v1/webhooks/${hook.id}`, relying)).statusCode, 404);
      // The queued ping was cancelled with the webhook, not sent.
      const queued = await svc.ctx.store.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('webhook_id', '=', hook.id)
        .execute();
      assert.deepEqual(
        queued.map((q) => [q.state, q.last_error]),
        [['failed', 'webhook deleted']],
      );
      await run();
      assert.equal(receiver.at('/private').length, 0);
    });

    it('records timeouts, refused connections and redirects as failed attempts', async () => {
      const slow = await subscribe(relying, '/slow');
      await call('POST', `/v1/webhooks/${slow.id}/test`, relying);
      const hanging: typeof fetch = (_url, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      assert.equal((await run({ fetch: hanging, timeoutMs: 50 })).retrying, 1);
      assert.equal((await deliveries(slow.id))[0]!.lastError, 'timed out after 50 ms');

      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const res = await call('POST', '/v1/webhooks', relying, {
        url: `http://127.0.0.1:${port}/gone`,
        events: ['label.revoked'],
      });
      const gone = res.json();
      await call('POST', `/v1/webhooks/${gone.id}/test`, relying);
      const redirect = await subscribe(relying, '/moved');
      receiver.plan('/moved', [302]);
      await call('POST', `/v1/webhooks/${redirect.id}/test`, relying);
      assert.equal((await run()).retrying, 2);
      const [refused] = await deliveries(gone.id);
      assert.equal(refused!.lastStatus, null);
      assert.match(refused!.lastError ?? '', /ECONNREFUSED/);
      assert.equal(refused!.history[0]!.status, null);
      assert.equal((await deliveries(redirect.id))[0]!.lastError, 'HTTP 302');
      for (const h of [slow, gone, redirect]) await call('DELETE', `/v1/webhooks/${h.id}`, relying);
    });

    it('delivers each queued event once when workers run concurrently', async () => {
      const hook = await subscribe(relying, '/many');
      for (let i = 0; i < 6; i++)
        assert.equal((await call('POST', `/v1/webhooks/${hook.id}/test`, relying)).statusCode, 202);
      const runs = await Promise.all([run({ limit: 4 }), run({ limit: 4 }), run({ limit: 4 })]);
      assert.equal(
        runs.reduce((n, r) => n + r.delivered, 0),
        6,
      );
      const ids = receiver.at('/many').map((r) => r.headers['x-confiance-delivery']);
      assert.equal(ids.length, 6);
      assert.equal(new Set(ids).size, 6);
      await call('DELETE', `/v1/webhooks/${hook.id}`, relying);
    });

    it('runs in the background: a wake delivers at once, stop waits for the pass in flight', async () => {
      const hook = await subscribe(relying, '/worker');
      const worker = startWebhookWorker(svc.ctx, { intervalMs: 60_000 });
      await call('POST', `/v1/webhooks/${hook.id}/test`, relying);
      worker.wake();
      const deadline = Date.now() + 5_000;
      while (receiver.at('/worker').length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      await worker.stop();
      assert.equal(receiver.at('/worker').length, 1);
      assert.equal((await deliveries(hook.id))[0]!.state, 'delivered');
      await call('DELETE', `/v1/webhooks/${hook.id}`, relying);
    });
  });
}
