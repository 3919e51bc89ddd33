import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DidDocument } from '../../src/credentials/types.js';
import { actorFor } from '../../src/workflow/accounts.js';
import { saveDeclaration } from '../../src/workflow/declarations.js';
import { changeLabelState } from '../../src/workflow/labels.js';
import { CSV_COLUMNS } from '../../src/workflow/registry/export.js';
import { fold } from '../../src/workflow/registry/text.js';
import { rebuildRegistry } from '../../src/workflow/registry.js';
import { verifyRegistrySnapshot } from '../../src/workflow/registry-snapshot.js';
import { seedExamples } from '../../src/workflow/seed.js';
import { repoRoot } from '../helpers/cli.js';
import { engines, startService, type TestService } from '../helpers/service.js';

/** RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const ids = (body: { items: Array<{ offer: { id: string } }> }) => body.items.map((i) => i.offer.id);

for (const engine of await engines()) {
  describe(`public registry (${engine})`, () => {
    let svc: TestService;
    const get = (url: string, headers: Record<string, string> = {}) =>
      svc.app.inject({ method: 'GET', url, headers });
    const search = async (query: string) => {
      const res = await get(`/v1/registry/offers${query ? `?${query}` : ''}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const labelOf = async (offerId: string) =>
      (await search(`q=${offerId}`)).items.find((i: { offer: { id: string } }) => i.offer.id === offerId)
        .labelId as string;

    before(async () => {
      svc = await startService(engine);
      await seedExamples(svc.ctx);
    });
    after(() => svc.close());

    it('lists every labelled offer, sorted by name, with facet counts', async () => {
      const body = await search('');
      assert.equal(body.total, 8, 'the draft without a label is not in the registry');
      assert.ok(!ids(body).includes('brouillon-paas'));
      // Accents and case do not change the order: "Hébergement…" sorts as "hebergement…".
      const names = body.items.map((i: { offer: { name: string } }) => fold(i.offer.name));
      assert.deepEqual(names, [...names].sort());
      assert.equal(ids(body)[1], 'sante-hebergement-hds');
      assert.deepEqual(body.facets.level, { 'eu-data': 4, baseline: 2, trusted: 2 });
      assert.deepEqual(body.facets.country, { FR: 8, US: 1 });
      assert.deepEqual(body.facets.serviceModel, { IaaS: 7, SaaS: 1 });
      assert.deepEqual(body.facets.state, { active: 8 });
      assert.equal(body.facets.provider.outscale, 2);
      assert.equal(body.facets.certification['SecNumCloud:qualified'], 3);
      const item = body.items.find((i: { offer: { id: string } }) => i.offer.id === 'outscale-iaas-general');
      assert.deepEqual(item.regions, [
        { code: 'eu-west-2', country: 'FR', city: 'Paris' },
        { code: 'us-east-2', country: 'US' },
      ]);
      assert.equal(item.provider.registration.value, '527594493');
    });

    it('filters by each facet; values of one facet are alternatives, repeated or comma-separated', async () => {
      assert.deepEqual(ids(await search('level=trusted')).sort(), [
        'outscale-iaas-cloudgouv',
        's3ns-premi3ns',
      ]);
      assert.deepEqual(ids(await search('country=us')), ['outscale-iaas-general']);
      assert.deepEqual(ids(await search('serviceModel=saas')), ['partage-docs-saas']);
      assert.deepEqual(ids(await search('provider=outscale')).sort(), [
        'outscale-iaas-cloudgouv',
        'outscale-iaas-general',
      ]);
      assert.equal(
        (await search('certification=SecNumCloud')).total,
        4,
        'a bare scheme matches every status',
      );
      assert.equal((await search('certification=secnumcloud:QUALIFIED')).total, 3);
      assert.equal((await search('state=active')).total, 8);
      assert.equal((await search('level=trusted,baseline')).total, 4);
      assert.equal((await search('level=trusted&level=baseline')).total, 4);
      assert.deepEqual(ids(await search('level=eu-data&certification=HDS:certified')), [
        'sante-hebergement-hds',
      ]);
    });

    it('counts each facet over the other filters, ignoring its own', async () => {
      const body = await search('level=trusted');
      assert.equal(body.total, 2);
      assert.deepEqual(body.facets.level, { 'eu-data': 4, baseline: 2, trusted: 2 });
      assert.deepEqual(body.facets.provider, { outscale: 1, s3ns: 1 });
      assert.deepEqual(body.facets.country, { FR: 2 });
      const two = await search('level=trusted&country=US');
      assert.equal(two.total, 0);
      assert.deepEqual(
        two.facets.level,
        { baseline: 1 },
        'level counts ignore the level filter, not the country one',
      );
      assert.deepEqual(
        two.facets.country,
        { FR: 2 },
        'country counts ignore the country filter, not the level one',
      );
    });

    it('searches words of offer and provider names, accent- and case-insensitively, by prefix', async () => {
      assert.deepEqual(ids(await search('q=sante')), ['sante-hebergement-hds']);
      assert.deepEqual(ids(await search(`q=${encodeURIComponent('SANTÉ')}`)), ['sante-hebergement-hds']);
      assert.deepEqual(ids(await search(`q=${encodeURIComponent('héberg')}`)), ['sante-hebergement-hds']);
      assert.deepEqual(ids(await search('q=outs%20iaas')).sort(), [
        'outscale-iaas-cloudgouv',
        'outscale-iaas-general',
      ]);
      assert.deepEqual(
        ids(await search('q=outs%20cloudg')),
        ['outscale-iaas-cloudgouv'],
        'every word must match',
      );
      assert.equal((await search('q=zzz')).total, 0);
      const withFacet = await search('q=outscale&country=US');
      assert.deepEqual(ids(withFacet), ['outscale-iaas-general']);
      assert.deepEqual(
        withFacet.facets.country,
        { FR: 2, US: 1 },
        'both Outscale offers have a French region',
      );
    });

    it('paginates and sorts', async () => {
      const all = ids(await search('limit=100'));
      const pages = [];
      for (const offset of [0, 3, 6]) {
        const page = await search(`limit=3&offset=${offset}`);
        assert.equal(page.total, 8);
        assert.equal(page.offset, offset);
        pages.push(...ids(page));
      }
      assert.deepEqual(pages, all);
      assert.deepEqual(ids(await search('sort=-name&limit=100')), [...all].reverse());
      const byLevel = await search('sort=level');
      assert.deepEqual(
        byLevel.items.map((i: { level: string }) => i.level),
        ['trusted', 'trusted', 'eu-data', 'eu-data', 'eu-data', 'eu-data', 'baseline', 'baseline'],
      );
      const byEnd = (await search('sort=validUntil')).items.map((i: { validUntil: string }) => i.validUntil);
      assert.deepEqual(byEnd, [...byEnd].sort());
    });

    it('answers conditional requests with 304 and changes its ETag when the registry changes', async () => {
      const first = await get('/v1/registry/offers?level=baseline');
      const etag = first.headers.etag as string;
      assert.ok(etag);
      assert.match(String(first.headers['cache-control']), /public, max-age=\d+/);
      const again = await get('/v1/registry/offers?level=baseline', { 'if-none-match': etag });
      assert.equal(again.statusCode, 304);
      for (const url of [
        '/v1/registry/offers/hexacloud-iaas',
        '/v1/registry/providers/outscale',
        '/v1/registry/export.csv',
        '/v1/registry/snapshot',
      ]) {
        const res = await get(url);
        assert.equal(res.statusCode, 200, url);
        assert.equal((await get(url, { 'if-none-match': res.headers.etag as string })).statusCode, 304, url);
      }
      await changeLabelState(svc.ctx, {
        labelId: await labelOf('hyperscaler-eu-west-3'),
        action: 'suspend',
        reason: 'Audit finding.',
        actor: 'test',
      });
      const changed = await get('/v1/registry/offers?level=baseline', { 'if-none-match': etag });
      assert.equal(changed.statusCode, 200);
      assert.notEqual(changed.headers.etag, etag);
      await changeLabelState(svc.ctx, {
        labelId: await labelOf('hyperscaler-eu-west-3'),
        action: 'reinstate',
        reason: 'Fixed.',
        actor: 'test',
      });
    });

    it('shows an offer: criteria in French and English, ownership summary, verification links', async () => {
      const res = await get('/v1/registry/offers/hexacloud-iaas');
      assert.equal(res.statusCode, 200, res.body);
      const offer = res.json();
      assert.equal(offer.level, 'eu-data');
      assert.equal(offer.state, 'active');
      assert.deepEqual(offer.regions, [{ code: 'fr-nord-1', country: 'FR', city: 'Lille' }]);
      assert.ok(offer.evaluation.criteria.length > 10);
      assert.equal(
        offer.evaluation.matchesCredential,
        true,
        'the criteria are the ones the credential commits to',
      );
      for (const c of offer.evaluation.criteria) {
        assert.ok(c.title.fr && c.title.en, c.id);
        assert.equal(typeof c.explanation.fr, 'string');
        assert.equal(typeof c.explanation.en, 'string');
        assert.match(c.status, /^(pass|fail|manual-review|not-applicable|missing-data)$/);
      }
      const explained = offer.evaluation.criteria.find((c: { status: string }) => c.status === 'pass');
      assert.notEqual(explained.explanation.fr, explained.explanation.en);
      assert.ok(
        offer.evaluation.criteria.some((c: { reviewed: boolean }) => c.reviewed),
        'assessor verdicts are shown',
      );
      assert.equal(offer.ownership.declared, true);
      assert.equal(offer.ownership.nonEu.totalCapitalPct, 30);
      assert.equal(offer.ownership.nonEuParties[0].name, 'US Fund LP');
      assert.match(offer.ownership.summary.en, /30 % of the capital/);
      assert.match(offer.ownership.summary.fr, /30 % du capital/);
      assert.match(offer.ownership.paths.fr, /US Fund LP → Holding SAS/);
      assert.match(offer.ownership.paths.en, /controlled/);
      for (const link of ['credential', 'inclusion', 'did', 'revocationList', 'suspensionList', 'label']) {
        const url = new URL(offer.links[link]);
        assert.equal(url.origin, 'https://label.test', link);
        assert.equal((await get(url.pathname)).statusCode, 200, `${link} ${url.pathname}`);
      }
      assert.equal(offer.status.revocation.list, offer.links.revocationList);
      assert.equal(
        (await get('/v1/registry/offers/brouillon-paas')).statusCode,
        404,
        'an offer without a label is not public',
      );
      assert.equal((await get('/v1/registry/offers/nope')).statusCode, 404);
    });

    it("shows a provider's offers and their labels", async () => {
      const res = await get('/v1/registry/providers/outscale');
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.provider.name, '3DS Outscale SAS');
      assert.deepEqual(body.offers.map((o: { offer: { id: string } }) => o.offer.id).sort(), [
        'outscale-iaas-cloudgouv',
        'outscale-iaas-general',
      ]);
      for (const o of body.offers)
        assert.equal(o.labels.filter((l: { current: boolean }) => l.current).length, 1);
      assert.equal((await get('/v1/registry/providers/nobody')).statusCode, 404);
    });

    it('shows a suspension, the flag on the offers that run on it, then a revocation', async () => {
      const iaas = await labelOf('outscale-iaas-cloudgouv');
      await changeLabelState(svc.ctx, {
        labelId: iaas,
        action: 'suspend',
        reason: 'Qualification under review.',
        actor: 'test',
      });
      let body = await search('state=suspended');
      assert.deepEqual(ids(body), ['outscale-iaas-cloudgouv']);
      assert.equal(body.items[0].stateReason, 'Qualification under review.');
      assert.deepEqual(body.facets.state, { active: 7, suspended: 1 });
      const saas = (await search('q=partage')).items[0];
      assert.match(
        saas.flagged.reason,
        /outscale-iaas-cloudgouv/,
        'the SaaS running on it is flagged in the same transaction',
      );

      await changeLabelState(svc.ctx, {
        labelId: iaas,
        action: 'revoke',
        reason: 'Qualification withdrawn.',
        actor: 'test',
      });
      body = await search('state=revoked');
      assert.deepEqual(ids(body), ['outscale-iaas-cloudgouv'], 'a revoked label stays visible, as revoked');
      assert.equal((await search('state=suspended')).total, 0);
      const view = (await get('/v1/registry/offers/outscale-iaas-cloudgouv')).json();
      assert.equal(view.state, 'revoked');
      assert.equal(view.stateReason, 'Qualification withdrawn.');
      assert.equal((await search('')).total, 8);
    });

    it('picks up a new declaration version in the same transaction, and exports CSV that parses back', async () => {
      const user = await svc.ctx.store.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'seed-hexacloud@confiance.invalid')
        .executeTakeFirstOrThrow();
      const declaration = JSON.parse(
        readFileSync(join(repoRoot, 'examples', 'ownership-over-cap.json'), 'utf8'),
      );
      const name = 'Hexacloud "IaaS", édition\nsouveraine';
      await saveDeclaration(svc.ctx, actorFor(user, 'password'), {
        ...declaration,
        offer: { ...declaration.offer, name },
      });
      assert.deepEqual(ids(await search(`q=${encodeURIComponent('EDITION souv')}`)), ['hexacloud-iaas']);

      const csv = await get('/v1/registry/export.csv');
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      const rows = parseCsv(csv.body);
      assert.deepEqual(rows[0], [...CSV_COLUMNS]);
      const json = await get('/v1/registry/export.json');
      const items = json.json().items as Array<{
        offer: { id: string; name: string };
        level: string;
        state: string;
        labelId: string;
        credentialDigest: string;
      }>;
      assert.equal(rows.length - 1, items.length);
      assert.equal(items.length, 8);
      const byId = new Map(
        rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, r[i]]))]),
      );
      for (const item of items) {
        const row = byId.get(item.offer.id)!;
        assert.equal(row.offerName, item.offer.name);
        assert.equal(row.level, item.level);
        assert.equal(row.state, item.state);
        assert.equal(row.labelId, item.labelId);
        assert.equal(row.credentialDigest, item.credentialDigest);
      }
      assert.equal(byId.get('hexacloud-iaas')!.offerName, name, 'quotes, commas and line breaks survive');
      assert.equal(byId.get('outscale-iaas-general')!.regions, 'eu-west-2 (FR, Paris); us-east-2 (US)');
    });

    it('signs a snapshot that verifies with the DID document and fails when tampered with', async () => {
      const res = await get('/v1/registry/snapshot');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/jwt/);
      const did = (await get('/.well-known/did.json')).json() as DidDocument;
      const verified = await verifyRegistrySnapshot(res.body, did, {
        now: svc.clock.now,
        maxAgeMs: 86_400_000,
        logOrigin: 'label.test/log',
      });
      assert.equal(verified.valid, true, JSON.stringify(verified));
      if (!verified.valid) return;
      assert.equal(verified.snapshot.offers.length, 8);
      assert.ok(verified.checkpoint && verified.checkpoint.size > 0);
      const general = verified.snapshot.offers.find((o) => o.offer.id === 'outscale-iaas-general')!;
      assert.deepEqual(
        general.regions.map((r) => r.country),
        ['FR', 'US'],
      );
      assert.match(general.status.revocation.list, /^https:\/\/label\.test\/v1\/status-lists\//);
      assert.equal(verified.snapshot.referentials[0]?.id, 'cloud-de-confiance');

      const [h, p, s] = res.body.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8'));
      payload.offers[0].level = 'trusted';
      payload.offers[0].state = 'active';
      const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      const tampered = await verifyRegistrySnapshot(forged, did);
      assert.equal(tampered.valid, false);
      assert.equal(!tampered.valid && tampered.code, 'bad-signature');
      const otherIssuer = await verifyRegistrySnapshot(res.body, { ...did, id: 'did:web:evil.example' });
      assert.equal(otherIssuer.valid, false);
      assert.equal((await verifyRegistrySnapshot('not.a.jws', did)).valid, false);
      const stale = await verifyRegistrySnapshot(res.body, did, {
        now: new Date(svc.clock.now.getTime() + 2 * 86_400_000),
        maxAgeMs: 86_400_000,
      });
      assert.equal(!stale.valid && stale.code, 'stale');
    });

    it('derives expired from the validity end as time passes', async () => {
      svc.clock.advanceDays(400);
      try {
        const body = await search('state=expired');
        assert.deepEqual(
          ids(body).sort(),
          ['hyperscaler-eu-west-3', 'outscale-iaas-general'],
          'the 12-month baseline labels',
        );
        assert.equal((await get('/v1/registry/offers/outscale-iaas-general')).json().state, 'expired');
      } finally {
        svc.clock.advanceDays(-400);
      }
      assert.equal((await search('state=expired')).total, 0);
    });

    it('rebuilds the same registry from the label tables (databases that predate it)', async () => {
      const before = (await get('/v1/registry/export.json')).json().items;
      const count = await rebuildRegistry(svc.ctx.store.db, svc.clock.now);
      assert.equal(count, 8);
      assert.deepEqual((await get('/v1/registry/export.json')).json().items, before);
      assert.equal((await search('')).total, 8, 'the search index reloads on the new epoch');
    });

    it('rejects bad parameters with 400 naming each one', async () => {
      const cases: Array<[string, string]> = [
        ['level=gold', 'level'],
        ['country=XX', 'country'],
        ['serviceModel=FaaS', 'serviceModel'],
        ['state=dead', 'state'],
        ['certification=Foo', 'certification'],
        ['certification=HDS:maybe', 'certification'],
        ['provider=%20bad%20id', 'provider'],
        ['sort=price', 'sort'],
        ['limit=101', 'limit'],
        ['limit=0', 'limit'],
        ['offset=-1', 'offset'],
        [`q=${'a'.repeat(201)}`, 'q'],
      ];
      for (const [query, param] of cases) {
        const res = await get(`/v1/registry/offers?${query}`);
        assert.equal(res.statusCode, 400, query);
        const body = res.json();
        assert.equal(body.error, 'bad_request');
        assert.ok(
          body.details.some((d: { path: string }) => d.path === param || d.path === `querystring.${param}`),
          `${query}: ${JSON.stringify(body.details)}`,
        );
      }
      const many = await get('/v1/registry/offers?level=gold&country=XX');
      assert.deepEqual(
        many.json().details.map((d: { path: string }) => d.path),
        ['level', 'country'],
        'every problem at once',
      );
    });

    it('documents the routes in OpenAPI under the registry tag', async () => {
      const spec = (await get('/openapi.json')).json();
      for (const path of [
        '/v1/registry/offers',
        '/v1/registry/offers/{id}',
        '/v1/registry/providers/{id}',
        '/v1/registry/export.csv',
        '/v1/registry/snapshot',
      ]) {
        assert.deepEqual(spec.paths[path]?.get?.tags, ['registry'], path);
      }
    });
  });
}
