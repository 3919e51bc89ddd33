/**
 * EU Cloud Sovereignty Framework assessment on three hand-worked declarations. The expected SEAL bounds
 * below were worked out by hand from the rungs of referentials/eu-csf/1.0.0.yaml (comments give the
 * reasoning), not copied from the program's output.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { Declaration } from '../../src/declaration/types.js';
import { loadReferential } from '../../src/referential/load.js';
import { parseAnswers } from '../../src/sovereignty/answers.js';
import {
  assessSovereignty,
  checkSealGate,
  parseSealGate,
  SealGateError,
  type SovereigntyAssessment,
  SovereigntyError,
  sealProfile,
} from '../../src/sovereignty/index.js';
import { registrySealProfile } from '../../src/sovereignty/profile.js';
import { repoRoot } from '../helpers/cli.js';

const dir = join(repoRoot, 'test', 'fixtures', 'sovereignty');
const referential = loadReferential('eu-csf', '1.0.0');
const OBJECTIVES = ['SOV-1', 'SOV-2', 'SOV-3', 'SOV-4', 'SOV-5', 'SOV-6', 'SOV-7', 'SOV-8'];
const DATE = '2026-11-29';

const declaration = (name: string) =>
  JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Declaration;
function answers(name: string) {
  const r = parseAnswers(parse(readFileSync(join(dir, `${name}.answers.yaml`), 'utf8')));
  assert.ok(r.ok, JSON.stringify(r));
  return r.answers;
}
const seals = (a: SovereigntyAssessment) =>
  Object.fromEntries(a.objectives.map((o) => [o.id, [o.seal.min, o.seal.max]]));
const criterion = (a: SovereigntyAssessment, id: string) =>
  a.objectives.flatMap((o) => o.criteria).find((c) => c.id === id)!;

describe('EU CSF assessment: an offer wholly EU-controlled', () => {
  const a = assessSovereignty(referential, declaration('wholly-eu'), { date: DATE, lang: 'fr' });

  it('proves what the declaration carries and leaves the rest as bounds', () => {
    assert.deepEqual(seals(a), {
      // 1.1 entirely within (no non-EEA stake) = 4; 1.3 roadmap undecided 2..4; 1.8 full autonomy = 4.
      'SOV-1': [2, 4],
      // 2.1, 2.2 (SecNumCloud), 2.3, 2.6 at 4; 2.4 export control undecided 0..4.
      'SOV-2': [0, 4],
      // 3.1 hyok 3..4; 3.2 logs exist 1..4; 3.3 deletion certificate 3..4; 3.4 all EEA = 4; 3.5 AI 2..4.
      'SOV-3': [1, 4],
      // 4.5 documentation undecided 0..4 holds the lower bound.
      'SOV-4': [0, 4],
      // 5.6: one non-EEA hardware maker the service runs without = rung 3, SEAL-3 at most.
      'SOV-5': [0, 3],
      'SOV-6': [0, 4],
      'SOV-7': [0, 4],
      'SOV-8': [0, 4],
    });
    assert.deepEqual([a.seal.min, a.seal.max], [0, 3]);
    assert.equal(a.sealLevel, null);
    assert.equal(a.status, 'partially-assessed');
  });

  it('explains each criterion, naming what is decided and what needs an answer', () => {
    const c11 = criterion(a, 'SOV-1.1');
    assert.equal(c11.status, 'assessed');
    assert.deepEqual([c11.points.min, c11.seal.min], [125, 4]);
    assert.match(c11.explanation, /Entièrement dans l'UE\/EEE/);
    const c24 = criterion(a, 'SOV-2.4');
    assert.equal(c24.status, 'not-assessed');
    assert.equal(c24.needsAnswer, true);
    assert.match(c24.explanation, /une réponse est nécessaire/);
    assert.deepEqual(
      criterion(a, 'SOV-3.4').crosswalk[0]!.criteria,
      ['EU-LOC-01', 'EU-LOC-02', 'EU-LOC-03'],
      'the crosswalk to the French criteria is shown with the criterion',
    );
  });

  it('passes the gate SOV-2:3, SOV-3:3 only once an assessor answers what the declaration cannot say', () => {
    const gate = parseSealGate('SOV-2:3,SOV-3:3', OBJECTIVES);
    const before = checkSealGate(a, gate);
    assert.equal(before.status, 'undetermined');
    assert.deepEqual(before.requirements.find((r) => r.objective === 'SOV-2')!.criteria, ['SOV-2.4']);
    const answered = assessSovereignty(referential, declaration('wholly-eu'), {
      date: DATE,
      lang: 'en',
      answers: answers('wholly-eu'),
    });
    // 2.4 answered rung 3 (SEAL-3); 3.2 and 3.5 answered rung 3 (SEAL-3); 3.1 and 3.3 stay 3..4.
    assert.deepEqual(seals(answered)['SOV-2'], [3, 3]);
    assert.deepEqual(seals(answered)['SOV-3'], [3, 3]);
    assert.equal(checkSealGate(answered, gate).status, 'pass');
    assert.equal(criterion(answered, 'SOV-3.5').source, 'answer');
    assert.equal(criterion(answered, 'SOV-3.5').answer?.source, 'self-assessment');
  });
});

describe('EU CSF assessment: an EU operator licensing US technology', () => {
  const d = declaration('eu-operator-us-licensor');
  const a = assessSovereignty(referential, d, { date: DATE, lang: 'en' });

  it('holds strategic sovereignty at SEAL-3 at most because of the 20 % US stake', () => {
    // 1.1: not controlled from outside, but a non-EEA stake: "mostly within" = SEAL-3; 1.3 undecided 2..4.
    assert.deepEqual(seals(a)['SOV-1'], [2, 3]);
    assert.equal(criterion(a, 'SOV-1.1').possible[0]!.index, 2);
    // 2.6: a non-EEA licensor rules out "fully EU law": rungs 0..3, SEAL-3..4.
    assert.deepEqual([criterion(a, 'SOV-2.6').seal.min, criterion(a, 'SOV-2.6').seal.max], [3, 4]);
    // 5.4: a US licensor rules out "exclusively EU" software.
    assert.deepEqual(
      criterion(a, 'SOV-5.4').possible.map((r) => r.index),
      [0, 1, 2, 3],
    );
    assert.deepEqual([a.seal.min, a.seal.max], [0, 3]);
  });

  it('fails the gate once the assessor answers export control (licensed US technology)', () => {
    const gate = parseSealGate('SOV-2:3', OBJECTIVES);
    assert.equal(checkSealGate(a, gate).status, 'undetermined');
    const answered = assessSovereignty(referential, d, {
      date: DATE,
      lang: 'en',
      answers: answers('eu-operator-us-licensor'),
    });
    assert.deepEqual(seals(answered)['SOV-2'], [1, 1]);
    assert.equal(checkSealGate(answered, gate).status, 'fail');
  });
});

describe("EU CSF assessment: a US hyperscaler's EU region", () => {
  const a = assessSovereignty(referential, declaration('us-hyperscaler-eu-region'), {
    date: DATE,
    lang: 'en',
  });

  it('is held at SEAL-1 by control from the US, whatever is still undecided', () => {
    // 1.1: a Luxembourg entity controlled from the US = "mostly outside", SEAL-1; 1.8: the US parent can
    // cut the service off, so full autonomy is ruled out (rungs tagged 0..2).
    assert.deepEqual(seals(a)['SOV-1'], [0, 1]);
    // 2.1 mixed (SEAL-1), 2.2 and 2.3 can only reach rungs tagged SEAL-1.
    assert.deepEqual(seals(a)['SOV-2'], [0, 1]);
    // 3.4: technical data in the US = "EU by default with controlled exceptions", SEAL-1 exactly.
    assert.deepEqual(seals(a)['SOV-3'], [1, 1]);
    assert.equal(a.objectives.find((o) => o.id === 'SOV-3')!.sealLevel, 1);
  });

  it('counts points as bounds: SOV-3 between 450 and 850 of 1000', () => {
    // 3.1 byok = 100; 3.2 logs 50..200; 3.3 certificate 150..200; 3.4 = 150; 3.5 0..200.
    const o = a.objectives.find((x) => x.id === 'SOV-3')!;
    assert.deepEqual([o.points.min, o.points.max, o.maxPoints], [450, 850, 1000]);
    assert.ok(a.score.min < a.score.max);
  });

  it('fails the tender gate SOV-2:3, SOV-3:3 outright, naming the criteria', () => {
    const outcome = checkSealGate(a, parseSealGate(['SOV-2:3', 'SOV-3:SEAL-3'], OBJECTIVES));
    assert.equal(outcome.status, 'fail');
    assert.ok(outcome.requirements.find((r) => r.objective === 'SOV-3')!.criteria.includes('SOV-3.4'));
    // The same decision from the compact profile the registry keeps.
    assert.equal(checkSealGate(sealProfile(a), parseSealGate('SOV-3:3', OBJECTIVES)).status, 'fail');
  });
});

describe('EU CSF assessment: rules of the computation', () => {
  it('never guesses: an empty ownership section or missing fields leave rungs undecided', () => {
    const d = declaration('wholly-eu');
    delete d.ownership;
    delete d.offer.encryption;
    const a = assessSovereignty(referential, d, { date: DATE, lang: 'en' });
    const c11 = criterion(a, 'SOV-1.1');
    assert.deepEqual(
      c11.possible.map((r) => r.index),
      [1, 2, 3],
      'seat in the EU proves rung 1, ownership unknown',
    );
    assert.ok(c11.missing.includes('ownership'));
    const c31 = criterion(a, 'SOV-3.1');
    assert.equal(c31.status, 'not-assessed');
    assert.deepEqual(c31.missing, ['offer.encryption.keyManagement']);
  });

  it('reports an answer that contradicts the declaration and keeps the facts', () => {
    const a = assessSovereignty(referential, declaration('us-hyperscaler-eu-region'), {
      date: DATE,
      lang: 'en',
      answers: { 'SOV-1.1': { rung: 3, source: 'provider' } },
    });
    const c = criterion(a, 'SOV-1.1');
    assert.equal(c.source, 'declaration');
    assert.deepEqual(
      c.possible.map((r) => r.index),
      [1],
    );
    assert.match(c.conflict ?? '', /contradicts the declaration/);
  });

  it('uses the guidance weights on request and refuses weights not adding up to 100 %', () => {
    const d = declaration('wholly-eu');
    const framework = assessSovereignty(referential, d, { date: DATE, lang: 'en' });
    const guidance = assessSovereignty(referential, d, { date: DATE, lang: 'en', weights: 'guidance' });
    assert.equal(framework.weights['SOV-1'], 15);
    assert.equal(guidance.weights['SOV-1'], 20);
    assert.equal(guidance.context.weights, 'guidance');
    assert.notDeepEqual(framework.score, guidance.score);
    assert.throws(
      () => assessSovereignty(referential, d, { date: DATE, lang: 'en', weights: { 'SOV-1': 50 } }),
      (err: unknown) => err instanceof SovereigntyError && err.issues.some((i) => i.path === 'weights.SOV-2'),
    );
  });

  it('refuses answers naming unknown criteria or rungs', () => {
    assert.throws(
      () =>
        assessSovereignty(referential, declaration('wholly-eu'), {
          date: DATE,
          lang: 'en',
          answers: { 'SOV-9.1': { rung: 1, source: 'x' }, 'SOV-2.1': { rung: 7, source: 'x' } },
        }),
      (err: unknown) =>
        err instanceof SovereigntyError &&
        err.issues.map((i) => i.path).join() === 'answers.SOV-9.1,answers.SOV-2.1.rung',
    );
    const bad = parseAnswers({ answers: { 'SOV-2.4': 'three' } });
    assert.equal(bad.ok, false);
  });

  it('parses gates precisely and keeps the strictest minimum per objective', () => {
    assert.deepEqual(parseSealGate('sov-2:2, SOV-2:3,SOV-3:SEAL-1', OBJECTIVES), [
      { objective: 'SOV-2', minimum: 3 },
      { objective: 'SOV-3', minimum: 1 },
    ]);
    assert.throws(
      () => parseSealGate('SOV-2:5,SOV-9:1,SOV-3', OBJECTIVES),
      (err: unknown) => err instanceof SealGateError && err.issues.length === 3,
    );
  });

  it('gives the registry the same bounds as the full assessment, deterministically', () => {
    const d = declaration('eu-operator-us-licensor');
    const full = sealProfile(assessSovereignty(referential, d, { date: DATE, lang: 'fr' }));
    assert.deepEqual(registrySealProfile(d, DATE), full);
    assert.deepEqual(registrySealProfile(d, DATE), registrySealProfile(d, DATE));
  });
});
