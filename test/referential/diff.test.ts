/**
 * The referential diff: criteria, levels, parameters, rule definitions added, removed or changed between
 * two versions, each change named by its field path with the values before and after.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { diffReferentials, fieldChanges, isRuleChange } from '../../src/referential/diff.js';
import { loadReferential } from '../../src/referential/load.js';
import type { CriterionDefinition, ReferentialDocument } from '../../src/referential/types.js';

const base = (): ReferentialDocument =>
  structuredClone(loadReferential('cloud-de-confiance', '1.0.0').document);
const next = (edit: (d: ReferentialDocument) => void): ReferentialDocument => {
  const d = base();
  d.version = '1.1.0';
  d.publishedOn = '2027-03-01';
  edit(d);
  return d;
};
const criterion = (d: ReferentialDocument, id: string): CriterionDefinition => {
  const c = d.criteria.find((k) => k.id === id);
  assert.ok(c, `criterion ${id} in the fixture`);
  return c;
};

describe('diffReferentials', () => {
  it('finds nothing between a version and its copy with a new number and date', () => {
    const a = base();
    const diff = diffReferentials(
      a,
      next(() => {}),
    );
    assert.equal(diff.identical, true);
    assert.deepEqual(diff.from, { id: 'cloud-de-confiance', version: '1.0.0' });
    assert.deepEqual(diff.to, { id: 'cloud-de-confiance', version: '1.1.0' });
    assert.equal(diff.criteria.unchanged, a.criteria.length);
    assert.equal(diff.parameters.unchanged, Object.keys(a.parameters).length);
    assert.equal(diff.levels.unchanged, a.levels.length);
    assert.deepEqual(diff.header, []);
  });

  it('ignores entries that only moved', () => {
    const diff = diffReferentials(
      base(),
      next((d) => {
        d.criteria.reverse();
        d.levels.reverse();
      }),
    );
    assert.equal(diff.identical, true);
  });

  it('lists criteria added and removed, in the order of their own version', () => {
    const a = base();
    const [first, second] = a.criteria;
    const diff = diffReferentials(
      a,
      next((d) => {
        d.criteria = d.criteria.filter((c) => c.id !== first!.id);
        d.criteria.push(
          { ...structuredClone(second!), id: 'CDC-NEW-01' },
          { ...structuredClone(second!), id: 'CDC-NEW-02' },
        );
      }),
    );
    assert.equal(diff.identical, false);
    assert.deepEqual(
      diff.criteria.added.map((c) => c.id),
      ['CDC-NEW-01', 'CDC-NEW-02'],
    );
    assert.deepEqual(
      diff.criteria.removed.map((c) => c.id),
      [first!.id],
    );
    assert.deepEqual(diff.criteria.changed, []);
    assert.equal(diff.criteria.unchanged, a.criteria.length - 1);
  });

  it('names a changed rule with its CEL text before and after, and tells it from a wording change', () => {
    const a = base();
    const id = a.criteria[3]!.id;
    const before = criterion(a, id).rule.pass;
    const diff = diffReferentials(
      a,
      next((d) => {
        criterion(d, id).rule.pass = `(${before}) && true`;
        criterion(d, id).title.en = 'A new English title';
      }),
    );
    assert.equal(diff.criteria.changed.length, 1);
    const changed = diff.criteria.changed[0]!;
    assert.equal(changed.id, id);
    assert.deepEqual(
      changed.changes.map((c) => c.path),
      ['title.en', 'rule.pass'],
    );
    const rule = changed.changes.find((c) => c.path === 'rule.pass')!;
    assert.equal(rule.before, before);
    assert.equal(rule.after, `(${before}) && true`);
    assert.equal(isRuleChange(rule), true);
    assert.equal(isRuleChange(changed.changes[0]!), false);
    assert.equal(changed.before.title.en, criterion(a, id).title.en);
    assert.equal(changed.after.title.en, 'A new English title');
  });

  it('reports the levels a criterion enters and leaves', () => {
    const a = base();
    const c = a.criteria.find((k) => k.levels.length === 1 && k.levels[0] !== 'baseline')!;
    const diff = diffReferentials(
      a,
      next((d) => {
        criterion(d, c.id).levels = ['baseline'];
      }),
    );
    const change = diff.criteria.changed[0]!.changes[0]!;
    assert.equal(change.path, 'levels');
    assert.deepEqual(change.added, ['baseline']);
    assert.deepEqual(change.removed, c.levels);
    assert.equal(isRuleChange(change), true);
  });

  it('reports a field that appears or disappears without inventing the missing side', () => {
    const a = base();
    const id = a.criteria.find((k) => !k.dataClasses)!.id;
    const diff = diffReferentials(
      a,
      next((d) => {
        criterion(d, id).dataClasses = ['health'];
      }),
    );
    const change = diff.criteria.changed[0]!.changes[0]!;
    assert.equal(change.path, 'dataClasses');
    assert.equal('before' in change, false);
    assert.deepEqual(change.after, ['health']);
    const back = diffReferentials(diffTarget(diff), a).criteria.changed[0]!.changes[0]!;
    assert.equal('after' in back, false);
    assert.deepEqual(back.before, ['health']);
  });

  it('reports parameter values, lists item by item, and parameters added or removed', () => {
    const diff = diffReferentials(
      base(),
      next((d) => {
        d.parameters.maxNonEuSingleHolderPct!.value = 20;
        d.parameters.euCountries!.value = [...(d.parameters.euCountries!.value as string[]), 'XK'].filter(
          (c) => c !== 'MT',
        );
        delete d.parameters.changeNoticeDays;
        d.parameters.newThreshold = { value: 5, description: { fr: 'Seuil', en: 'Threshold' } };
      }),
    );
    const byName = new Map(diff.parameters.changed.map((p) => [p.id, p.changes]));
    assert.deepEqual(byName.get('maxNonEuSingleHolderPct'), [{ path: 'value', before: 24, after: 20 }]);
    const eu = byName.get('euCountries')![0]!;
    assert.deepEqual(eu.added, ['XK']);
    assert.deepEqual(eu.removed, ['MT']);
    assert.deepEqual(
      diff.parameters.removed.map((p) => p.name),
      ['changeNoticeDays'],
    );
    assert.deepEqual(diff.parameters.added, [
      { name: 'newThreshold', value: 5, description: { fr: 'Seuil', en: 'Threshold' } },
    ]);
  });

  it('reports levels, shared rule definitions, categories and the header', () => {
    const diff = diffReferentials(
      base(),
      next((d) => {
        d.levels.find((l) => l.id === 'trusted')!.validityMonths = 24;
        d.levels.push({ id: 'sovereign', title: { fr: 'Souverain', en: 'Sovereign' }, validityMonths: 12 });
        d.definitions!.territory = '["FR"]';
        d.categories.push({ id: 'ai', title: { fr: 'IA', en: 'AI' } });
        d.title.fr = 'Nouveau titre';
      }),
    );
    assert.deepEqual(diff.levels.changed, [
      {
        id: 'trusted',
        before: base().levels.find((l) => l.id === 'trusted'),
        after: { ...base().levels.find((l) => l.id === 'trusted'), validityMonths: 24 },
        changes: [{ path: 'validityMonths', before: 36, after: 24 }],
      },
    ]);
    assert.deepEqual(
      diff.levels.added.map((l) => l.id),
      ['sovereign'],
    );
    assert.equal(diff.definitions.changed[0]!.id, 'territory');
    assert.deepEqual(diff.definitions.changed[0]!.changes[0]!.path, 'expression');
    assert.deepEqual(
      diff.categories.added.map((c) => c.id),
      ['ai'],
    );
    assert.deepEqual(
      diff.header.map((c) => c.path),
      ['title.fr'],
    );
  });

  it('partitions criteria ids exactly (property)', () => {
    const all = base().criteria;
    fc.assert(
      fc.property(
        fc.subarray(all.map((c) => c.id)),
        fc.subarray(all.map((c) => c.id)),
        fc.subarray(all.map((c) => c.id)),
        (keptOld, keptNew, edited) => {
          const a = { ...base(), criteria: all.filter((c) => keptOld.includes(c.id)) };
          const b = {
            ...base(),
            criteria: structuredClone(all.filter((c) => keptNew.includes(c.id))).map((c) =>
              edited.includes(c.id) ? { ...c, rationale: { ...c.rationale, en: `${c.rationale.en}!` } } : c,
            ),
          };
          const diff = diffReferentials(a, b);
          const ids = (xs: Array<{ id: string }>) => xs.map((x) => x.id).sort();
          assert.deepEqual(ids(diff.criteria.added), keptNew.filter((id) => !keptOld.includes(id)).sort());
          assert.deepEqual(ids(diff.criteria.removed), keptOld.filter((id) => !keptNew.includes(id)).sort());
          const both = keptNew.filter((id) => keptOld.includes(id));
          assert.deepEqual(ids(diff.criteria.changed), both.filter((id) => edited.includes(id)).sort());
          assert.equal(diff.criteria.unchanged, both.filter((id) => !edited.includes(id)).length);
          assert.equal(diffReferentials(b, b).identical, true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('fieldChanges', () => {
  it('compares lists of objects as a whole and plain lists item by item', () => {
    assert.deepEqual(fieldChanges({ s: [{ a: 1 }] }, { s: [{ a: 2 }] }), [
      { path: 's', before: [{ a: 1 }], after: [{ a: 2 }] },
    ]);
    assert.deepEqual(fieldChanges([1, 2], [2, 3]), [
      { path: '', before: [1, 2], after: [2, 3], added: [3], removed: [1] },
    ]);
    assert.deepEqual(fieldChanges({ a: { b: 'x' } }, { a: { b: 'x' } }), []);
  });
});

function diffTarget(diff: ReturnType<typeof diffReferentials>): ReferentialDocument {
  const d = base();
  d.version = diff.to.version;
  for (const changed of diff.criteria.changed) {
    const i = d.criteria.findIndex((c) => c.id === changed.id);
    d.criteria[i] = changed.after;
  }
  return d;
}
