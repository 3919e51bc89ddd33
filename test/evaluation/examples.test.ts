/**
 * The sample declarations in examples/: each validates, says it is illustrative, and gets the level its
 * note announces when evaluated on 2026-11-29, with an explanation for every criterion in both languages.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Declaration } from '../../src/declaration/types.js';
import { parseDeclaration } from '../../src/declaration/validate.js';
import { type EvaluationResult, evaluate } from '../../src/evaluation/evaluate.js';
import { loadReferential } from '../../src/referential/load.js';
import { runCli } from '../helpers/cli.js';

const DATE = '2026-11-29';
const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const fixturesDir = fileURLToPath(new URL('../fixtures/declarations/', import.meta.url));
const referential = loadReferential('cloud-de-confiance', '1.0.0');

interface Expected {
  level: string | null;
  levelSubjectToReview: string | null;
  dataClass?: string;
  /** Criteria blocking the first level not attained (exactly these). */
  blocking?: string[];
  /** Criteria under review at the trusted level (exactly these). */
  review?: string[];
  /** Explanations (en) that must quote a fact. */
  explains?: Record<string, RegExp>;
  check?: (result: EvaluationResult, declaration: Declaration) => void;
}

const EXPECTED: Record<string, Expected> = {
  'secnumcloud-iaas-fr.json': {
    level: 'eu-data',
    levelSubjectToReview: 'trusted',
    review: ['CDC-IMM-03'],
    explains: { 'CDC-QUAL-01': /qualified 3\.2 → 2027-12-31\) covering regions cloudgouv-eu-west-1/ },
  },
  'licensed-hyperscaler-jv-qualified.json': {
    level: 'eu-data',
    levelSubjectToReview: 'trusted',
    review: ['CDC-IMM-02', 'CDC-IMM-03'],
    explains: {
      'CDC-IMM-02': /non-EU licensors Google LLC \(technology licensor\) \(US\)/,
      'CDC-CORP-02': /Largest non-EU stake 20 % of capital.*Google LLC → S3NS SAS 20 % ⇒ 20 %/,
    },
  },
  'licensed-hyperscaler-jv-j0.json': {
    level: 'eu-data',
    levelSubjectToReview: 'eu-data',
    blocking: ['CDC-QUAL-01'],
    review: ['CDC-IMM-02', 'CDC-IMM-03'],
    explains: {
      'CDC-QUAL-01': /declared: J0 3\.2; regions not covered: bleu-france-central, bleu-france-south/,
    },
  },
  'us-hyperscaler-paris.json': {
    level: 'baseline',
    levelSubjectToReview: 'baseline',
    blocking: ['EU-LOC-03', 'EU-OPS-01', 'EU-OPS-02'],
    explains: {
      'EU-LOC-03': /Technical data outside the EU: US\./,
      'EU-OPS-01': /from outside the EU: US\./,
      'EU-OPS-02': /Support from US, IN, AU without/,
      'CDC-QUAL-01': /regions not covered: eu-west-3/,
      'CDC-CORP-02':
        /100 % of capital.*Hyperscaler, Inc\. → Hyperscaler Europe Holding S\.à r\.l\. \(100 %, controlled\) → Hyperscaler EMEA SARL 100 % ⇒ 100 %/,
      'CDC-CORP-03': /controlled by: hyperscaler-inc/,
      'CDC-OPS-01': /outside the EU: AU, IN, US/,
    },
    check: (r) => {
      const trusted = r.levels.find((l) => l.id === 'trusted')!;
      for (const id of ['CDC-QUAL-01', 'CDC-CORP-02', 'CDC-CORP-03', 'CDC-IMM-01', 'CDC-OPS-01']) {
        assert.ok(trusted.blocking.includes(id), `${id} blocks trusted`);
      }
      assert.equal(
        r.criteria.find((c) => c.id === 'CDC-CORP-01')?.status,
        'pass',
        'the EU subsidiary is established in the EU',
      );
    },
  },
  'region-outside-eu.json': {
    level: 'baseline',
    levelSubjectToReview: 'baseline',
    blocking: ['EU-LOC-01', 'EU-LOC-02'],
    explains: {
      'EU-LOC-01': /Regions outside the EU: us-east-2 \(US\)\./,
      'EU-LOC-02': /outside the EU: US\./,
    },
  },
  'saas-on-labelled-iaas.json': {
    level: 'eu-data',
    levelSubjectToReview: 'eu-data',
    blocking: ['CDC-QUAL-01'],
    review: ['CDC-IMM-03'],
    explains: { 'CDC-QUAL-01': /declared: none; regions not covered: cloudgouv-eu-west-1/ },
    check: (_r, d) => {
      const iaas = JSON.parse(
        readFileSync(join(examplesDir, 'secnumcloud-iaas-fr.json'), 'utf8'),
      ) as Declaration;
      assert.deepEqual(d.offer.runsOn, [iaas.offer.id], 'runs on the qualified IaaS example');
    },
  },
  'ownership-over-cap.json': {
    level: 'eu-data',
    levelSubjectToReview: 'eu-data',
    blocking: ['CDC-CORP-02'],
    review: ['CDC-IMM-03'],
    explains: {
      'CDC-CORP-02':
        /Largest non-EU stake 30 % of capital and 30 % of votes \(cap 24 %\).*US Fund LP → Holding SAS \(60 %, controlled\) → Hexacloud SA 30 % ⇒ 30 %/,
    },
    check: (r) => {
      assert.equal(
        r.criteria.find((c) => c.id === 'CDC-CORP-03')?.status,
        'pass',
        'a 30 % stake does not control',
      );
      assert.match(
        r.criteria.find((c) => c.id === 'CDC-CORP-02')!.explanation,
        /US Fund GP LLC → US Fund LP \(1 %, controlled\) → Holding SAS \(60 %, controlled\) → Hexacloud SA 30 % ⇒ 30 %/,
      );
    },
  },
  'draft-missing-data.json': {
    level: null,
    levelSubjectToReview: null,
    check: (r) => {
      for (const c of r.criteria) {
        const expected =
          c.id === 'EU-LOC-01' ? 'pass' : c.id.startsWith('HDS-') ? 'not-applicable' : 'missing-data';
        assert.equal(c.status, expected, `${c.id}: ${c.explanation}`);
        if (expected === 'missing-data') assert.ok(c.missing && c.missing.length > 0, c.id);
      }
      assert.deepEqual(r.criteria.find((c) => c.id === 'CDC-CORP-01')?.missing, [
        'provider.centralAdministration',
        'provider.principalEstablishment',
      ]);
    },
  },
  'health-hosting.json': {
    level: 'eu-data',
    levelSubjectToReview: 'eu-data',
    dataClass: 'health',
    explains: {
      'HDS-01': /Valid HDS 2024 certificate covering activities 1, 2, 3, 4, 5, 6/,
      'HDS-02': /Health data hosted in the EEA \(FR\)/,
      'HDS-03': /is published/,
    },
    check: (r) => {
      for (const id of ['HDS-01', 'HDS-02', 'HDS-03'])
        assert.equal(r.criteria.find((c) => c.id === id)?.status, 'pass');
      assert.ok(r.levels.find((l) => l.id === 'trusted')!.blocking.includes('CDC-QUAL-01'));
    },
  },
};

function load(path: string): Declaration {
  const parsed = parseDeclaration(readFileSync(path, 'utf8'));
  assert.ok(parsed.ok, `${path} is valid: ${JSON.stringify(!parsed.ok && parsed.issues)}`);
  return parsed.declaration;
}

function assertExplained(result: EvaluationResult) {
  for (const c of result.criteria) {
    assert.ok(c.explanation.trim().length > 0, `${c.id} has an explanation in ${result.context.lang}`);
    assert.doesNotMatch(c.explanation, /\{[A-Za-z][A-Za-z0-9_]*\}/, `${c.id}: no unreplaced placeholder`);
  }
}

describe('examples', () => {
  it('every file in examples/ has an expected level here, and every expected file exists', () => {
    const files = readdirSync(examplesDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    assert.deepEqual(files, Object.keys(EXPECTED).sort());
  });

  for (const [file, expected] of Object.entries(EXPECTED)) {
    describe(file, () => {
      const path = join(examplesDir, file);

      it('validates and says it is illustrative, with its sources and the level it expects', () => {
        const d = load(path);
        assert.ok(d.illustrative, 'has an illustrative block');
        assert.match(d.illustrative.note, /[Ii]llustrative/);
        assert.ok((d.illustrative.sources ?? []).length > 0, 'has sources');
        for (const url of d.illustrative.sources ?? []) assert.match(url, /^https:\/\/[^\s]+$/);
        const announced = expected.level ?? 'none';
        assert.match(d.illustrative.note, new RegExp(`Expected level on ${DATE}[^:]*: ${announced}\\b`));
        if (expected.levelSubjectToReview !== expected.level) {
          assert.match(d.illustrative.note, new RegExp(`${expected.levelSubjectToReview} subject to review`));
        }
      });

      it(`evaluates to ${expected.level ?? 'no level'} (subject to review: ${expected.levelSubjectToReview ?? 'none'})`, () => {
        const d = load(path);
        const context = { date: DATE, ...(expected.dataClass ? { dataClass: expected.dataClass } : {}) };
        const en = evaluate(referential, d, { ...context, lang: 'en' });
        const fr = evaluate(referential, d, { ...context, lang: 'fr' });
        for (const r of [en, fr]) {
          assert.equal(r.level, expected.level);
          assert.equal(r.levelSubjectToReview, expected.levelSubjectToReview);
          assert.equal(r.criteria.length, referential.criteria.length);
          assertExplained(r);
        }
        if (expected.blocking) {
          const first = en.levels.find((l) => l.status === 'not-attained');
          assert.deepEqual(first?.blocking, expected.blocking);
        }
        if (expected.review) assert.deepEqual(en.levels.at(-1)?.review, expected.review);
        for (const [id, pattern] of Object.entries(expected.explains ?? {})) {
          assert.match(en.criteria.find((c) => c.id === id)!.explanation, pattern, id);
        }
        expected.check?.(en, d);
      });
    });
  }

  it('the health host without the health data class keeps its level, overlays off', () => {
    const r = evaluate(referential, load(join(examplesDir, 'health-hosting.json')), {
      date: DATE,
      lang: 'en',
    });
    assert.equal(r.level, 'eu-data');
    for (const id of ['HDS-01', 'HDS-02', 'HDS-03'])
      assert.equal(r.criteria.find((c) => c.id === id)?.status, 'not-applicable');
  });

  it('an HDS failure (certificate of the 2018 referential) leaves a health host with no level', () => {
    const d = load(join(fixturesDir, 'health-hds-2018.json'));
    const health = evaluate(referential, d, { date: DATE, lang: 'en', dataClass: 'health' });
    const hds = health.criteria.find((c) => c.id === 'HDS-01')!;
    assert.equal(hds.status, 'fail');
    assert.match(hds.explanation, /not covered by a valid HDS 2024 certificate \(declared: certified 2018\)/);
    assert.equal(health.level, null);
    assert.deepEqual(health.levels[0]?.blocking, ['HDS-01']);
    assert.equal(evaluate(referential, d, { date: DATE, lang: 'en' }).level, 'eu-data');
  });

  it('the CLI evaluates the whole directory to the same levels', () => {
    const r = runCli(['evaluate', examplesDir, '--json', '--date', DATE, '--lang', 'en']);
    assert.equal(r.status, 0, r.stderr);
    const outcomes = JSON.parse(r.stdout) as Array<{
      file: string;
      result?: EvaluationResult;
      issues?: unknown;
    }>;
    assert.equal(outcomes.length, Object.keys(EXPECTED).length);
    for (const o of outcomes) {
      const name = o.file.split(/[\\/]/).at(-1)!;
      const expected = EXPECTED[name]!;
      assert.equal(o.issues, undefined, name);
      if (expected.dataClass) continue;
      assert.equal(o.result?.level, expected.level, name);
      assert.equal(o.result?.levelSubjectToReview, expected.levelSubjectToReview, name);
    }
  });
});
