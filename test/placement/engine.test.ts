import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DataClassError,
  organisationDataClass,
  referentialDataClasses,
} from '../../src/placement/classes.js';
import { PlacementEngine } from '../../src/placement/engine.js';
import { EXPLAINED_CODES, explainCheck } from '../../src/placement/explain.js';
import type { DataClass, Decision, PlacementTarget } from '../../src/placement/types.js';
import { loadReferential, parseReferential } from '../../src/referential/load.js';
import { NOW, offer, sampleOffers } from './fixtures.js';

const referential = loadReferential();
const doc = referential.document;
const classes = referentialDataClasses(doc);
const byId = (id: string) => classes.find((c) => c.id === id)!;
const engine = new PlacementEngine({ offers: sampleOffers(), levelOrder: referential.levelOrder, now: NOW });

const failed = (d: Decision) => d.checks.filter((c) => c.status === 'fail').map((c) => c.code);

describe('data classes as data', () => {
  it('reads the five classes of the referential with their requirements', () => {
    assert.deepEqual(
      classes.map((c) => c.id),
      ['public', 'internal', 'personal', 'health', 'sensitive'],
    );
    assert.equal(byId('public').minimumLevel, null);
    assert.equal(byId('public').territories, null);
    assert.equal(byId('internal').minimumLevel, 'baseline');
    assert.equal(byId('personal').minimumLevel, 'eu-data');
    assert.ok(byId('personal').territories!.includes('NO'), 'the EEA includes Norway');
    assert.ok(!byId('personal').territories!.includes('CH'));
    assert.deepEqual(byId('sensitive').territories, ['FR']);
    assert.equal(byId('sensitive').minimumLevel, 'trusted');
  });

  it('merges `extends`: health keeps personal’s level and territory and adds HDS', () => {
    const health = byId('health');
    assert.equal(health.minimumLevel, 'eu-data');
    assert.deepEqual(health.territories, byId('personal').territories);
    assert.deepEqual(health.certifications, ['HDS']);
  });

  it('gives every class a stable digest that changes with its requirements', () => {
    const again = referentialDataClasses(doc);
    assert.deepEqual(
      again.map((c) => c.digest),
      classes.map((c) => c.digest),
    );
    assert.equal(new Set(classes.map((c) => c.digest)).size, classes.length);
    const org = organisationDataClass('hr', { title: 'RH', extends: 'personal' }, 'org-1', doc, classes);
    const org2 = organisationDataClass('hr', { title: 'RH', extends: 'sensitive' }, 'org-1', doc, classes);
    assert.notEqual(org.digest, org2.digest);
  });

  it('lets an organisation narrow a class but never loosen it', () => {
    const hr = organisationDataClass(
      'hr-records',
      {
        title: { fr: 'Dossiers RH', en: 'HR records' },
        extends: 'personal',
        territories: ['FR', 'US'],
        minimumLevel: 'baseline',
      },
      'org-1',
      doc,
      classes,
    );
    assert.equal(hr.minimumLevel, 'eu-data', 'a lower level than the base is ignored');
    assert.deepEqual(hr.territories, ['FR'], 'US is outside the base territory and dropped');
    assert.deepEqual(hr.origin, { kind: 'organisation', organisationId: 'org-1' });
  });

  it('refuses an invalid organisation class, naming each problem', () => {
    assert.throws(
      () =>
        organisationDataClass(
          'Sensitive!',
          { title: '', extends: 'nope', minimumLevel: 'platinum', territories: ['France', 'params.nothing'] },
          'org-1',
          doc,
          classes,
        ),
      (err: unknown) => {
        assert.ok(err instanceof DataClassError);
        const paths = err.details.map((d) => d.path).sort();
        assert.deepEqual(paths, [
          '$.extends',
          '$.minimumLevel',
          '$.territories[0]',
          '$.territories[1]',
          '$.title',
          'id',
        ]);
        return true;
      },
    );
    assert.throws(
      () => organisationDataClass('sensitive', { title: 'x' }, 'org-1', doc, classes),
      /invalid data class/,
    );
  });

  it('refuses a referential whose classes name unknown levels, parameters or classes', () => {
    const yaml = JSON.stringify({
      ...doc,
      version: '9.9.9',
      dataClasses: [
        { id: 'a', title: { fr: 'a', en: 'a' }, minimumLevel: 'gold', territories: ['params.minTlsVersion'] },
        { id: 'b', title: { fr: 'b', en: 'b' }, extends: 'c' },
        { id: 'c', title: { fr: 'c', en: 'c' }, extends: 'b' },
      ],
    });
    assert.throws(
      () => parseReferential(yaml),
      (err: { issues: Array<{ path: string; message: string }> }) => {
        const paths = err.issues.map((i) => i.path);
        assert.ok(paths.includes('$.dataClasses[0].minimumLevel'), JSON.stringify(err.issues));
        assert.ok(paths.includes('$.dataClasses[0].territories[0]'));
        assert.ok(paths.includes('$.dataClasses[1].extends'));
        // HDS overlays name `health`, which this version no longer defines.
        assert.ok(err.issues.some((i) => /unknown data class "health"/.test(i.message)));
        return true;
      },
    );
  });
});

describe('placement decisions', () => {
  it('allows sensitive data on a trusted offer in France, with every requirement passed', () => {
    const d = engine.decide(byId('sensitive'), {
      kind: 'offer',
      offerId: 'outscale-cloudgouv',
      region: 'cloudgouv-eu-west-1',
    });
    assert.equal(d.outcome, 'allowed');
    assert.deepEqual(
      d.checks.map((c) => [c.requirement, c.status, c.code]),
      [
        ['label', 'pass', 'label.active'],
        ['territory', 'pass', 'territory.inside'],
      ],
    );
  });

  it('denies sensitive data below the trusted level, and says which level was found', () => {
    const d = engine.decide(byId('sensitive'), { kind: 'offer', offerId: 'aws-paris', region: 'eu-west-3' });
    assert.equal(d.outcome, 'denied');
    assert.deepEqual(failed(d), ['label.level']);
    assert.deepEqual(d.checks[0]!.params, { level: 'eu-data', required: 'trusted' });
  });

  it('denies personal data outside the EEA, even on a labelled offer', () => {
    const d = engine.decide(byId('personal'), {
      kind: 'offer',
      offerId: 'outscale-general',
      region: 'us-east-2',
    });
    assert.deepEqual(failed(d), ['label.level', 'territory.outside']);
    const eea = engine.decide(byId('personal'), {
      kind: 'offer',
      offerId: 'norway-eu-data',
      region: 'no-osl-1',
    });
    assert.equal(eea.outcome, 'allowed', 'Norway is in the EEA');
    const sensitive = engine.decide(byId('sensitive'), {
      kind: 'offer',
      offerId: 'aws-paris',
      region: 'eu-central-1',
    });
    assert.deepEqual(failed(sensitive), ['label.level', 'territory.outside']);
  });

  it('needs a held HDS certificate for health data; a J0 milestone or an unknown list is not one', () => {
    assert.equal(
      engine.decide(byId('health'), { kind: 'offer', offerId: 'aws-paris', region: 'eu-west-3' }).outcome,
      'allowed',
    );
    const j0 = engine.decide(byId('health'), {
      kind: 'offer',
      offerId: 'norway-eu-data',
      region: 'no-osl-1',
    });
    assert.deepEqual(failed(j0), ['certification.missing']);
    const unknown = engine.decide(byId('health'), { kind: 'offer', offerId: 'unknown-certs' });
    assert.deepEqual(failed(unknown), ['certification.unknown']);
  });

  it('counts only active labels: suspended and expired ones fail the label requirement', () => {
    const s = engine.decide(byId('internal'), { kind: 'offer', offerId: 'suspended-trusted' });
    assert.deepEqual(failed(s), ['label.state']);
    assert.equal(s.checks[0]!.params.state, 'suspended');
    const e = engine.decide(byId('internal'), { kind: 'offer', offerId: 'expired-trusted' });
    assert.equal(e.checks[0]!.params.state, 'expired', 'a validity end passed makes an active label expired');
    // Public data needs no label at all.
    assert.equal(
      engine.decide(byId('public'), { kind: 'offer', offerId: 'suspended-trusted' }).outcome,
      'allowed',
    );
  });

  it('denies an offer without a label and a region its label does not cover', () => {
    assert.deepEqual(failed(engine.decide(byId('public'), { kind: 'offer', offerId: 'nobody' })), [
      'offer.unknown',
    ]);
    const d = engine.decide(byId('internal'), { kind: 'offer', offerId: 'aws-paris', region: 'us-east-1' });
    assert.deepEqual(failed(d), ['region.not-covered']);
    assert.deepEqual(d.checks[0]!.params.covered, ['eu-west-3', 'eu-central-1']);
    assert.equal(
      engine.decide(byId('internal'), { kind: 'offer', offerId: 'aws-paris', region: 'EU-WEST-3' }).outcome,
      'allowed',
      'region codes compare case-insensitively',
    );
  });

  it('with an offer and no region, answers for its best region', () => {
    const d = engine.decide(byId('sensitive'), { kind: 'offer', offerId: 'outscale-general' });
    assert.equal(d.outcome, 'denied');
    assert.equal(d.candidates.length, 2);
    const p = engine.decide(byId('personal'), { kind: 'offer', offerId: 'aws-paris' });
    assert.equal(p.outcome, 'allowed');
    assert.deepEqual(
      p.candidates.map((c) => [c.region.code, c.allowed]),
      [
        ['eu-central-1', true],
        ['eu-west-3', true],
      ],
    );
  });

  it('without an offer, lists the eligible offers and regions, strongest label first', () => {
    const d = engine.decide(byId('internal'), { kind: 'any' });
    assert.equal(d.outcome, 'allowed');
    assert.deepEqual(
      d.candidates.map((c) => `${c.offerId}@${c.region.code}`),
      [
        'outscale-cloudgouv@cloudgouv-eu-west-1',
        // Same level: the label valid longer comes first (aws-paris ends in 2028).
        'norway-eu-data@no-osl-1',
        'unknown-certs@fr-par-1',
        'aws-paris@eu-central-1',
        'aws-paris@eu-west-3',
        'outscale-general@eu-west-2',
        'outscale-general@us-east-2',
      ],
    );
    assert.equal(d.eligible, 7);
    assert.equal(engine.decide(byId('internal'), { kind: 'any', limit: 2 }).candidates.length, 2);
    const sensitive = engine.decide(byId('sensitive'), { kind: 'any' });
    assert.deepEqual(
      sensitive.candidates.map((c) => c.offerId),
      ['outscale-cloudgouv'],
    );
    const none = new PlacementEngine({ offers: [], levelOrder: referential.levelOrder, now: NOW });
    assert.deepEqual(failed(none.decide(byId('sensitive'), { kind: 'any' })), ['offer.none-eligible']);
  });

  it("decides a provider's region through the offers linked to it", () => {
    const linked = engine.offersIn(['aws'], 'eu-west-3');
    assert.deepEqual(linked, ['aws-paris']);
    const location = { provider: 'aws', code: 'eu-west-3', countries: ['FR'], city: 'Paris' };
    const d = engine.decide(byId('personal'), { kind: 'location', location, offerIds: linked });
    assert.equal(d.outcome, 'allowed');
    assert.equal(d.candidates[0]!.offerId, 'aws-paris');
    const trusted = engine.decide(byId('sensitive'), { kind: 'location', location, offerIds: linked });
    assert.deepEqual(failed(trusted), ['label.level']);
    // No labelled offer there: only a class without a label requirement may go, and only on its territory.
    const bare = { provider: 'aws', code: 'us-east-1', countries: ['US'] };
    assert.deepEqual(
      failed(engine.decide(byId('sensitive'), { kind: 'location', location: bare, offerIds: [] })),
      ['label.none', 'territory.outside'],
    );
    assert.equal(
      engine.decide(byId('public'), { kind: 'location', location: bare, offerIds: [] }).outcome,
      'allowed',
    );
    const multi = { provider: 'google', code: 'EU', countries: ['BE', 'NL', 'FI'] };
    assert.equal(
      engine.decide(byId('personal'), { kind: 'location', location: multi, offerIds: [] }).outcome,
      'denied',
    );
  });

  it('answers `allows` exactly like `decide`', () => {
    const targets: Array<[string, string]> = [];
    for (const o of sampleOffers())
      for (const r of [...o.regions, { code: 'zz-nowhere-1' }]) targets.push([o.offer.id, r.code]);
    targets.push(['nobody', 'fr-par-1']);
    for (const cls of classes)
      for (const [o, r] of targets)
        assert.equal(
          engine.allows(cls, o, r),
          engine.decide(cls, { kind: 'offer', offerId: o, region: r }).outcome === 'allowed',
          `${cls.id} ${o} ${r}`,
        );
  });
});

describe('explanations', () => {
  it('words every check in French and English, naming countries', () => {
    const d = engine.decide(byId('sensitive'), {
      kind: 'offer',
      offerId: 'aws-paris',
      region: 'eu-central-1',
    });
    const fr = d.checks.map((c) => explainCheck(c, byId('sensitive'), 'fr'));
    const en = d.checks.map((c) => explainCheck(c, byId('sensitive'), 'en'));
    assert.match(fr[0]!, /niveau eu-data, inférieur au niveau trusted/);
    assert.match(fr[1]!, /Allemagne \(DE\), hors du territoire autorisé \(France \(FR\)\)/);
    assert.match(en[1]!, /Germany \(DE\), outside the allowed territory \(France \(FR\)\)/);
    const personal = engine.decide(byId('personal'), {
      kind: 'offer',
      offerId: 'outscale-general',
      region: 'us-east-2',
    });
    assert.match(explainCheck(personal.checks[1]!, byId('personal'), 'fr'), /l'EEE/);
  });

  it('has words for every code the engine produces', () => {
    const seen = new Set<string>();
    const extra: DataClass[] = [
      organisationDataClass(
        'x',
        { title: 'x', certifications: ['HDS'], minimumLevel: 'trusted' },
        'o',
        doc,
        classes,
      ),
    ];
    const big = new PlacementEngine({
      offers: [...sampleOffers(), offer('lonely', { certifications: [] })],
      levelOrder: referential.levelOrder,
      now: NOW,
    });
    const empty = new PlacementEngine({ offers: [], levelOrder: referential.levelOrder, now: NOW });
    for (const cls of [...classes, ...extra]) {
      for (const o of [...sampleOffers().map((x) => x.offer.id), 'nobody', 'lonely']) {
        for (const d of [
          big.decide(cls, { kind: 'offer', offerId: o }),
          big.decide(cls, { kind: 'offer', offerId: o, region: 'zz' }),
        ])
          for (const c of d.candidates.flatMap((x) => x.checks).concat(d.checks)) seen.add(c.code);
      }
      for (const d of [
        empty.decide(cls, { kind: 'any' }),
        big.decide(cls, { kind: 'location', location: { code: 'x', countries: [] }, offerIds: [] }),
        big.decide(cls, { kind: 'location', location: { code: 'x', countries: ['US'] }, offerIds: [] }),
      ])
        for (const c of d.checks) seen.add(c.code);
    }
    // Under a SEAL gate: proven, below, left open, unknown to the registry, and no offer at all.
    const gate = [{ objective: 'SOV-2', minimum: 3 }];
    const gated = new PlacementEngine({
      offers: [
        offer('seal-met', { seal: { 'SOV-2': { min: 3, max: 4 } } }),
        offer('seal-below', { seal: { 'SOV-2': { min: 0, max: 1 } } }),
        offer('seal-open', { seal: { 'SOV-2': { min: 1, max: 4 } } }),
        offer('seal-none'),
      ],
      levelOrder: referential.levelOrder,
      now: NOW,
    });
    for (const o of ['seal-met', 'seal-below', 'seal-open', 'seal-none'])
      for (const c of gated.decide(byId('public'), { kind: 'offer', offerId: o }, gate).checks)
        seen.add(c.code);
    const where: PlacementTarget = {
      kind: 'location',
      location: { code: 'x', countries: ['FR'] },
      offerIds: [],
    };
    for (const c of gated.decide(byId('public'), where, gate).checks) seen.add(c.code);
    assert.deepEqual(
      [...seen].filter((c) => !EXPLAINED_CODES.includes(c)),
      [],
    );
    assert.deepEqual(
      EXPLAINED_CODES.filter((c) => !seen.has(c)),
      [],
      'a worded code the engine never produces is dead text',
    );
  });
});
