/**
 * The engine and the same rule written in Cedar must agree; the benchmark compares their speed on that
 * premise, so the premise is checked here, on the sample registry and on generated ones.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { organisationDataClass, referentialDataClasses } from '../../src/placement/classes.js';
import { PlacementEngine } from '../../src/placement/engine.js';
import type { PlacementOffer } from '../../src/placement/types.js';
import { loadReferential } from '../../src/referential/load.js';
import { cedarAllows, prepareCedar, principalEntity, resourceEntity } from './cedar-oracle.js';
import { NOW, offer, sampleOffers } from './fixtures.js';

const referential = loadReferential();
const levels = referential.levelOrder;
const doc = referential.document;
const base = referentialDataClasses(doc);
const classes = [
  ...base,
  organisationDataClass('hds-fr', { title: 'x', extends: 'health', territories: ['FR'] }, 'o', doc, base),
  organisationDataClass('any-iso', { title: 'x', certifications: ['ISO27001'] }, 'o', doc, base),
];

function agree(offers: PlacementOffer[], queries: Array<[number, string, string]>) {
  prepareCedar();
  const engine = new PlacementEngine({ offers, levelOrder: levels, now: NOW });
  const byId = new Map(offers.map((o) => [o.offer.id, o]));
  for (const [c, offerId, region] of queries) {
    const cls = classes[c % classes.length]!;
    const ours = engine.decide(cls, { kind: 'offer', offerId, region }).outcome === 'allowed';
    const theirs = cedarAllows(
      principalEntity(cls, levels),
      resourceEntity(byId.get(offerId), region, levels, NOW),
    );
    assert.equal(ours, theirs, `${cls.id} ${offerId} ${region}`);
  }
}

describe('the engine and the Cedar policy', () => {
  it('agree on every class, offer and region of the sample registry', () => {
    const offers = sampleOffers();
    const queries: Array<[number, string, string]> = [];
    for (let c = 0; c < classes.length; c++)
      for (const o of [...offers, offer('ghost')])
        for (const r of [...o.regions.map((x) => x.code), 'zz-nowhere-1']) queries.push([c, o.offer.id, r]);
    agree(offers, queries);
  });

  it('agree on generated registries and questions', () => {
    const countries = ['FR', 'DE', 'NO', 'US', 'CH'];
    const region = fc.record({
      code: fc.constantFrom('r1', 'r2', 'r3', 'R1'),
      country: fc.constantFrom(...countries),
    });
    const generated = fc.record({
      level: fc.constantFrom(...levels),
      state: fc.constantFrom('active', 'active', 'suspended', 'revoked'),
      expired: fc.boolean(),
      regions: fc.uniqueArray(region, { minLength: 1, maxLength: 3, selector: (r) => r.code.toLowerCase() }),
      certifications: fc.option(
        fc.array(
          fc.record({
            scheme: fc.constantFrom('HDS', 'ISO27001'),
            status: fc.constantFrom('certified', 'qualified', 'J0'),
          }),
          { maxLength: 3 },
        ),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(
        fc.array(generated, { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('r1', 'r2', 'r3', 'r9')), {
          minLength: 1,
          maxLength: 30,
        }),
        (specs, questions) => {
          const offers = specs.map((s, i) =>
            offer(`o${i}`, {
              level: s.level,
              state: s.state,
              validUntil: s.expired ? '2026-01-01T00:00:00Z' : '2029-01-01T00:00:00Z',
              regions: s.regions,
              certifications: s.certifications,
            }),
          );
          agree(
            offers,
            questions.map(([c, o, r]) => [c, `o${o % (offers.length + 1)}`, r]),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
