/**
 * Interoperability over the real HTTP server: Gaia-X import and label export, OSCAL exports validated
 * against NIST's schemas, the EU Cloud Sovereignty Framework per offer and the registry's SEAL gate.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { validateOscal } from '../../src/interop/oscal/schema.js';
import { seedExamples } from '../../src/workflow/seed.js';
import { repoRoot } from '../helpers/cli.js';
import { createParty, engines, type Party, startService, type TestService } from '../helpers/service.js';
import { expectStatus, injectClient, loadExample, type Reply, WorkflowBuilder } from '../helpers/workflow.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'gaiax', name), 'utf8'));

for (const engine of await engines()) {
  describe(`interoperability API (${engine})`, () => {
    let svc: TestService;
    let provider: Party;
    let assessor: Party;
    let authority: Party;
    let builder: WorkflowBuilder;
    const client = () => injectClient(svc.app);
    const request = (method: string, url: string, as?: Party, payload?: unknown): Promise<Reply> =>
      client().request(method, url, { ...(as ? { as } : {}), ...(payload !== undefined ? { payload } : {}) });

    before(async () => {
      svc = await startService(engine);
      await seedExamples(svc.ctx);
      provider = await createParty(svc, 'provider', '3DS Outscale SAS');
      assessor = await createParty(svc, 'assessor', 'Assessor');
      authority = await createParty(svc, 'authority', 'Authority');
      builder = new WorkflowBuilder(client(), { provider, assessor, authority });
    });
    after(() => svc.close());

    describe('Gaia-X import', () => {
      it('drafts a declaration from an unsigned presentation when allowed, with sources and missing fields', async () => {
        const body = expectStatus(
          await request('POST', '/v1/interop/gaiax/import?lang=en', provider, {
            document: fixture('provider-vp.unsigned.json'),
            allowUnsigned: true,
          }),
          200,
          'import',
        );
        assert.equal(body.ok, true);
        assert.equal(body.vocabulary, '22.10');
        assert.ok(body.declaration.offer.id);
        assert.ok(body.provenance.length > 5, 'every mapped field records its source');
        assert.ok(
          body.provenance.every((p: { field: string; source: { path: string } }) => p.field && p.source.path),
        );
        assert.ok(body.missing.length > 0, 'what is left to declare is listed');
        assert.ok(body.evaluation.counts['missing-data'] > 0);
        // The draft is accepted as a declaration by the project's own route.
        const saved = await request('POST', '/v1/declarations', provider, body.declaration);
        assert.equal(saved.statusCode, 201, saved.body);
      });

      it('refuses unsigned credentials by default, naming each one', async () => {
        const res = await request('POST', '/v1/interop/gaiax/import', provider, {
          document: fixture('provider-vp.unsigned.json'),
        });
        assert.equal(res.statusCode, 400);
        const body = res.json();
        assert.equal(body.error, 'bad_request');
        assert.ok(body.details.length > 0);
        assert.ok(body.details.every((d: { path: string }) => d.path.startsWith('$.verifiableCredential[')));
      });

      it('names the field of a malformed self-description', async () => {
        const res = await request('POST', '/v1/interop/gaiax/import', provider, {
          document: fixture('wrong-structure.json'),
          allowUnsigned: true,
        });
        assert.equal(res.statusCode, 400);
        assert.ok(res.json().details.some((d: { path: string }) => d.path.startsWith('$')));
      });

      it('requires a signed-in caller', async () => {
        const res = await request('POST', '/v1/interop/gaiax/import', undefined, { document: {} });
        assert.equal(res.statusCode, 401);
      });
    });

    describe('OSCAL', () => {
      it('serves the referential as a schema-valid catalog, byte-identical on every call', async () => {
        const a = await request('GET', '/v1/referentials/cloud-de-confiance/1.0.0/oscal?lang=en');
        const b = await request('GET', '/v1/referentials/cloud-de-confiance/1.0.0/oscal?lang=en');
        assert.equal(a.statusCode, 200, a.body);
        assert.equal(a.body, b.body);
        assert.deepEqual(validateOscal('catalog', a.json()), []);
        assert.ok(a.json().catalog.groups.length > 0);
        const csf = await request('GET', '/v1/referentials/eu-csf/1.0.0/oscal');
        assert.equal(csf.statusCode, 200, csf.body);
        assert.deepEqual(validateOscal('catalog', csf.json()), []);
        assert.equal(
          (await request('GET', '/v1/referentials/cloud-de-confiance/9.9.9/oscal')).statusCode,
          404,
        );
      });

      it("exports an application's evaluation and the assessor's verdicts as assessment-results", async () => {
        const built = await builder.build('reviewed');
        const url = `/v1/applications/${built.applicationId}/oscal`;
        const res = await request('GET', url, provider);
        assert.equal(res.statusCode, 200, res.body);
        const doc = res.json();
        assert.deepEqual(validateOscal('assessment-results', doc), []);
        const result = doc['assessment-results'].results[0];
        assert.ok(result.findings.length > 0);
        assert.ok(JSON.stringify(doc).includes('Checked by the assessor.'), 'verdict comments are carried');
        assert.equal((await request('GET', url, provider)).body, res.body, 'same bytes twice');
        assert.equal((await request('GET', url)).statusCode, 401);
        const stranger = await createParty(svc, 'provider');
        assert.equal((await request('GET', url, stranger)).statusCode, 404);
      });
    });

    describe('Gaia-X label export', () => {
      let labelId: string;
      before(async () => {
        const built = await builder.build('granted');
        labelId = built.labelId!;
      });

      it('maps the label level and digests the referential and the declaration', async () => {
        const res = await request('GET', `/v1/labels/${labelId}/gaiax`);
        assert.equal(res.statusCode, 200, res.body);
        assert.match(String(res.headers['content-type']), /application\/ld\+json/);
        const vc = res.json();
        assert.ok(vc.type.includes('VerifiableCredential'));
        const subject = vc.credentialSubject;
        assert.equal(
          subject['gx:labelLevel'],
          'L3',
          'trusted → Label Level 3 (gaiaxLabelLevel of the referential)',
        );
        const covered = subject['gx:compliantCredentials'];
        assert.ok(Array.isArray(covered) && covered.length === 3, JSON.stringify(subject));
        for (const c of covered) assert.match(c['gx:integrity'], /^sha256-[0-9a-f]{64}$/);
        assert.equal((await request('GET', `/v1/labels/${labelId}/gaiax`)).body, res.body);
      });

      it('signs it as a VC-JWT by the authority when asked', async () => {
        const res = await request('GET', `/v1/labels/${labelId}/gaiax?format=jwt`);
        assert.equal(res.statusCode, 200, res.body);
        const claims = decodeJwt(res.body);
        assert.equal(claims.issuer, svc.ctx.issuer.did);
        assert.equal(decodeProtectedHeader(res.body).typ, 'vc+ld+json+jwt');
        assert.equal((await request('GET', '/v1/labels/no-such-label/gaiax')).statusCode, 404);
      });
    });

    describe('EU Cloud Sovereignty Framework', () => {
      it('shows an offer side by side: French level, Gaia-X level, SEAL per objective', async () => {
        const res = await request('GET', '/v1/registry/offers/outscale-iaas-cloudgouv/sovereignty?lang=en');
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.equal(body.label.level, 'trusted');
        assert.equal(body.gaiax.labelLevel, 'L3');
        assert.deepEqual(Object.keys(body.seal), [
          'SOV-1',
          'SOV-2',
          'SOV-3',
          'SOV-4',
          'SOV-5',
          'SOV-6',
          'SOV-7',
          'SOV-8',
        ]);
        assert.deepEqual(body.seal['SOV-1'], { min: 2, max: 4 });
        assert.ok(body.assessment.objectives.some((o: { status: string }) => o.status !== 'assessed'));
      });

      it('checks a tender gate per offer', async () => {
        const pass = (
          await request('GET', '/v1/registry/offers/outscale-iaas-cloudgouv/sovereignty?gate=SOV-1:2')
        ).json();
        assert.equal(pass.gate.status, 'pass');
        const fail = (
          await request('GET', '/v1/registry/offers/hyperscaler-eu-west-3/sovereignty?gate=SOV-1:2')
        ).json();
        assert.equal(fail.gate.status, 'fail');
        const unknown = (
          await request('GET', '/v1/registry/offers/outscale-iaas-cloudgouv/sovereignty?gate=SOV-1:4')
        ).json();
        assert.equal(unknown.gate.status, 'undetermined', 'an unproven level is neither a pass nor a fail');
        const bad = await request(
          'GET',
          '/v1/registry/offers/outscale-iaas-cloudgouv/sovereignty?gate=SOV-9:2',
        );
        assert.equal(bad.statusCode, 400);
        assert.ok(bad.json().details[0].message.includes('SOV-9'));
        assert.equal((await request('GET', '/v1/registry/offers/no-such-offer/sovereignty')).statusCode, 404);
      });

      it('filters the registry search on proven SEAL levels', async () => {
        const search = async (q: string) => {
          const res = await request('GET', `/v1/registry/offers?${q}&limit=100`);
          assert.equal(res.statusCode, 200, res.body);
          return (res.json().items as Array<{ offer: { id: string } }>).map((i) => i.offer.id).sort();
        };
        const all = await search('state=active');
        const sov1 = await search('seal=SOV-1:2');
        assert.ok(!sov1.includes('hyperscaler-eu-west-3'));
        assert.ok(
          !sov1.includes('partage-docs-saas'),
          'its SOV-1 facts are not in the declaration: not proven',
        );
        assert.ok(sov1.includes('outscale-iaas-cloudgouv'));
        assert.ok(sov1.length < all.length);
        const both = await search('seal=SOV-1:2,SOV-3:1');
        assert.ok(both.every((id) => sov1.includes(id)));
        assert.ok(!both.includes('sante-hebergement-hds'), 'provider-held keys: SOV-3 is SEAL-0');
        assert.deepEqual(
          await search('seal=SOV-1:2&seal=SOV-3:1'),
          both,
          'repeated parameters are all required',
        );
        const bad = await request('GET', '/v1/registry/offers?seal=SOV-1:7');
        assert.equal(bad.statusCode, 400);
        assert.ok(bad.json().details.some((d: { path: string }) => d.path.includes('seal')));
      });

      it('assesses a submitted declaration without storing it', async () => {
        const declaration = loadExample('us-hyperscaler-paris.json');
        const res = await request('POST', '/v1/sovereignty/assess?lang=en', provider, {
          declaration,
          gate: 'SOV-3:2',
        });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.equal(body.gate.status, 'fail');
        assert.equal(body.objectives.length, 8);
        const bad = await request('POST', '/v1/sovereignty/assess', provider, { declaration: { offer: {} } });
        assert.equal(bad.statusCode, 400);
        assert.ok(bad.json().details.every((d: { path: string }) => d.path.startsWith('$.declaration')));
        assert.equal(
          (await request('POST', '/v1/sovereignty/assess', undefined, { declaration })).statusCode,
          401,
        );
      });
    });
  });
}
