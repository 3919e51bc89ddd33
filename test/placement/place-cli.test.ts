/**
 * `confiance place` against a real server (signed receipts, checked by the CLI) and offline from a signed
 * registry snapshot; `confiance place verify` with nothing but the DID document.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seedExamples } from '../../src/workflow/seed.js';
import { type CliResult, repoRoot } from '../helpers/cli.js';
import { startService, type TestService } from '../helpers/service.js';

/** The CLI in a child process without blocking this one, which serves its requests. */
function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'confiance.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', CONFIANCE_SERVER: '', CONFIANCE_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

describe('confiance place', () => {
  let svc: TestService;
  let url: string;
  const file = (name: string) => join(svc.dir, name);

  before(async () => {
    svc = await startService('sqlite');
    await seedExamples(svc.ctx);
    await svc.app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(svc.app.server.address() as AddressInfo).port}`;
    const get = async (path: string) => (await svc.app.inject({ method: 'GET', url: path })).body;
    writeFileSync(file('did.json'), await get('/.well-known/did.json'));
    writeFileSync(file('snapshot.jwt'), await get('/v1/registry/snapshot'));
  });
  after(() => svc?.close());

  it('asks the server, checks the signed receipt and saves it; exit 0 when allowed', async () => {
    const r = await cli([
      'place',
      '--server',
      url,
      '--class',
      'sensitive',
      '--offer',
      'outscale-iaas-cloudgouv',
      '--region',
      'cloudgouv-eu-west-1',
      '--receipt',
      file('receipt.jwt'),
    ]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /✔ autorisé — Données d'une sensibilité particulière \(sensitive\)/);
    assert.match(r.stdout, /label +Label de niveau trusted actif/);
    assert.match(r.stdout, /reçu signé urn:uuid:/);
    assert.match(readFileSync(file('receipt.jwt'), 'utf8'), /^ey[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('exits 1 when denied, and prints the receipt as JSON on request', async () => {
    const r = await cli([
      'place',
      '--server',
      url,
      '--class',
      'sensitive',
      '--offer',
      'hyperscaler-eu-west-3',
      '--json',
      '--lang',
      'en',
    ]);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.signed, true);
    assert.equal(out.receipt.outcome, 'denied');
    assert.match(out.receipt.reasons[0].text, /below the required trusted/);
  });

  it("relays the server's refusal of a bad question with exit 2", async () => {
    const r = await cli(['place', '--server', url, '--class', 'secret']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown data class "secret"/);
    assert.match(r.stderr, /--class: one of: public, internal, personal, health, sensitive/);
  });

  it('verifies a receipt offline with the DID document, and refuses a forged one', async () => {
    const ok = await cli(['place', 'verify', file('receipt.jwt'), '--did', file('did.json'), '--lang', 'en']);
    assert.equal(ok.status, 0, ok.stderr + ok.stdout);
    assert.match(ok.stdout, /valid receipt/);
    assert.match(ok.stdout, /revocation https:\/\/label\.test\/v1\/status-lists\/[\w-]+#\d+/);
    const [h, p, s] = readFileSync(file('receipt.jwt'), 'utf8').trim().split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.outcome = 'denied';
    writeFileSync(
      file('forged.jwt'),
      `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`,
    );
    const bad = await cli(['place', 'verify', file('forged.jwt'), '--did', file('did.json')]);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /reçu invalide|invalid receipt/);
    const viaServer = await cli(['place', 'verify', file('receipt.jwt'), '--server', url, '--json']);
    assert.equal(JSON.parse(viaServer.stdout).valid, true);
  });

  it('decides offline from the signed snapshot, saying the answer is unsigned', async () => {
    const r = await cli([
      'place',
      '--snapshot',
      file('snapshot.jwt'),
      '--did',
      file('did.json'),
      '--class',
      'health',
    ]);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /offres et régions éligibles/);
    assert.match(r.stdout, /sante-hebergement-hds/);
    assert.match(r.stdout, /décision locale, non signée/);
    const aws = await cli([
      'place',
      '--snapshot',
      file('snapshot.jwt'),
      '--did',
      file('did.json'),
      '--class',
      'personal',
      '--provider',
      'aws',
      '--region',
      'eu-west-3',
      '--lang',
      'en',
    ]);
    assert.equal(aws.status, 1, aws.stderr);
    assert.match(aws.stdout, /No labelled offer covers region eu-west-3 of aws/);
  });

  it('applies a SEAL gate with --seal: exit 0 when proven, 1 when below, 2 when malformed', async () => {
    const ask = (seal: string, lang = 'en') =>
      cli([
        'place',
        '--server',
        url,
        '--class',
        'sensitive',
        '--offer',
        'outscale-iaas-cloudgouv',
        '--region',
        'cloudgouv-eu-west-1',
        '--seal',
        seal,
        '--lang',
        lang,
      ]);
    const met = await ask('SOV-1:2', 'fr');
    assert.equal(met.status, 0, met.stderr + met.stdout);
    assert.match(met.stdout, /minimum SEAL prouvé exigé : SOV-1:2/);
    assert.match(met.stdout, /souveraineté +Niveaux SEAL prouvés : SOV-1 \(SEAL-2 à SEAL-4\)/);
    const below = await ask('SOV-2:3,SOV-3:3');
    assert.equal(below.status, 1, below.stderr + below.stdout);
    assert.match(below.stdout, /sovereignty +SEAL level below the required minimum/);
    assert.match(below.stdout, /SOV-3\s+\(SEAL-1 to SEAL-2\)/);
    const bad = await ask('SOV-9:3');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /invalid --seal/);
    assert.match(bad.stderr, /--seal: "SOV-9" is not an objective/);
    // The signed registry snapshot carries each offer's SEAL bounds: offline answers agree with online ones.
    const offline = await cli([
      'place',
      '--snapshot',
      file('snapshot.jwt'),
      '--did',
      file('did.json'),
      '--class',
      'public',
      '--offer',
      'outscale-iaas-cloudgouv',
      '--seal',
      'SOV-1:2',
      '--lang',
      'en',
    ]);
    assert.equal(offline.status, 0, offline.stderr + offline.stdout);
    assert.match(offline.stdout, /SOV-1 \(SEAL-2 to SEAL-4\)/);
    const offlineBelow = await cli([
      'place',
      '--snapshot',
      file('snapshot.jwt'),
      '--did',
      file('did.json'),
      '--class',
      'public',
      '--offer',
      'outscale-iaas-cloudgouv',
      '--seal',
      'SOV-3:3',
      '--lang',
      'en',
    ]);
    assert.equal(offlineBelow.status, 1, offlineBelow.stderr + offlineBelow.stdout);
    assert.match(offlineBelow.stdout, /SOV-3 \(SEAL-1 to\s+SEAL-2\)/);
  });

  it('scans against the server: its signed snapshot, checked, then decided locally', async () => {
    writeFileSync(
      file('plan.json'),
      readFileSync(join(repoRoot, 'test', 'fixtures', 'terraform', 'multi-cloud.plan.json'), 'utf8'),
    );
    const r = await cli([
      'scan',
      file('plan.json'),
      '--server',
      url,
      '--class',
      'personal',
      '--format',
      'json',
    ]);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.registry.from, url);
    assert.equal(out.registry.issuer, 'did:web:label.test');
    const secret = out.findings.find((f: { id: string }) => f.id === 'outscale_volume.secret');
    assert.equal(secret.status, 'allowed', 'the seeded registry labels outscale-iaas-cloudgouv trusted');
    assert.equal(secret.placements[0].offer.id, 'outscale-iaas-cloudgouv');

    // A SEAL gate the offer's proven levels do not reach denies the same resource, saying why.
    const gated = await cli([
      'scan',
      file('plan.json'),
      '--server',
      url,
      '--class',
      'personal',
      '--seal',
      'SOV-3:3',
      '--format',
      'json',
      '--lang',
      'en',
    ]);
    assert.equal(gated.status, 1, gated.stderr);
    const denied = JSON.parse(gated.stdout).findings.find(
      (f: { id: string }) => f.id === 'outscale_volume.secret',
    );
    assert.equal(denied.status, 'denied');
    const reason = denied.placements[0].reasons.find(
      (x: { requirement: string }) => x.requirement === 'sovereignty',
    );
    assert.equal(reason.status, 'fail');
    assert.match(reason.text, /SOV-3/);
    const bad = await cli(['scan', file('plan.json'), '--server', url, '--seal', 'SOV-9:1']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /"SOV-9" is not an objective/);
  });

  it('refuses a snapshot whose signature does not match the DID document (exit 2)', async () => {
    const other = JSON.parse(readFileSync(file('did.json'), 'utf8'));
    other.verificationMethod[0].publicKeyJwk.x = Buffer.alloc(32, 7).toString('base64url');
    writeFileSync(file('other-did.json'), JSON.stringify(other));
    const r = await cli([
      'place',
      '--snapshot',
      file('snapshot.jwt'),
      '--did',
      file('other-did.json'),
      '--class',
      'public',
    ]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not trustworthy \(bad-signature\)/);
  });
});
