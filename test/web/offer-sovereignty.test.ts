/**
 * The offer page's side-by-side section: French label level, Gaia-X mapping, SEAL per objective and the
 * weighted score, the same values as GET /v1/registry/offers/:id/sovereignty, in French and English.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { webServerOptions } from '../../src/web/plugin.js';
import { seedExamples } from '../../src/workflow/seed.js';
import { startService, type TestService } from '../helpers/service.js';

const OFFER = 'outscale-iaas-cloudgouv';

/** The section between its heading and the criteria, and its table rows as [objective, cells…]. */
function section(html: string) {
  const start = html.indexOf('id="sovereignty-title"');
  const end = html.indexOf('id="criteria"');
  assert.ok(start > 0 && end > start, 'the sovereignty section comes before the criteria');
  const body = html.slice(start, end);
  const rows = [...body.matchAll(/<tr data-objective="(SOV-\d)">([\s\S]*?)<\/tr>/g)].map((m) => [
    m[1]!,
    ...[...m[2]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, '').trim()),
  ]);
  return { body, rows };
}

describe('offer page: French label, Gaia-X and EU SEAL side by side', () => {
  let svc: TestService;

  before(async () => {
    svc = await startService('sqlite', {}, { server: webServerOptions });
    await seedExamples(svc.ctx);
  });
  after(() => svc?.close());

  it('shows the label level, its Gaia-X level and the SEAL of every objective as the API does', async () => {
    const api = await svc.app.inject({ url: `/v1/registry/offers/${OFFER}/sovereignty?lang=fr` });
    assert.equal(api.statusCode, 200, api.body);
    const view = api.json();
    const page = await svc.app.inject({ url: `/offers/${OFFER}` });
    assert.equal(page.statusCode, 200);
    const { body, rows } = section(page.body);

    assert.match(body, /Label français, Gaia-X et souveraineté européenne/);
    assert.match(body, /<dt class="fr-text--bold">Label cloud de confiance<\/dt><dd>[^<]+\(trusted\)<\/dd>/);
    assert.equal(view.gaiax.labelLevel, 'L3');
    assert.match(body, /Label Gaia-X de niveau L3/);
    assert.match(body, /<caption>Niveaux SEAL par objectif/);
    assert.match(body, /<th scope="col">Objectif<\/th>/);
    assert.match(body, /<th scope="row"><span class="fr-text--xs">SOV-1<\/span>/);

    // Eight objectives, in order; each SEAL as the API's bounds: a level when proven, else a range.
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['SOV-1', 'SOV-2', 'SOV-3', 'SOV-4', 'SOV-5', 'SOV-6', 'SOV-7', 'SOV-8'],
    );
    const seal = (r: { min: number; max: number }) =>
      r.min === r.max ? `SEAL-${r.min}` : `SEAL-${r.min} à SEAL-${r.max}`;
    for (const o of view.assessment.objectives) {
      const row = rows.find((r) => r[0] === o.id)!;
      const expected = o.sealLevel === null && o.status === 'not-assessed' ? 'not-assessed' : seal(o.seal);
      assert.equal(row[2], expected, o.id);
      assert.deepEqual(view.seal[o.id], o.seal);
    }
    // Hand-checked against the example declaration: SOV-1 proven from SEAL-2, SOV-3 at most SEAL-2.
    assert.equal(rows.find((r) => r[0] === 'SOV-1')![2], 'SEAL-2 à SEAL-4');
    assert.equal(rows.find((r) => r[0] === 'SOV-3')![2], 'SEAL-1 à SEAL-2');
    assert.ok(
      rows.some((r) => r[2] === 'not-assessed'),
      'an objective the declaration does not bear on',
    );
    assert.ok(rows.some((r) => r[3] === 'Non évalué'));

    const score = /id="sovereignty-score">([^<]+)</.exec(body)![1]!;
    const pct = (n: number) => `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 }).format(n)} %`;
    assert.equal(score, `entre ${pct(view.assessment.score.min)} et ${pct(view.assessment.score.max)}`);
  });

  it('speaks English when asked', async () => {
    const page = await svc.app.inject({ url: `/offers/${OFFER}`, cookies: { confiance_lang: 'en' } });
    assert.equal(page.statusCode, 200);
    const { body, rows } = section(page.body);
    assert.match(body, /French label, Gaia-X and European sovereignty/);
    assert.match(body, /Gaia-X label level L3/);
    assert.match(body, /<caption>SEAL levels per objective \(EU Cloud Sovereignty Framework/);
    assert.equal(rows.find((r) => r[0] === 'SOV-3')![2], 'SEAL-1 to SEAL-2');
    assert.match(body, /id="sovereignty-score">between /);
  });

  it('shows a baseline offer’s lower Gaia-X level', async () => {
    const page = await svc.app.inject({ url: '/offers/hyperscaler-eu-west-3' });
    assert.equal(page.statusCode, 200);
    const { body, rows } = section(page.body);
    assert.match(body, /Label Gaia-X de niveau L1/);
    assert.equal(rows.find((r) => r[0] === 'SOV-3')![2], 'SEAL-1');
  });
});
