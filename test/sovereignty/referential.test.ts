/** The EU Cloud Sovereignty Framework as a referential: same format, checked structure, sourced figures. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import { evaluate } from '../../src/evaluation/evaluate.js';
import { compileReferential, ReferentialError } from '../../src/referential/compile.js';
import { listReferentials, loadReferential } from '../../src/referential/load.js';
import type { ReferentialDocument } from '../../src/referential/types.js';
import { assessSovereignty } from '../../src/sovereignty/assess.js';

const csf = loadReferential('eu-csf', '1.0.0');
const doc = csf.document;
const french = loadReferential('cloud-de-confiance', '1.0.0');

describe('referentials/eu-csf/1.0.0.yaml', () => {
  it('is shipped next to the French referential, in the same format, as an assessment referential', () => {
    assert.ok(listReferentials().some((r) => r.id === 'eu-csf' && r.version === '1.0.0'));
    assert.equal(doc.kind, 'assessment');
    assert.equal(doc.criteria.length, 48);
  });

  it('has the eight objectives with the v1.2.1 weights (15/10/10/15/20/15/10/5) and SEAL levels 1 to 4', () => {
    assert.deepEqual(
      doc.objectives!.map((o) => [o.id, o.weight]),
      [
        ['SOV-1', 15],
        ['SOV-2', 10],
        ['SOV-3', 10],
        ['SOV-4', 15],
        ['SOV-5', 20],
        ['SOV-6', 15],
        ['SOV-7', 10],
        ['SOV-8', 5],
      ],
    );
    assert.deepEqual(csf.levelOrder, ['seal-1', 'seal-2', 'seal-3', 'seal-4']);
    assert.deepEqual(csf.params.guidanceWeights, {
      'SOV-1': 20,
      'SOV-2': 10,
      'SOV-3': 10,
      'SOV-4': 15,
      'SOV-5': 10,
      'SOV-6': 15,
      'SOV-7': 15,
      'SOV-8': 5,
    });
  });

  it('gives each objective about 1000 points, as the Commission calculator does', () => {
    for (const o of doc.objectives!) {
      const max = doc.criteria
        .filter((c) => c.category === o.category)
        .reduce((sum, c) => sum + Math.max(...c.rungs!.map((r) => r.points)), 0);
      assert.ok(max >= 999 && max <= 1002, `${o.id}: ${max}`);
    }
  });

  it('agrees with the MISP taxonomy of the framework (objectives, weights, SEAL names) when the fixture is present', (t) => {
    const file = new URL('../../../shared/fixtures/eu-csf/sov-machinetag.json', import.meta.url);
    if (!existsSync(file)) return t.skip('shared fixture absent');
    const misp = JSON.parse(readFileSync(file, 'utf8')) as {
      values: Array<{
        predicate: string;
        entry: Array<{ value: string; expanded: string; numerical_value: number }>;
      }>;
    };
    const entries = (p: string) => misp.values.find((v) => v.predicate === p)!.entry;
    const weights = Object.fromEntries(
      entries('weight').map((e) => [
        e.value.split('-').slice(0, 2).join('-').toUpperCase(),
        e.numerical_value,
      ]),
    );
    for (const o of doc.objectives!) assert.equal(o.weight, weights[o.id], o.id);
    for (const e of entries('objective')) {
      const o = doc.objectives!.find((x) => x.id === e.value.toUpperCase())!;
      assert.equal(o.title.en.toLowerCase(), e.expanded.toLowerCase().replace('&', 'and'));
    }
    for (const e of entries('seal').filter((x) => x.numerical_value > 0)) {
      const level = doc.levels.find((l) => l.id === e.value)!;
      assert.ok(
        level.title.en.toLowerCase().endsWith(e.expanded.toLowerCase()),
        `${level.title.en} / ${e.expanded}`,
      );
    }
  });

  it('crosswalks only to criteria that exist in the French referential', () => {
    const ids = new Set(french.document.criteria.map((c) => c.id));
    let links = 0;
    for (const c of doc.criteria) {
      for (const x of c.crosswalk ?? []) {
        assert.equal(x.referential, 'cloud-de-confiance');
        for (const id of x.criteria) {
          assert.ok(ids.has(id), `${c.id} → ${id}`);
          links++;
        }
      }
    }
    assert.ok(links >= 30, `${links} links`);
  });

  it('never awards a level through the pass/fail evaluation: every criterion goes to review', () => {
    const declaration = JSON.parse(
      readFileSync(new URL('../fixtures/sovereignty/wholly-eu.json', import.meta.url), 'utf8'),
    );
    const result = evaluate(csf, declaration, { date: '2026-11-29', lang: 'en' });
    assert.equal(result.level, null);
    assert.ok(result.criteria.every((c) => c.status === 'manual-review'));
  });

  it('refuses scored criteria whose rungs are ill-formed, naming where', () => {
    const broken = structuredClone(doc) as ReferentialDocument;
    broken.criteria[0]!.rungs![0]!.when = 'true';
    broken.criteria[1]!.rungs![1]!.when = 'offer.nope ==';
    broken.criteria[1]!.category = 'sov-1';
    broken.objectives![0]!.weight = 16;
    assert.throws(
      () => compileReferential(broken),
      (err: unknown) => {
        assert.ok(err instanceof ReferentialError);
        const paths = err.issues.map((i) => i.path);
        assert.ok(paths.includes('$.criteria[0].rungs[0]'), paths.join());
        assert.ok(paths.includes('$.criteria[1].rungs[1].when'), paths.join());
        assert.ok(paths.includes('$.objectives'), paths.join());
        return true;
      },
    );
  });

  it('assesses the same once published: the catalogue stores canonical JSON, which sorts definitions by name', () => {
    const declaration = JSON.parse(
      readFileSync(new URL('../fixtures/sovereignty/us-hyperscaler-eu-region.json', import.meta.url), 'utf8'),
    );
    const published = compileReferential(JSON.parse(canonicalize(doc)!) as ReferentialDocument);
    const names = (r: typeof csf) => r.definitions.map(([n]) => n);
    assert.ok(
      names(published).indexOf('customerData') < names(published).indexOf('allData'),
      names(published).join(),
    );
    const options = { date: '2026-11-29', lang: 'en' as const };
    assert.deepEqual(
      assessSovereignty(published, declaration, options),
      assessSovereignty(csf, declaration, options),
    );
  });

  it('refuses definitions that read each other in a cycle', () => {
    const cyclic = structuredClone(doc) as ReferentialDocument;
    cyclic.definitions = { a: 'defs.b', b: 'size(defs.a) > 0' };
    assert.throws(
      () => compileReferential(cyclic),
      (err: unknown) =>
        err instanceof ReferentialError && err.issues.some((i) => i.message.includes('a → b → a')),
    );
  });
});
