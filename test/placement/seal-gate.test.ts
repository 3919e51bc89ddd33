/** The SEAL gate as a placement requirement: only proven levels pass, and the gate is part of the question. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { referentialDataClasses } from '../../src/placement/classes.js';
import { PlacementEngine } from '../../src/placement/engine.js';
import { explainCheck } from '../../src/placement/explain.js';
import { buildReceipt } from '../../src/placement/receipt.js';
import type { Check, Decision } from '../../src/placement/types.js';
import { loadReferential } from '../../src/referential/load.js';
import { parseSealGate } from '../../src/sovereignty/gate.js';
import { NOW, offer, sampleOffers } from './fixtures.js';

const referential = loadReferential();
const classes = referentialDataClasses(referential.document);
const byId = (id: string) => classes.find((c) => c.id === id)!;
const OBJECTIVES = ['SOV-1', 'SOV-2', 'SOV-3', 'SOV-4', 'SOV-5', 'SOV-6', 'SOV-7', 'SOV-8'];
const GATE = parseSealGate('SOV-2:3,SOV-3:3', OBJECTIVES);

const offers = () => [
  ...sampleOffers(),
  offer('eu-sovereign', {
    provider: 'eusov',
    seal: { 'SOV-1': { min: 2, max: 2 }, 'SOV-2': { min: 3, max: 4 }, 'SOV-3': { min: 4, max: 4 } },
  }),
  offer('us-licensed', {
    provider: 'uslic',
    seal: { 'SOV-2': { min: 1, max: 2 }, 'SOV-3': { min: 1, max: 4 } },
  }),
  offer('half-proven', {
    provider: 'half',
    seal: { 'SOV-2': { min: 3, max: 3 }, 'SOV-3': { min: 2, max: 4 } },
  }),
  offer('no-profile', { provider: 'nop', seal: null }),
];
const engine = () => new PlacementEngine({ offers: offers(), levelOrder: referential.levelOrder, now: NOW });
const sovereignty = (d: Decision): Check | undefined => d.checks.find((c) => c.requirement === 'sovereignty');

describe('SEAL gate in placement decisions', () => {
  it('passes an offer whose proven SEAL meets every objective of the gate', () => {
    const d = engine().decide(byId('sensitive'), { kind: 'offer', offerId: 'eu-sovereign' }, GATE);
    assert.equal(d.outcome, 'allowed');
    assert.deepEqual(sovereignty(d), {
      requirement: 'sovereignty',
      status: 'pass',
      code: 'sovereignty.met',
      params: { gate: 'SOV-2:3,SOV-3:3', met: ['SOV-2:3-4', 'SOV-3:4-4'] },
    });
    assert.match(explainCheck(sovereignty(d)!, byId('sensitive'), 'fr'), /SOV-2 \(SEAL-3 à SEAL-4\)/);
  });

  it('fails an offer below the minimum, naming the objective below and the one left open', () => {
    const d = engine().decide(byId('sensitive'), { kind: 'offer', offerId: 'us-licensed' }, GATE);
    assert.equal(d.outcome, 'denied');
    const check = sovereignty(d)!;
    assert.equal(check.status, 'fail');
    assert.equal(check.code, 'sovereignty.below');
    assert.deepEqual(check.params, {
      gate: 'SOV-2:3,SOV-3:3',
      below: ['SOV-2:1-2'],
      unproven: ['SOV-3:1-4'],
    });
    assert.equal(
      explainCheck(check, byId('sensitive'), 'en'),
      'SEAL level below the required minimum (SOV-2 ≥ SEAL-3, SOV-3 ≥ SEAL-3): SOV-2 (SEAL-1 to SEAL-2); not proven: SOV-3 (SEAL-1 to SEAL-4).',
    );
    assert.match(explainCheck(check, byId('sensitive'), 'fr'), /inférieur au minimum exigé/);
  });

  it('never passes on a guess: a level the facts leave open, or a missing profile, fails', () => {
    const e = engine();
    const open = e.decide(byId('public'), { kind: 'offer', offerId: 'half-proven' }, GATE);
    assert.equal(open.outcome, 'denied');
    assert.equal(sovereignty(open)!.code, 'sovereignty.unproven');
    assert.deepEqual(sovereignty(open)!.params.unproven, ['SOV-3:2-4']);
    const none = e.decide(byId('public'), { kind: 'offer', offerId: 'no-profile' }, GATE);
    assert.equal(none.outcome, 'denied');
    assert.equal(sovereignty(none)!.code, 'sovereignty.unknown');
    // An offer from an older snapshot has no `seal` field at all: the same answer.
    const old = e.decide(byId('public'), { kind: 'offer', offerId: 'outscale-cloudgouv' }, GATE);
    assert.equal(sovereignty(old)!.code, 'sovereignty.unknown');
    assert.match(explainCheck(sovereignty(none)!, byId('public'), 'fr'), /ne donne pas les niveaux SEAL/);
    assert.equal(e.allows(byId('public'), 'half-proven', 'fr-par-1', GATE), false);
    assert.equal(e.allows(byId('public'), 'eu-sovereign', 'fr-par-1', GATE), true);
  });

  it('leaves a decision without a gate unchanged (no sovereignty check)', () => {
    const e = engine();
    for (const id of ['eu-sovereign', 'us-licensed', 'no-profile', 'aws-paris']) {
      const plain = e.decide(byId('personal'), { kind: 'offer', offerId: id });
      assert.equal(sovereignty(plain), undefined);
      assert.deepEqual(e.decide(byId('personal'), { kind: 'offer', offerId: id }, []), plain);
    }
    const withGate = new PlacementEngine({
      offers: sampleOffers(),
      levelOrder: referential.levelOrder,
      now: NOW,
    });
    const without = new PlacementEngine({
      offers: sampleOffers(),
      levelOrder: referential.levelOrder,
      now: NOW,
    });
    assert.deepEqual(
      withGate.decide(byId('internal'), { kind: 'any', limit: 50 }),
      without.decide(byId('internal'), { kind: 'any', limit: 50 }),
    );
  });

  it('keys the eligible list on the gate: no cached answer of another gate is returned', () => {
    const e = engine();
    const cls = byId('public');
    const plain = e.decide(cls, { kind: 'any', limit: 50 });
    const gated = e.decide(cls, { kind: 'any', limit: 50 }, GATE);
    const looser = e.decide(cls, { kind: 'any', limit: 50 }, parseSealGate('SOV-2:1', OBJECTIVES));
    const plainAgain = e.decide(cls, { kind: 'any', limit: 50 });
    assert.ok(plain.eligible! > 1);
    assert.deepEqual(
      gated.candidates.map((c) => c.offerId),
      ['eu-sovereign'],
    );
    assert.equal(gated.eligible, 1);
    assert.deepEqual(looser.candidates.map((c) => c.offerId).sort(), [
      'eu-sovereign',
      'half-proven',
      'us-licensed',
    ]);
    assert.deepEqual(plainAgain, plain);
    assert.ok(gated.candidates.every((c) => c.checks.some((x) => x.code === 'sovereignty.met')));
    // A gate no offer meets denies the listing.
    const none = e.decide(cls, { kind: 'any' }, parseSealGate('SOV-8:4', OBJECTIVES));
    assert.equal(none.outcome, 'denied');
    assert.equal(none.eligible, 0);
  });

  it('refuses a provider region with no labelled offer under a gate', () => {
    const d = engine().decide(
      byId('public'),
      { kind: 'location', location: { code: 'x', countries: ['FR'] }, offerIds: [] },
      GATE,
    );
    assert.equal(d.outcome, 'denied');
    assert.equal(sovereignty(d)!.code, 'sovereignty.no-offer');
  });

  it('names the gate in the receipt and keeps the SEAL bounds it read', () => {
    const e = engine();
    const cls = byId('sensitive');
    const input = {
      id: 'urn:uuid:x',
      issuer: 'did:web:label.test',
      issuedAt: NOW,
      lang: 'fr' as const,
      question: { dataClass: cls.id, offer: 'us-licensed' },
      dataClass: cls,
      engine: e,
      referential: { id: 'r', version: '1', digest: 'd' },
      registry: { version: 'v', asOf: NOW.toISOString() },
      checkpoint: null,
    };
    const gated = buildReceipt({
      ...input,
      decision: e.decide(cls, { kind: 'offer', offerId: 'us-licensed' }, GATE),
      seal: GATE,
    });
    assert.equal(gated.question.seal, 'SOV-2:3,SOV-3:3');
    assert.deepEqual(gated.reliedOn[0]!.seal, { 'SOV-2': { min: 1, max: 2 }, 'SOV-3': { min: 1, max: 4 } });
    assert.equal(gated.reasons.find((r) => r.requirement === 'sovereignty')!.code, 'sovereignty.below');
    const plain = buildReceipt({
      ...input,
      decision: e.decide(cls, { kind: 'offer', offerId: 'us-licensed' }),
    });
    assert.equal(plain.question.seal, undefined);
    assert.equal('seal' in plain.reliedOn[0]!, false);
  });
});
