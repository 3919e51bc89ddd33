/** OSCAL catalog in: a draft referential that loads, evaluates to manual review, and names what it changed. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { evaluate } from '../../src/evaluation/evaluate.js';
import { referentialToCatalog } from '../../src/interop/oscal/catalog.js';
import { catalogToReferential, OscalImportError } from '../../src/interop/oscal/import-catalog.js';
import { loadReferential, parseReferential } from '../../src/referential/load.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const nistFile = join(repoRoot, 'test', 'fixtures', 'oscal', 'sp800-53-excerpt.catalog.json');
const nist = () => JSON.parse(readFileSync(nistFile, 'utf8'));
const french = loadReferential('cloud-de-confiance', '1.0.0');

describe('an OSCAL catalog (NIST SP 800-53 excerpt) as a draft referential', () => {
  const { referential, renamed, notes } = catalogToReferential(nist());

  it('loads as a referential of the project’s format', () => {
    const compiled = parseReferential(stringify(referential));
    assert.equal(compiled.document.id, 'nist-sp-800-53-rev-5-excerpt');
    assert.equal(compiled.document.version, '5.1.1');
    assert.equal(compiled.document.publishedOn, '2023-12-04');
  });

  it('maps groups to categories (nested ones flattened), controls and enhancements to criteria', () => {
    assert.deepEqual(
      referential.categories.map((c) => [c.id, c.title.en]),
      [
        ['general', 'General'],
        ['ac', 'Access Control'],
        ['sc-crypto', 'System and Communications Protection — Cryptography'],
      ],
    );
    assert.deepEqual(
      referential.criteria.map((c) => [c.id, c.category]),
      [
        ['S1-1', 'general'],
        ['AC-1', 'ac'],
        ['AC-2', 'ac'],
        ['AC-2.1', 'ac'],
        ['SC-13', 'sc-crypto'],
      ],
    );
    assert.equal(renamed.s1_1, 'S1-1');
    assert.ok(notes.some((n) => n.includes('1 withdrawn control(s) skipped')));
    assert.ok(notes.some((n) => n.includes('s1_1 → S1-1')));
  });

  it('keeps the statement as the rationale, with parameters spelled out, and the references as sources', () => {
    const ac1 = referential.criteria.find((c) => c.id === 'AC-1')!;
    assert.equal(
      ac1.rationale.en,
      'a. Develop, document, and disseminate to [personnel or roles]: 1. [one or more of: organization-level | mission/business process-level | system-level] access control policy; and b. Review and update the current access control policy.',
    );
    assert.deepEqual(ac1.sources, [
      { kind: 'practice', ref: 'NIST SP 800-53 Rev 5 (excerpt), AC-1' },
      {
        kind: 'practice',
        ref: 'OMB A-130',
        url: 'https://www.whitehouse.gov/sites/whitehouse.gov/files/omb/circulars/A130/a130revised.pdf',
      },
    ]);
    assert.deepEqual(referential.parameters['ac-01_odp.02']!.value, [
      'organization-level',
      'mission/business process-level',
      'system-level',
    ]);
  });

  it('sends every criterion to the assessor: no rule is invented', () => {
    const compiled = parseReferential(stringify(referential));
    const declaration = JSON.parse(
      readFileSync(join(repoRoot, 'examples', 'secnumcloud-iaas-fr.json'), 'utf8'),
    );
    const result = evaluate(compiled, declaration, { date: '2026-11-29', lang: 'en' });
    assert.deepEqual(new Set(result.criteria.map((c) => c.status)), new Set(['manual-review']));
    assert.equal(result.level, null);
  });

  it('refuses what is not an OSCAL catalog, naming each problem', () => {
    const broken = nist();
    delete broken.catalog.metadata.title;
    delete broken.catalog.groups[0].controls[0].title;
    assert.throws(
      () => catalogToReferential(broken),
      (err: unknown) => {
        assert.ok(err instanceof OscalImportError);
        const paths = err.issues.map((i) => i.path);
        assert.ok(paths.includes('$.catalog.metadata.title'), paths.join());
        assert.ok(paths.includes('$.catalog.groups[0].controls[0].title'), paths.join());
        return true;
      },
    );
    const empty = nist();
    empty.catalog.groups = [{ id: 'x', title: 'Nothing' }];
    delete empty.catalog.controls;
    assert.throws(() => catalogToReferential(empty), /no control to import/);
  });
});

describe('one of our own catalog exports, imported back', () => {
  const exported = referentialToCatalog(french.document, { lang: 'en' });
  const { referential } = catalogToReferential(exported, { id: 'cdc-draft' });

  it('gets its levels, criteria, categories, sources and required fields back', () => {
    const doc = french.document;
    assert.deepEqual(
      referential.levels.map((l) => l.id),
      doc.levels.map((l) => l.id),
    );
    const byId = new Map(referential.criteria.map((c) => [c.id, c]));
    assert.equal(byId.size, doc.criteria.length);
    for (const c of doc.criteria) {
      const back = byId.get(c.id);
      assert.ok(back, c.id);
      assert.equal(back.title.en, c.title.en);
      assert.equal(back.category, c.category);
      assert.deepEqual(back.levels, c.levels, c.id);
      assert.deepEqual(
        back.sources.map((s) => s.kind),
        c.sources.map((s) => s.kind),
        c.id,
      );
      assert.deepEqual(back.rule.requires ?? [], c.rule.requires ?? [], c.id);
    }
    assert.doesNotThrow(() => parseReferential(stringify(referential)));
  });
});

describe('confiance import oscal', () => {
  it('writes a draft referential YAML that loads, with its notes on top', () => {
    const dir = tempDir();
    const out = join(dir, 'draft.yaml');
    const r = runCli([
      'import',
      'oscal',
      nistFile,
      '--id',
      'nist-excerpt',
      '--ref-version',
      '0.1.0',
      '-o',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^# Draft referential imported from/);
    assert.match(text, /# - every rule is a manual review/);
    const compiled = parseReferential(text);
    assert.equal(compiled.document.id, 'nist-excerpt');
    assert.equal(compiled.document.version, '0.1.0');
  });

  it('exits 2 on an invalid catalog, naming the path, without a stack trace', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    const doc = nist();
    doc.catalog.uuid = 'not-a-uuid';
    writeFileSync(bad, JSON.stringify(doc));
    const r = runCli(['import', 'oscal', bad]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not an OSCAL 1\.1 catalog/);
    assert.match(r.stderr, /\$\.catalog\.uuid/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    const badId = runCli(['import', 'oscal', nistFile, '--id', 'Not An Id']);
    assert.equal(badId.status, 2);
    assert.match(badId.stderr, /--id/);
  });
});
