import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { FileKeyProvider } from '../../src/credentials/index.js';
import { createContext } from '../../src/workflow/bootstrap.js';
import { auditStoredLog } from '../../src/workflow/log-audit.js';
import { verifyOnline } from '../../src/workflow/publication.js';
import { repoRoot } from '../helpers/cli.js';
import { auth, createParty, type Party, startService, type TestService } from '../helpers/service.js';

const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'secnumcloud-iaas-fr.json'), 'utf8'));

/** Drives a copy of the example (with its own offer id) to a reviewed application; returns its id. */
async function reviewedApplication(
  svc: TestService,
  parties: { provider: Party; assessor: Party; authority: Party },
  offerId: string,
) {
  const call = async (url: string, party: Party, payload: unknown) => {
    const r = await svc.app.inject({ method: 'POST', url, headers: auth(party), payload: payload as object });
    assert.ok(r.statusCode < 300, `${url}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  await call('/v1/declarations', parties.provider, { ...example, offer: { ...example.offer, id: offerId } });
  const app = await call('/v1/applications', parties.provider, { offerId, targetLevel: 'trusted' });
  await call(`/v1/applications/${app.id}/assign`, parties.authority, { assessorId: parties.assessor.userId });
  await call(`/v1/applications/${app.id}/verdicts`, parties.assessor, {
    verdicts: [{ criterionId: 'CDC-IMM-03', status: 'pass', comment: 'checked' }],
  });
  await call(`/v1/applications/${app.id}/complete-review`, parties.assessor, {});
  return app.id as string;
}

async function counts(svc: TestService) {
  const db = svc.ctx.store.db;
  const one = async (table: 'labels' | 'log_leaves' | 'checkpoints') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const lists = await db
    .selectFrom('status_lists')
    .select(['id', 'next_index', 'bits'])
    .orderBy('id')
    .execute();
  return {
    labels: await one('labels'),
    leaves: await one('log_leaves'),
    checkpoints: await one('checkpoints'),
    lists,
  };
}

describe('issuance is all or nothing', () => {
  let svc: TestService;
  let parties: { provider: Party; assessor: Party; authority: Party };
  before(async () => {
    svc = await startService('sqlite', {}, { fileKeys: true });
    parties = {
      provider: await createParty(svc, 'provider'),
      assessor: await createParty(svc, 'assessor'),
      authority: await createParty(svc, 'authority'),
    };
  });
  after(() => svc.close());

  // A trigger aborting one statement simulates the process dying at that step of the transaction.
  const crashPoints: Array<[string, string]> = [
    [
      'status index allocation',
      "CREATE TRIGGER crash BEFORE UPDATE OF next_index ON status_lists BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
    ],
    [
      'log append',
      "CREATE TRIGGER crash BEFORE INSERT ON log_leaves BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
    ],
    [
      'checkpoint',
      "CREATE TRIGGER crash BEFORE INSERT ON checkpoints BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
    ],
    [
      'label row',
      "CREATE TRIGGER crash BEFORE INSERT ON labels BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
    ],
    [
      'decision row',
      "CREATE TRIGGER crash BEFORE INSERT ON decisions BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
    ],
  ];

  for (const [step, trigger] of crashPoints) {
    it(`leaves nothing behind when it fails at the ${step}`, async () => {
      const id = await reviewedApplication(svc, parties, `offer-crash-${step.replace(/\W+/g, '-')}`);
      const before = await counts(svc);
      await sql.raw(trigger).execute(svc.ctx.store.db);
      try {
        const r = await svc.app.inject({
          method: 'POST',
          url: `/v1/applications/${id}/decision`,
          headers: auth(parties.authority),
          payload: { outcome: 'grant', level: 'trusted' },
        });
        assert.equal(r.statusCode, 500);
        assert.doesNotMatch(r.body, /simulated crash|at .*\.ts/, 'no internals leak to the client');
      } finally {
        await sql.raw('DROP TRIGGER crash').execute(svc.ctx.store.db);
      }
      assert.deepEqual(await counts(svc), before);
      const app = await svc.app.inject({
        method: 'GET',
        url: `/v1/applications/${id}`,
        headers: auth(parties.authority),
      });
      assert.equal(app.json().state, 'reviewed', 'the decision can be taken again');
      const retry = await svc.app.inject({
        method: 'POST',
        url: `/v1/applications/${id}/decision`,
        headers: auth(parties.authority),
        payload: { outcome: 'grant', level: 'trusted' },
      });
      assert.equal(retry.statusCode, 200, retry.body);
      const after = await counts(svc);
      assert.equal(after.labels, before.labels + 1);
      assert.equal(after.leaves, before.leaves + 1);
    });
  }

  it('keeps the log consistent across a restart and older labels valid across a key rotation', async () => {
    const firstLabel = await svc.ctx.store.db
      .selectFrom('labels')
      .select(['id', 'credential'])
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    // Restart: a new context on the same database and key directory; rotate the keys in between.
    const rotated = await FileKeyProvider.open(svc.config.keysDir, svc.clock.now);
    const oldKid = rotated.activeKey().kid;
    await rotated.rotate(svc.clock.now);
    const ctx2 = await createContext(svc.config, { clock: () => svc.clock.now });
    try {
      assert.notEqual(ctx2.issuer.keys.activeKey().kid, oldKid);
      const old = await verifyOnline(ctx2, firstLabel.credential);
      assert.equal(old.status, 'valid', old.reasons.join('; '));
      assert.equal(old.checks.keyStatus, 'retired');
      const audit = await auditStoredLog(ctx2.store.db, {
        origin: ctx2.issuer.logOrigin,
        keys: ctx2.issuer.keys.keys().map((k) => ({
          name: ctx2.issuer.logOrigin,
          publicKey: new Uint8Array(Buffer.from(k.publicJwk.x, 'base64url')),
        })),
      });
      assert.equal(audit.ok, true, JSON.stringify(audit));
    } finally {
      await ctx2.store.close();
    }
  });
});
