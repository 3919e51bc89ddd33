/**
 * Placement decisions through the real HTTP server, over a registry filled by the real workflow (the
 * example declarations, declared, reviewed and labelled), on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DidDocument } from '../../src/credentials/types.js';
import { verifyPlacementReceipt } from '../../src/placement/receipt.js';
import { changeLabelState } from '../../src/workflow/labels.js';
import { seedExamples } from '../../src/workflow/seed.js';
import { createParty, engines, type Party, startService, type TestService } from '../helpers/service.js';
import {
  type Client,
  EXAMPLES,
  injectClient,
  type Json,
  loadExample,
  WorkflowBuilder,
} from '../helpers/workflow.js';

for (const engine of await engines()) {
  describe(`placement API (${engine})`, () => {
    let svc: TestService;
    let client: Client;
    let did: DidDocument;
    let member: Party;
    let outsider: Party;
    let awsOffer: string;

    before(async () => {
      svc = await startService(engine);
      client = injectClient(svc.app);
      await seedExamples(svc.ctx);
      did = (await client.request('GET', '/.well-known/did.json')).json();
      member = await createParty(svc, 'provider', 'Ministère (relying party)');
      outsider = await createParty(svc, 'provider', 'Other organisation');
      const authority = await createParty(svc, 'authority', 'Authority');
      const assessor = await createParty(svc, 'assessor', 'Assessor');
      const builder = new WorkflowBuilder(client, { authority, assessor, provider: member });
      // The qualified IaaS example, re-declared as a provider whose registry id the catalogue links to AWS.
      const declaration = JSON.parse(
        JSON.stringify(loadExample(EXAMPLES.iaas))
          .replaceAll('"outscale"', '"aws"')
          .replaceAll('cloudgouv-eu-west-1', 'eu-west-3'),
      );
      const built = await builder.build('granted', { declaration, level: 'eu-data' });
      awsOffer = built.offerId;
    });
    after(() => svc?.close());

    const decide = async (payload: Json, as?: Party) => {
      const reply = await client.request('POST', '/v1/placement/decisions', {
        payload,
        ...(as ? { as } : {}),
      });
      return reply;
    };
    const ok = async (payload: Json, as?: Party) => {
      const reply = await decide(payload, as);
      assert.equal(reply.statusCode, 200, reply.body);
      return reply.json() as { receipt: Json; jws: string };
    };

    it('allows sensitive data on the SecNumCloud region, with a receipt anyone can verify offline', async () => {
      const { receipt, jws } = await ok({
        class: 'sensitive',
        offer: 'outscale-iaas-cloudgouv',
        region: 'cloudgouv-eu-west-1',
        lang: 'en',
      });
      assert.equal(receipt.outcome, 'allowed');
      assert.deepEqual(
        receipt.reasons.map((r: Json) => [r.requirement, r.status]),
        [
          ['label', 'pass'],
          ['territory', 'pass'],
        ],
      );
      assert.match(receipt.reasons[1].text, /France \(FR\), inside the allowed territory/);
      const checked = await verifyPlacementReceipt(jws, did);
      assert.equal(checked.valid, true, JSON.stringify(checked));
      if (!checked.valid) return;
      assert.deepEqual(checked.receipt, receipt, 'the JSON answer is what was signed');
      // What the answer relied on: the label with its status-list entries, the referential, the log.
      const entry = (await client.request('GET', '/v1/registry/offers/outscale-iaas-cloudgouv')).json();
      assert.deepEqual(receipt.reliedOn, [
        {
          labelId: entry.labelId,
          offer: { id: entry.offer.id, name: entry.offer.name },
          provider: { id: entry.provider.id, name: entry.provider.name },
          level: 'trusted',
          state: 'active',
          validUntil: entry.validUntil,
          credentialDigest: entry.credentialDigest,
          status: entry.status,
        },
      ]);
      const published = await svc.ctx.store.db
        .selectFrom('referentials')
        .select(['id', 'version', 'digest'])
        .executeTakeFirstOrThrow();
      assert.deepEqual(receipt.referential, published);
      assert.match(receipt.log.checkpoint, /^label\.test\/log\n\d+\n/);
      assert.equal(receipt.dataClass.minimumLevel, 'trusted');
      assert.deepEqual(receipt.dataClass.territories, ['FR']);
    });

    it('refuses a receipt whose bytes were changed', async () => {
      const { jws } = await ok({ class: 'sensitive', offer: 'outscale-iaas-cloudgouv' });
      const [h, p, s] = jws.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      payload.outcome = 'denied';
      const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      assert.equal((await verifyPlacementReceipt(forged, did)).valid, false);
      const other = { ...did, id: 'did:web:someone.else' };
      assert.equal((await verifyPlacementReceipt(jws, other)).valid, false);
    });

    it('denies sensitive data on a baseline offer, and says why in French by default', async () => {
      const { receipt } = await ok({
        class: 'sensitive',
        offer: 'hyperscaler-eu-west-3',
        region: 'eu-west-3',
      });
      assert.equal(receipt.outcome, 'denied');
      const failed = receipt.reasons.filter((r: Json) => r.status === 'fail');
      assert.deepEqual(
        failed.map((r: Json) => r.code),
        ['label.level'],
      );
      assert.match(failed[0].text, /niveau baseline, inférieur au niveau trusted exigé/);
    });

    it('lists where health data may go: labelled at eu-data or above, in the EEA, HDS-certified', async () => {
      const { receipt } = await ok({ class: 'health', lang: 'en' });
      assert.equal(receipt.outcome, 'allowed');
      const offers = receipt.candidates.map((c: Json) => c.offer);
      assert.ok(offers.includes('sante-hebergement-hds'), offers.join(', '));
      assert.ok(offers.includes('outscale-iaas-cloudgouv'));
      assert.ok(!offers.includes('hyperscaler-eu-west-3'), 'baseline level');
      for (const c of receipt.candidates) {
        assert.equal(c.allowed, true);
        assert.ok(c.reasons.some((r: Json) => r.code === 'certification.held'));
      }
      assert.equal(receipt.eligible, receipt.candidates.length);
      assert.equal(receipt.reliedOn.length, new Set(offers).size);
    });

    it('resolves aws + eu-west-3 to Paris, FR, the labelled offer there and its level', async () => {
      const region = (await client.request('GET', '/v1/regions/aws/eu-west-3')).json();
      assert.deepEqual(region.region, {
        provider: 'aws',
        code: 'eu-west-3',
        countries: ['FR'],
        city: 'Paris',
      });
      assert.deepEqual(
        region.offers.map((o: Json) => [o.id, o.level]),
        [[awsOffer, 'eu-data']],
      );
      const personal = await ok({ class: 'personal', provider: 'aws', region: 'eu-west-3a' });
      assert.equal(personal.receipt.outcome, 'allowed');
      assert.equal(personal.receipt.candidates[0].offer, awsOffer);
      assert.deepEqual(personal.receipt.location.countries, ['FR']);
      const sensitive = await ok({ class: 'sensitive', provider: 'aws', region: 'eu-west-3' });
      assert.equal(sensitive.receipt.outcome, 'denied');
      const frankfurt = await ok({ class: 'personal', provider: 'aws', region: 'eu-central-1' });
      assert.deepEqual(
        frankfurt.receipt.reasons.filter((r: Json) => r.status === 'fail').map((r: Json) => r.code),
        ['label.none'],
        'no labelled offer covers Frankfurt',
      );
      const catalogue = (await client.request('GET', '/v1/regions')).json();
      assert.ok(
        catalogue.items.some(
          (p: Json) => p.id === 'outscale' && p.regions.some((r: Json) => r.code === 'cloudgouv-eu-west-1'),
        ),
      );
    });

    it('answers the bare receipt to `Accept: application/jwt`', async () => {
      const reply = await client.request('POST', '/v1/placement/decisions', {
        payload: { class: 'public' },
        headers: { accept: 'application/jwt' },
      });
      assert.equal(reply.statusCode, 200);
      assert.match(String(reply.headers['content-type']), /application\/jwt/);
      assert.equal((await verifyPlacementReceipt(reply.body, did)).valid, true);
    });

    it('refuses bad questions with the field at fault', async () => {
      const cases: Array<[Json, string]> = [
        [{ class: 'secret' }, '$.class'],
        [{ class: 'public', provider: 'nimbus', region: 'x' }, '$.provider'],
        [{ class: 'public', region: 'eu-west-2' }, '$.provider'],
        [{ class: 'public', provider: 'aws', region: 'mars-north-1' }, '$.region'],
        [{ class: 'public', provider: 'aws' }, '$.region'],
        [{ class: 'public', extra: 1 }, '$.extra'],
      ];
      for (const [payload, path] of cases) {
        const reply = await decide(payload);
        assert.equal(reply.statusCode, 400, `${JSON.stringify(payload)}: ${reply.body}`);
        assert.ok(
          reply.json().details.some((d: Json) => d.path === path),
          `${JSON.stringify(payload)}: ${reply.body}`,
        );
      }
    });

    it('applies a SEAL gate: only a proven level passes, named in the signed receipt', async () => {
      // The example declaration proves SEAL-2 at least on SOV-1, and at most SEAL-2 on SOV-3.
      const met = await ok({
        class: 'sensitive',
        offer: 'outscale-iaas-cloudgouv',
        region: 'cloudgouv-eu-west-1',
        seal: 'SOV-1:2',
        lang: 'en',
      });
      assert.equal(met.receipt.outcome, 'allowed');
      assert.deepEqual(
        met.receipt.reasons.map((r: Json) => [r.requirement, r.status, r.code]),
        [
          ['label', 'pass', 'label.active'],
          ['territory', 'pass', 'territory.inside'],
          ['sovereignty', 'pass', 'sovereignty.met'],
        ],
      );
      assert.equal(met.receipt.question.seal, 'SOV-1:2');
      assert.deepEqual(met.receipt.reliedOn[0].seal['SOV-1'], { min: 2, max: 4 });
      const checked = await verifyPlacementReceipt(met.jws, did);
      assert.ok(checked.valid);
      assert.equal(checked.valid && checked.receipt.question.seal, 'SOV-1:2');

      const below = await ok({
        class: 'sensitive',
        offer: 'outscale-iaas-cloudgouv',
        region: 'cloudgouv-eu-west-1',
        seal: ['SOV-2:3', 'SOV-3:3'],
      });
      assert.equal(below.receipt.outcome, 'denied');
      const reason = below.receipt.reasons.find((r: Json) => r.requirement === 'sovereignty');
      assert.equal(reason.code, 'sovereignty.below');
      assert.deepEqual(reason.params, {
        gate: 'SOV-2:3,SOV-3:3',
        below: ['SOV-3:1-2'],
        unproven: ['SOV-2:0-4'],
      });
      assert.match(
        reason.text,
        /inférieur au minimum exigé .*SOV-3 \(SEAL-1 à SEAL-2\) ; non prouvé : SOV-2/,
      );
    });

    it('lists under a SEAL gate without reusing the answer of another gate', async () => {
      const offers = (r: { receipt: Json }) => r.receipt.candidates.map((c: Json) => c.offer) as string[];
      const plain = await ok({ class: 'public', limit: 100 });
      const gated = await ok({ class: 'public', limit: 100, seal: 'SOV-1:2' });
      const again = await ok({ class: 'public', limit: 100 });
      assert.ok(offers(plain).includes('hyperscaler-eu-west-3'));
      assert.ok(offers(plain).includes('partage-docs-saas'));
      assert.ok(offers(gated).includes('outscale-iaas-cloudgouv'));
      assert.ok(!offers(gated).includes('hyperscaler-eu-west-3'), 'SEAL-0 to SEAL-1 on SOV-1');
      assert.ok(!offers(gated).includes('partage-docs-saas'), 'SOV-1 not proven');
      assert.ok(gated.receipt.eligible < plain.receipt.eligible);
      assert.ok(
        gated.receipt.candidates.every((c: Json) =>
          c.reasons.some((r: Json) => r.code === 'sovereignty.met'),
        ),
      );
      assert.deepEqual(offers(again), offers(plain));
      assert.equal(again.receipt.eligible, plain.receipt.eligible);
    });

    it('refuses a bad SEAL gate, naming the field', async () => {
      for (const seal of ['SOV-9:3', 'SOV-2:7', 'SOV-2', ['SOV-2:3', 'x']]) {
        const reply = await decide({ class: 'public', seal });
        assert.equal(reply.statusCode, 400, `${JSON.stringify(seal)}: ${reply.body}`);
        assert.ok(
          reply.json().details.some((d: Json) => d.path === '$.seal'),
          `${JSON.stringify(seal)}: ${reply.body}`,
        );
      }
    });

    it('lets an organisation define its own classes, used only by its members', async () => {
      const put = await client.request('PUT', '/v1/placement/classes/hr-records', {
        as: member,
        payload: { title: { fr: 'Dossiers RH', en: 'HR records' }, extends: 'personal', territories: ['FR'] },
      });
      assert.equal(put.statusCode, 201, put.body);
      assert.deepEqual(put.json().territories, ['FR']);
      const again = await client.request('PUT', '/v1/placement/classes/hr-records', {
        as: member,
        payload: {
          title: 'Dossiers RH',
          extends: 'personal',
          territories: ['FR'],
          certifications: ['ISO27001'],
        },
      });
      assert.equal(again.statusCode, 200, again.body);

      const mine = await ok({ class: 'hr-records', provider: 'aws', region: 'eu-west-3' }, member);
      assert.equal(mine.receipt.dataClass.origin.kind, 'organisation');
      assert.deepEqual(mine.receipt.dataClass.certifications, ['ISO27001']);
      assert.equal(
        (await decide({ class: 'hr-records' })).statusCode,
        400,
        'anonymous callers cannot use it',
      );
      assert.equal(
        (await decide({ class: 'hr-records' }, outsider)).statusCode,
        400,
        'nor other organisations',
      );

      const listed = (await client.request('GET', '/v1/placement/classes', { as: member })).json();
      assert.ok(listed.items.some((c: Json) => c.id === 'hr-records'));
      const theirs = (await client.request('GET', '/v1/placement/classes', { as: outsider })).json();
      assert.ok(!theirs.items.some((c: Json) => c.id === 'hr-records'));
      const anonymous = (await client.request('GET', '/v1/placement/classes')).json();
      assert.deepEqual(
        anonymous.items.map((c: Json) => c.id),
        ['public', 'internal', 'personal', 'health', 'sensitive'],
      );

      const bad = await client.request('PUT', '/v1/placement/classes/weak', {
        as: member,
        payload: { title: 'x', minimumLevel: 'gold', territories: ['France'] },
      });
      assert.equal(bad.statusCode, 400);
      assert.deepEqual(
        bad
          .json()
          .details.map((d: Json) => d.path)
          .sort(),
        ['$.minimumLevel', '$.territories[0]'],
      );
      const shadow = await client.request('PUT', '/v1/placement/classes/sensitive', {
        as: member,
        payload: { title: 'weaker sensitive' },
      });
      assert.equal(shadow.statusCode, 400, 'a referential class cannot be shadowed');

      assert.equal(
        (await client.request('DELETE', '/v1/placement/classes/hr-records', { as: outsider })).statusCode,
        404,
      );
      assert.equal(
        (await client.request('DELETE', '/v1/placement/classes/hr-records', { as: member })).statusCode,
        204,
      );
      assert.equal(
        (await client.request('DELETE', '/v1/placement/classes/hr-records', { as: member })).statusCode,
        404,
      );
      const audit = await svc.ctx.store.db
        .selectFrom('audit_events')
        .select('action')
        .where('subject_type', '=', 'placement-class')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['placement-class.created', 'placement-class.replaced', 'placement-class.deleted'],
      );
    });

    it('follows the registry: a suspended label stops allowing placements at once', async () => {
      const before = await ok({ class: 'sensitive', offer: 'outscale-iaas-cloudgouv' });
      assert.equal(before.receipt.outcome, 'allowed');
      const label = await svc.ctx.store.db
        .selectFrom('labels')
        .select('id')
        .where('offer_id', '=', 'outscale-iaas-cloudgouv')
        .executeTakeFirstOrThrow();
      await changeLabelState(svc.ctx, {
        labelId: label.id,
        action: 'suspend',
        reason: 'Placement test.',
        actor: 'test',
      });
      const after = await ok({ class: 'sensitive', offer: 'outscale-iaas-cloudgouv' });
      assert.equal(after.receipt.outcome, 'denied');
      assert.equal(after.receipt.reasons[0].code, 'label.state');
      assert.notEqual(after.receipt.registry.version, before.receipt.registry.version);
      assert.equal(after.receipt.reliedOn[0].state, 'suspended');
    });
  });
}
