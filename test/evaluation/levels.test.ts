/**
 * How criterion statuses make levels: cumulative levels, manual reviews, overlays, the target level,
 * determinism and the language switch.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Declaration } from '../../src/declaration/types.js';
import { type EvaluationContext, type EvaluationResult, evaluate } from '../../src/evaluation/evaluate.js';
import { loadReferential } from '../../src/referential/load.js';

const DATE = '2026-11-29';
const base: Declaration = JSON.parse(
  readFileSync(new URL('../fixtures/declarations/compliant-trusted.json', import.meta.url), 'utf8'),
);
const referential = loadReferential('cloud-de-confiance', '1.0.0');

function run(
  mutate: (d: Declaration) => void = () => {},
  context: Partial<EvaluationContext> = {},
): EvaluationResult {
  const d = structuredClone(base);
  mutate(d);
  return evaluate(referential, d, { date: DATE, lang: 'en', ...context });
}

const levelStatus = (r: EvaluationResult) => Object.fromEntries(r.levels.map((l) => [l.id, l.status]));
const statusOf = (r: EvaluationResult, id: string) => r.criteria.find((c) => c.id === id)?.status;

describe('levels', () => {
  it('are ordered baseline, eu-data, trusted', () => {
    assert.deepEqual(referential.levelOrder, ['baseline', 'eu-data', 'trusted']);
    assert.deepEqual(
      run().levels.map((l) => l.id),
      ['baseline', 'eu-data', 'trusted'],
    );
  });

  it('a compliant offer is trusted subject to the review of CDC-IMM-03', () => {
    const r = run();
    assert.equal(r.level, 'eu-data');
    assert.equal(r.levelSubjectToReview, 'trusted');
    assert.deepEqual(levelStatus(r), {
      baseline: 'attained',
      'eu-data': 'attained',
      trusted: 'subject-to-review',
    });
    assert.deepEqual(r.levels.at(-1), {
      id: 'trusted',
      status: 'subject-to-review',
      blocking: [],
      review: ['CDC-IMM-03'],
    });
  });

  it('are cumulative: a baseline failure means no level at all even if every EU and trusted criterion passes', () => {
    const r = run((d) => {
      d.offer.adminMfa = false;
    });
    for (const id of [
      'EU-LOC-01',
      'EU-LOC-02',
      'EU-LOC-03',
      'EU-OPS-01',
      'EU-OPS-02',
      'EU-TRANSP-01',
      'CDC-QUAL-01',
    ]) {
      assert.equal(statusOf(r, id), 'pass', id);
    }
    assert.equal(r.level, null);
    assert.equal(r.levelSubjectToReview, null);
    assert.deepEqual(levelStatus(r), {
      baseline: 'not-attained',
      'eu-data': 'not-attained',
      trusted: 'not-attained',
    });
    for (const level of r.levels) assert.deepEqual(level.blocking, ['BASE-IAM-01'], level.id);
  });

  it('are cumulative: an eu-data failure stops at baseline and blocks trusted too', () => {
    const r = run((d) => {
      d.offer.technicalDataCountries = ['FR', 'US'];
    });
    assert.equal(r.level, 'baseline');
    assert.equal(r.levelSubjectToReview, 'baseline');
    assert.deepEqual(r.levels.find((l) => l.id === 'trusted')?.blocking, ['EU-LOC-03']);
  });

  it('missing data blocks like a failure', () => {
    const r = run((d) => {
      delete d.offer.locationDisclosure;
    });
    assert.equal(statusOf(r, 'EU-TRANSP-01'), 'missing-data');
    assert.equal(r.level, 'baseline');
    assert.deepEqual(r.levels.find((l) => l.id === 'eu-data')?.blocking, ['EU-TRANSP-01']);
  });

  it('a manual review only makes the level subject to review', () => {
    const r = run((d) => {
      d.offer.thirdParties!.push({
        name: 'Hyperscaler Corp',
        country: 'US',
        role: 'licensor',
        dataAccess: 'none',
        operationalAutonomy: true,
        canInterruptService: false,
        updatesVettedByOperator: true,
      });
    });
    assert.equal(statusOf(r, 'CDC-IMM-02'), 'manual-review');
    assert.equal(r.level, 'eu-data');
    assert.equal(r.levelSubjectToReview, 'trusted');
    assert.deepEqual(r.levels.at(-1)?.review, ['CDC-IMM-02', 'CDC-IMM-03']);
  });

  it('a failure next to a review makes the level not attained, the review is still listed', () => {
    const r = run((d) => {
      d.offer.contract!.changeNoticeDays = 60;
    });
    assert.equal(r.levelSubjectToReview, 'eu-data');
    assert.deepEqual(r.levels.at(-1), {
      id: 'trusted',
      status: 'not-attained',
      blocking: ['CDC-IMM-04'],
      review: ['CDC-IMM-03'],
    });
  });

  it('overlays that do not apply do not block', () => {
    const r = run((d) => {
      delete d.offer.healthDataHosting;
      d.provider.publishesTransferMap = false;
      d.offer.certifications = d.offer.certifications!.filter((c) => c.scheme !== 'HDS');
    });
    for (const id of ['HDS-01', 'HDS-02', 'HDS-03']) assert.equal(statusOf(r, id), 'not-applicable', id);
    assert.equal(r.levelSubjectToReview, 'trusted');
    assert.equal(run(() => {}, { dataClass: 'defence' }).levelSubjectToReview, 'trusted');
  });

  it('overlays that apply block from the baseline up', () => {
    const r = run(
      (d) => {
        d.provider.publishesTransferMap = false;
      },
      { dataClass: 'health' },
    );
    assert.equal(statusOf(r, 'HDS-03'), 'fail');
    assert.equal(r.level, null);
    assert.equal(r.levelSubjectToReview, null);
    assert.deepEqual(r.levels[0]?.blocking, ['HDS-03']);
    assert.equal(run(() => {}, { dataClass: 'health' }).levelSubjectToReview, 'trusted');
  });

  it('targetLevel sets target with the status of that level', () => {
    assert.deepEqual(run(() => {}, { targetLevel: 'trusted' }).target, {
      level: 'trusted',
      status: 'subject-to-review',
    });
    assert.deepEqual(run(() => {}, { targetLevel: 'eu-data' }).target, {
      level: 'eu-data',
      status: 'attained',
    });
    const failing = run(
      (d) => {
        d.offer.regions!.push({ code: 'us-east-2', country: 'US' });
      },
      { targetLevel: 'eu-data' },
    );
    assert.deepEqual(failing.target, { level: 'eu-data', status: 'not-attained' });
    assert.equal('target' in run(), false, 'no target key without a target level');
  });

  it('the context is echoed without the target and with the data class only when given', () => {
    assert.deepEqual(run().context, { date: DATE, lang: 'en' });
    assert.deepEqual(run(() => {}, { dataClass: 'health', targetLevel: 'trusted' }).context, {
      date: DATE,
      lang: 'en',
      dataClass: 'health',
    });
  });

  it('the date decides certificate validity', () => {
    const january = evaluate(referential, structuredClone(base), { date: '2028-01-15', lang: 'en' });
    assert.equal(
      statusOf(january, 'BASE-ISMS-01'),
      'pass',
      'ISO 27001 has lapsed, SecNumCloud and HDS remain',
    );
    assert.match(january.criteria[0]!.explanation, /: SecNumCloud, HDS\./);
    assert.equal(january.levelSubjectToReview, 'trusted');
    const july = evaluate(referential, structuredClone(base), { date: '2028-07-01', lang: 'en' });
    assert.equal(statusOf(july, 'CDC-QUAL-01'), 'fail');
    assert.equal(statusOf(july, 'BASE-ISMS-01'), 'fail', 'every certificate has lapsed');
    assert.equal(july.levelSubjectToReview, null);
  });
});

describe('determinism', () => {
  it('the same input twice gives deep-equal results with the same key order', () => {
    const a = run(() => {}, { dataClass: 'health', targetLevel: 'trusted' });
    const b = run(() => {}, { dataClass: 'health', targetLevel: 'trusted' });
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });

  it('the output keys come in a fixed order, criteria in referential order', () => {
    const r = run(() => {}, { targetLevel: 'trusted' });
    assert.deepEqual(Object.keys(r), [
      'referential',
      'subject',
      'context',
      'level',
      'levelSubjectToReview',
      'levels',
      'target',
      'criteria',
    ]);
    assert.deepEqual(
      r.criteria.map((c) => c.id),
      referential.criteria.map((c) => c.definition.id),
    );
    for (const c of r.criteria) {
      assert.deepEqual(Object.keys(c).slice(0, 4), ['id', 'status', 'explanation', 'title']);
    }
  });

  it('does not depend on the key order of the declaration nor modify it', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const d = structuredClone(base);
    const before = JSON.stringify(d);
    const a = evaluate(referential, d, { date: DATE, lang: 'fr' });
    assert.equal(JSON.stringify(d), before, 'the declaration is not modified');
    const b = evaluate(referential, reversed(base) as Declaration, { date: DATE, lang: 'fr' });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });

  it('is plain JSON: no BigInt, Map or undefined survives in the output', () => {
    const r = run(() => {}, { dataClass: 'health' });
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });
});

describe('language switch', () => {
  /** Values the referential renders per language on purpose (`defs.territoryName`, ownership chains). */
  const LOCALISED_FACTS = new Set(['territory', 'paths']);

  const neutral = (r: EvaluationResult) => ({
    ...r,
    context: { ...r.context, lang: undefined },
    criteria: r.criteria.map(({ explanation: _e, title: _t, facts, ...rest }) => ({
      ...rest,
      facts: Object.fromEntries(Object.entries(facts).filter(([k]) => !LOCALISED_FACTS.has(k))),
    })),
  });

  for (const mutate of [
    () => {},
    (d: Declaration) => {
      d.offer.regions!.push({ code: 'us-east-2', country: 'US' });
      d.offer.adminMfa = false;
      delete d.offer.contract!.changeNoticeDays;
      d.organisations!.find((o) => o.id === 'famille')!.country = 'US';
    },
  ]) {
    it(`changes explanations and titles only (${mutate.length === 0 ? 'compliant' : 'failing'} declaration)`, () => {
      const fr = run(mutate, { lang: 'fr', dataClass: 'health' });
      const en = run(mutate, { lang: 'en', dataClass: 'health' });
      assert.deepEqual(neutral(fr), neutral(en));
      assert.equal(fr.context.lang, 'fr');
      assert.equal(en.context.lang, 'en');
      for (let i = 0; i < fr.criteria.length; i++) {
        const f = fr.criteria[i]!;
        const e = en.criteria[i]!;
        assert.notEqual(f.explanation, e.explanation, `${f.id} explanation is translated`);
        assert.notEqual(f.title, e.title, `${f.id} title is translated`);
      }
    });
  }
});
