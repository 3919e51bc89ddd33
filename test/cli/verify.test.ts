import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { actorFor, getUser } from '../../src/workflow/accounts.js';
import { changeLabelState } from '../../src/workflow/labels.js';
import { seedExamples } from '../../src/workflow/seed.js';
import { runCli } from '../helpers/cli.js';
import { startService, type TestService } from '../helpers/service.js';

describe('confiance verify and confiance log verify against a real service', () => {
  let svc: TestService;
  let labelId: string;
  let dir: string;
  const files: Record<string, string> = {};

  before(async () => {
    svc = await startService('sqlite', {}, { fileKeys: true });
    dir = svc.dir;
    await seedExamples(svc.ctx);
    const label = await svc.ctx.store.db
      .selectFrom('labels')
      .selectAll()
      .where('offer_id', '=', 'outscale-iaas-cloudgouv')
      .executeTakeFirstOrThrow();
    labelId = label.id;
    const get = async (url: string) => {
      const r = await svc.app.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
      return r.body;
    };
    const save = (name: string, content: string) => {
      files[name] = join(dir, name);
      writeFileSync(files[name]!, content);
    };
    save('label.jwt', await get(`/v1/labels/${labelId}/credential`));
    save('did.json', await get('/.well-known/did.json'));
    save('rev.jwt', await get(`/v1/status-lists/${label.revocation_list}`));
    save('sus.jwt', await get(`/v1/status-lists/${label.suspension_list}`));
    save('inclusion.json', await get(`/v1/labels/${labelId}/inclusion`));
    save('checkpoint.txt', await get('/v1/log/checkpoint'));
  });
  after(() => svc.close());

  const offline = (label: string, extra: string[] = []) =>
    runCli([
      'verify',
      label,
      '--offline',
      '--did',
      files['did.json']!,
      '--status',
      files['rev.jwt']!,
      '--status',
      files['sus.jwt']!,
      '--inclusion',
      files['inclusion.json']!,
      '--checkpoint',
      files['checkpoint.txt']!,
      '--json',
      ...extra,
    ]);

  it('verifies a label offline with only downloaded files', () => {
    const r = offline(files['label.jwt']!);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.status, 'valid');
    assert.equal(result.checks.log.included, true);
    assert.equal(result.checks.revocation.set, false);
  });

  it('fails with the right reason after tampering', () => {
    const token = readFileSync(files['label.jwt']!, 'utf8');
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.credentialSubject.level = 'trusted';
    payload.credentialSubject.offer.name = 'Forged offer';
    const forged = join(dir, 'forged.jwt');
    writeFileSync(forged, `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`);
    const r = offline(forged);
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.stdout).status, 'bad-signature');

    const garbage = join(dir, 'garbage.jwt');
    writeFileSync(garbage, 'not-a-token');
    assert.equal(JSON.parse(offline(garbage).stdout).status, 'malformed');

    const otherDid = JSON.parse(readFileSync(files['did.json']!, 'utf8'));
    otherDid.verificationMethod = [];
    otherDid.assertionMethod = [];
    const emptyDid = join(dir, 'empty-did.json');
    writeFileSync(emptyDid, JSON.stringify(otherDid));
    const unknown = runCli(['verify', files['label.jwt']!, '--offline', '--did', emptyDid, '--json']);
    assert.equal(JSON.parse(unknown.stdout).status, 'unknown-key');
  });

  it('shows revoked after revocation, with the new status list', async () => {
    const authority = await svc.ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'authority')
      .executeTakeFirstOrThrow();
    const actor = actorFor(await getUser(svc.ctx.store.db, authority.id), 'password');
    await changeLabelState(svc.ctx, {
      labelId,
      action: 'revoke',
      reason: 'test revocation',
      actor: actor.userId,
    });
    const label = await svc.ctx.store.db
      .selectFrom('labels')
      .selectAll()
      .where('id', '=', labelId)
      .executeTakeFirstOrThrow();
    const list = await svc.app.inject({ method: 'GET', url: `/v1/status-lists/${label.revocation_list}` });
    const fresh = join(dir, 'rev-after.jwt');
    writeFileSync(fresh, list.body);
    const r = runCli([
      'verify',
      files['label.jwt']!,
      '--offline',
      '--did',
      files['did.json']!,
      '--status',
      fresh,
      '--status',
      files['sus.jwt']!,
      '--json',
    ]);
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.stdout).status, 'revoked');
  });

  it('audits the stored log, and reports a tampered leaf precisely', async () => {
    const env = { CONFIANCE_DATA_DIR: dir, CONFIANCE_LOG_ORIGIN: 'label.test/log' };
    const ok = runCli(['log', 'verify', '--json'], { env });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(JSON.parse(ok.stdout).ok, true);

    const leaf = await svc.ctx.store.db
      .selectFrom('log_leaves')
      .selectAll()
      .where('idx', '=', 3)
      .executeTakeFirstOrThrow();
    const tampered = leaf.entry.replace(/"at":"[^"]+"/, '"at":"2020-01-01T00:00:00.000Z"');
    await svc.ctx.store.db.updateTable('log_leaves').set({ entry: tampered }).where('idx', '=', 3).execute();
    const bad = runCli(['log', 'verify', '--json'], { env });
    assert.equal(bad.status, 1);
    const result = JSON.parse(bad.stdout);
    assert.equal(result.ok, false);
    assert.equal(result.at.leafIndex, 3);
  });
});
