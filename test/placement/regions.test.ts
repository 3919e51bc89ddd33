import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referentialDataClasses } from '../../src/placement/classes.js';
import { PlacementEngine } from '../../src/placement/engine.js';
import { loadReferential } from '../../src/referential/load.js';
import {
  buildCatalogue,
  CatalogueError,
  EU_MEMBER_STATES,
  loadRegionCatalogue,
} from '../../src/regions/catalogue.js';
import { locate } from '../../src/regions/locate.js';
import { NOW, offer } from './fixtures.js';

const catalogue = loadRegionCatalogue();
const referential = loadReferential();
const classes = referentialDataClasses(referential.document);
const cls = (id: string) => classes.find((c) => c.id === id)!;

describe('the region catalogue', () => {
  it('covers the providers the label deals with, each with sources', () => {
    const ids = catalogue.providers.map((p) => p.id).sort();
    for (const id of [
      'aws',
      'azure',
      'bleu',
      'cloud-temple',
      'google',
      'outscale',
      'ovhcloud',
      's3ns',
      'scaleway',
    ])
      assert.ok(ids.includes(id), `${id} is missing`);
    for (const p of catalogue.providers) {
      assert.ok(p.sources.length > 0 && p.sources.every((s) => s.url.startsWith('https://')), p.id);
      for (const r of p.regions)
        for (const c of r.countries) assert.match(c, /^[A-Z]{2}$/, `${p.id} ${r.code}`);
    }
    assert.deepEqual(
      catalogue.providers
        .filter((p) => p.licensedTechnology)
        .map((p) => p.id)
        .sort(),
      ['bleu', 's3ns'],
    );
  });

  it("uses the referential's list of EU member states for the EU multi-region", () => {
    assert.deepEqual([...EU_MEMBER_STATES].sort(), [...(referential.params.euCountries as string[])].sort());
    const eu = catalogue.resolve('EU', [catalogue.provider('google')!]);
    assert.equal(eu.status, 'resolved');
    if (eu.status === 'resolved') assert.deepEqual(eu.region.countries, [...EU_MEMBER_STATES].sort());
  });

  it('resolves region codes, zones and display names to country and city', () => {
    const cases: Array<[string, string, string, string, string | undefined]> = [
      ['aws', 'eu-west-3', 'eu-west-3', 'FR', 'Paris'],
      ['aws', 'eu-west-3c', 'eu-west-3', 'FR', 'Paris'],
      ['aws', 'us-gov-west-1a', 'us-gov-west-1', 'US', 'GovCloud (US-West)'],
      ['outscale', 'cloudgouv-eu-west-1', 'cloudgouv-eu-west-1', 'FR', undefined],
      ['outscale', 'cloudgouv-eu-west-1a', 'cloudgouv-eu-west-1', 'FR', undefined],
      ['azure', 'France Central', 'francecentral', 'FR', 'Paris'],
      ['azure', 'eastus2-1', 'eastus2', 'US', 'Virginia'],
      ['google', 'europe-west9-b', 'europe-west9', 'FR', 'Paris'],
      ['ovhcloud', 'gra11', 'GRA11', 'FR', 'Gravelines'],
      ['ovhcloud', 'eu-west-par-a', 'EU-WEST-PAR', 'FR', 'Paris'],
      ['scaleway', 'fr-par-2', 'fr-par', 'FR', 'Paris'],
      ['cloud-temple', 'fr1-az05', 'fr1', 'FR', 'Paris'],
      ['s3ns', 'u-france-east1-a', 'u-france-east1', 'FR', undefined],
    ];
    for (const [provider, code, region, country, city] of cases) {
      const r = catalogue.resolve(code, [catalogue.provider(provider)!]);
      assert.equal(r.status, 'resolved', `${provider} ${code}`);
      if (r.status !== 'resolved') continue;
      assert.deepEqual([r.region.code, r.region.countries, r.region.city], [region, [country], city], code);
    }
  });

  it('says when a code is unknown, and when it is ambiguous without a provider', () => {
    assert.equal(catalogue.resolve('eu-west-9', [catalogue.provider('aws')!]).status, 'unknown');
    assert.equal(catalogue.resolve('nova1').status, 'unknown');
    const both = catalogue.resolve('eu-west-2');
    assert.equal(both.status, 'ambiguous', 'eu-west-2 is London at AWS and France at Outscale');
    if (both.status === 'ambiguous')
      assert.deepEqual(both.matches.map((m) => m.provider.id).sort(), ['aws', 'outscale']);
  });

  it('tells S3NS from Google Cloud by universe domain or by region', () => {
    assert.deepEqual(
      catalogue
        .forTerraform('google')
        .map((p) => p.id)
        .sort(),
      ['google', 's3ns'],
    );
    assert.deepEqual(
      catalogue.forTerraform('google', 's3nsapis.fr').map((p) => p.id),
      ['s3ns'],
    );
    assert.deepEqual(
      catalogue.forTerraform('google', 'googleapis.com').map((p) => p.id),
      ['google'],
    );
    const r = catalogue.resolve('u-france-east1', catalogue.forTerraform('google'));
    assert.equal(r.status === 'resolved' && r.provider.id, 's3ns');
    assert.deepEqual(
      catalogue.forKubernetes({ provisioner: 'ebs.csi.aws.com' }).map((p) => p.id),
      ['aws'],
    );
    assert.deepEqual(
      catalogue.forKubernetes({ topologyKey: 'topology.gke.io/zone' }).map((p) => p.id),
      ['google'],
    );
  });

  it('refuses a catalogue file with problems, naming the file and the field', () => {
    const good = {
      id: 'x',
      name: 'X',
      operator: { name: 'X', country: 'FR' },
      sources: [{ title: 't', url: 'https://x.test' }],
    };
    assert.throws(
      () =>
        buildCatalogue([
          {
            name: 'x.yaml',
            text: JSON.stringify({
              ...good,
              zones: ['(', '^no-group$'],
              defaultRegion: 'nowhere',
              regions: [
                { code: 'a-1', country: 'FR' },
                { code: 'A-1', country: 'FR' },
                { code: 'b', country: 'EU' },
              ],
            }),
          },
          { name: 'y.yaml', text: JSON.stringify({ ...good, regions: [{ code: 'z' }] }) },
        ]),
      (err: unknown) => {
        assert.ok(err instanceof CatalogueError);
        const where = err.issues.map((i) => `${i.file} ${i.path}`).sort();
        assert.deepEqual(where, [
          'x.yaml $.defaultRegion',
          'x.yaml $.regions[1].code',
          'x.yaml $.regions[2].country',
          'x.yaml $.zones[0]',
          'x.yaml $.zones[1]',
          'y.yaml $.id',
          'y.yaml $.regions[0]',
        ]);
        return true;
      },
    );
  });
});

describe('placing on a provider region', () => {
  const engine = new PlacementEngine({
    offers: [
      offer('aws-eu', {
        provider: 'aws',
        level: 'eu-data',
        regions: [{ code: 'eu-west-3', country: 'FR', city: 'Paris' }],
      }),
      offer('outscale-iaas-cloudgouv', {
        provider: 'outscale',
        regions: [{ code: 'cloudgouv-eu-west-1', country: 'FR', city: 'Paris' }],
      }),
      offer('bleu-azure', {
        provider: 'bleu',
        level: 'eu-data',
        regions: [{ code: 'bleu-france-central', country: 'FR' }],
      }),
    ],
    levelOrder: referential.levelOrder,
    now: NOW,
  });

  it('resolves aws + eu-west-3 to Paris, FR, the offer linked to it and its level', () => {
    const where = locate(catalogue, engine, [catalogue.provider('aws')!], 'eu-west-3');
    assert.equal(where.status, 'resolved');
    if (where.status !== 'resolved') return;
    assert.deepEqual(where.location, {
      provider: 'aws',
      code: 'eu-west-3',
      countries: ['FR'],
      city: 'Paris',
    });
    assert.deepEqual(where.offerIds, ['aws-eu']);
    const d = engine.decide(cls('personal'), {
      kind: 'location',
      location: where.location,
      offerIds: where.offerIds,
    });
    assert.equal(d.outcome, 'allowed');
    assert.equal(engine.offer(d.candidates[0]!.offerId)?.level, 'eu-data');
    const s = engine.decide(cls('sensitive'), {
      kind: 'location',
      location: where.location,
      offerIds: where.offerIds,
    });
    assert.equal(s.outcome, 'denied');
  });

  it('locates a provider that publishes no codes through the regions its labels name', () => {
    const where = locate(catalogue, engine, catalogue.forTerraform('azurerm'), 'bleu-france-central');
    assert.equal(where.status, 'resolved');
    if (where.status === 'resolved') {
      assert.equal(where.via, 'registry');
      assert.equal(where.provider.id, 'bleu');
      assert.deepEqual(where.offerIds, ['bleu-azure']);
    }
  });

  it('places a resource without a region in the only region of a single-region provider', () => {
    const ct = locate(catalogue, engine, [catalogue.provider('cloud-temple')!], undefined);
    assert.equal(ct.status === 'resolved' && ct.location.code, 'fr1');
    assert.deepEqual(locate(catalogue, engine, [catalogue.provider('aws')!], undefined), {
      status: 'unknown',
      reason: 'no-region',
    });
    assert.deepEqual(locate(catalogue, engine, [], 'eu-west-3'), {
      status: 'unknown',
      reason: 'no-provider',
    });
  });
});
