/** OSCAL exports: valid against NIST's published schemas, stable UUIDs, byte-identical across runs. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Declaration } from '../../src/declaration/types.js';
import { evaluate } from '../../src/evaluation/evaluate.js';
import { evaluationToAssessmentResults } from '../../src/interop/oscal/assessment-results.js';
import { referentialToCatalog } from '../../src/interop/oscal/catalog.js';
import { stableUuid } from '../../src/interop/oscal/ids.js';
import { validateOscal } from '../../src/interop/oscal/schema.js';
import { loadReferential } from '../../src/referential/load.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const french = loadReferential('cloud-de-confiance', '1.0.0');
const csf = loadReferential('eu-csf', '1.0.0');
const declaration = (file: string) => JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as Declaration;
const serialise = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;

describe('the vendored NIST schemas', () => {
  it('are the OSCAL 1.1.3 release assets, byte for byte', () => {
    const digest = (f: string) =>
      createHash('sha256')
        .update(readFileSync(join(repoRoot, 'vendor', 'oscal', '1.1.3', f)))
        .digest('hex');
    assert.equal(
      digest('oscal_catalog_schema.json'),
      '5e120afbd14c480a9498ab6388857ef32b3b880e458525e966ff7c7f59333d90',
    );
    assert.equal(
      digest('oscal_assessment-results_schema.json'),
      'd9e34757f0c12aff61f52b821f0b8f83ba0ba75b3a149a202b08ba82f82bc4c3',
    );
  });

  it('reject a document that breaks them, with the path of the fault', () => {
    const catalog = referentialToCatalog(french.document, { lang: 'en' });
    const broken = structuredClone(catalog) as unknown as {
      catalog: { groups: Array<{ controls: Array<{ id: string }> }>; uuid: string };
    };
    broken.catalog.groups[0]!.controls[0]!.id = 'not a token';
    broken.catalog.uuid = 'nope';
    const paths = validateOscal('catalog', broken).map((i) => i.path);
    assert.ok(paths.includes('$.catalog.groups[0].controls[0].id'), paths.join());
    assert.ok(paths.includes('$.catalog.uuid'), paths.join());
  });
});

describe('OSCAL catalog export of a referential', () => {
  for (const [name, referential] of [
    ['cloud-de-confiance', french],
    ['eu-csf', csf],
  ] as const) {
    for (const lang of ['fr', 'en'] as const) {
      it(`${name} (${lang}) is a valid OSCAL 1.1.3 catalog`, () => {
        const catalog = referentialToCatalog(referential.document, { lang });
        assert.deepEqual(validateOscal('catalog', catalog), []);
      });
    }
  }

  it('maps categories to groups, criteria to controls, parameters to params, levels and rules to props and parts', () => {
    const { catalog } = referentialToCatalog(french.document, { lang: 'en' }) as unknown as {
      catalog: {
        metadata: Record<string, unknown>;
        params: Array<{ id: string; values: string[] }>;
        groups: Array<{
          id: string;
          controls: Array<{
            id: string;
            props: Array<{ name: string; value: string }>;
            parts: Array<{ name: string; prose?: string }>;
          }>;
        }>;
      };
    };
    assert.deepEqual(
      catalog.groups.map((g) => g.id),
      french.document.categories.map((c) => c.id),
    );
    assert.equal(catalog.groups.flatMap((g) => g.controls).length, french.document.criteria.length);
    assert.deepEqual(catalog.params.find((p) => p.id === 'maxNonEuSingleHolderPct')!.values, ['24']);
    assert.equal(catalog.metadata['oscal-version'], '1.1.3');
    const corp = catalog.groups.flatMap((g) => g.controls).find((c) => c.id === 'CDC-CORP-02')!;
    assert.deepEqual(
      corp.props.filter((p) => p.name === 'level').map((p) => p.value),
      ['trusted'],
    );
    assert.match(
      corp.parts.find((p) => p.name === 'assessment-objective')!.prose!,
      /facts\.ownership\.nonEu\.maxCapitalPct/,
    );
  });

  it('carries the scored rungs, weights and crosswalk of the EU CSF', () => {
    const { catalog } = referentialToCatalog(csf.document, { lang: 'en' }) as unknown as {
      catalog: {
        groups: Array<{
          id: string;
          props?: Array<{ name: string; value: string }>;
          controls: Array<{
            id: string;
            props: Array<{ name: string; value: string; class?: string }>;
            parts: Array<{ name: string; parts?: Array<{ props: Array<{ name: string; value: string }> }> }>;
          }>;
        }>;
      };
    };
    const sov2 = catalog.groups.find((g) => g.id === 'sov-2')!;
    assert.equal(sov2.props!.find((p) => p.name === 'weight')!.value, '10');
    const c = sov2.controls.find((x) => x.id === 'SOV-2.3')!;
    const rungs = c.parts.find((p) => p.name === 'rungs')!.parts!;
    assert.deepEqual(
      rungs.map((r) => r.props.find((p) => p.name === 'seal')!.value),
      ['1', '1', '1', '1', '4'],
    );
    assert.ok(
      c.props.some(
        (p) => p.name === 'crosswalk' && p.value === 'cloud-de-confiance#CDC-IMM-01' && p.class === 'informs',
      ),
    );
  });

  it('derives UUIDs from our ids (v5): same content, same document; a new version, a new catalog uuid', () => {
    const a = serialise(referentialToCatalog(french.document, { lang: 'fr' }));
    const b = serialise(referentialToCatalog(structuredClone(french.document), { lang: 'fr' }));
    assert.equal(a, b);
    const next = referentialToCatalog({ ...french.document, version: '1.0.1' }, { lang: 'fr' });
    assert.notEqual(next.catalog.uuid, JSON.parse(a).catalog.uuid);
    assert.equal(stableUuid('catalog', 'cloud-de-confiance', '1.0.0'), JSON.parse(a).catalog.uuid);
    assert.match(
      JSON.parse(a).catalog.uuid,
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe('OSCAL assessment-results export', () => {
  const examples = [
    'examples/secnumcloud-iaas-fr.json',
    'examples/draft-missing-data.json',
    'examples/us-hyperscaler-paris.json',
    'examples/health-hosting.json',
  ];
  for (const file of examples) {
    it(`${file}: automated and reviewed evaluations are valid OSCAL 1.1.3 assessment-results`, () => {
      const evaluation = evaluate(french, declaration(file), {
        date: '2026-11-29',
        lang: 'fr',
        dataClass: 'health',
      });
      assert.deepEqual(
        validateOscal('assessment-results', evaluationToAssessmentResults({ evaluation })),
        [],
      );
      const reviewed = evaluationToAssessmentResults({
        evaluation,
        review: {
          id: 'app-1',
          assessor: { id: 'u-1', name: 'Claire Évaluatrice' },
          verdicts: [{ criterionId: 'CDC-IMM-03', status: 'pass', comment: 'Aucun lien déclaré, vérifié.' }],
          completedOn: '2026-12-02',
        },
      });
      assert.deepEqual(validateOscal('assessment-results', reviewed), []);
    });
  }

  it('has one observation and one finding per criterion; verdicts decide the finding, our status kept as a prop', () => {
    const evaluation = evaluate(french, declaration('examples/licensed-hyperscaler-jv-qualified.json'), {
      date: '2026-11-29',
      lang: 'en',
    });
    const ar = evaluationToAssessmentResults({
      evaluation,
      review: {
        id: 'app-9',
        assessor: { id: 'a', name: 'A. Assessor' },
        verdicts: [{ criterionId: 'CDC-IMM-02', status: 'fail' }],
      },
    })['assessment-results'] as {
      results: Array<{
        observations: unknown[];
        findings: Array<{
          title: string;
          props: Array<{ name: string; value: string }>;
          target: { 'target-id': string; status: { state: string } };
        }>;
      }>;
    };
    const result = ar.results[0]!;
    assert.equal(result.observations.length, evaluation.criteria.length);
    assert.equal(result.findings.length, evaluation.criteria.length);
    const imm02 = result.findings.find((f) => f.title.startsWith('CDC-IMM-02'))!;
    assert.equal(imm02.target['target-id'], 'CDC-IMM-02_obj');
    assert.equal(imm02.target.status.state, 'not-satisfied');
    assert.deepEqual(
      imm02.props.filter((p) => p.name === 'status' || p.name === 'automated-status').map((p) => p.value),
      ['fail', 'manual-review'],
    );
  });

  it('is byte-identical across runs', () => {
    const run = () =>
      serialise(
        evaluationToAssessmentResults({
          evaluation: evaluate(french, declaration('examples/secnumcloud-iaas-fr.json'), {
            date: '2026-11-29',
            lang: 'fr',
          }),
        }),
      );
    assert.equal(run(), run());
  });
});

describe('confiance export oscal', () => {
  it('writes the same catalog bytes twice and validates it', () => {
    const dir = tempDir();
    const a = runCli(['export', 'oscal', 'catalog', 'eu-csf', '--lang', 'en', '-o', join(dir, 'a.json')]);
    const b = runCli(['export', 'oscal', 'catalog', 'eu-csf', '--lang', 'en', '-o', join(dir, 'b.json')]);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), readFileSync(join(dir, 'b.json'), 'utf8'));
    assert.deepEqual(validateOscal('catalog', JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'))), []);
  });

  it('exports assessment-results with verdicts, and names bad verdicts precisely', () => {
    const dir = tempDir();
    const verdicts = join(dir, 'verdicts.json');
    const write = (v: unknown) => writeFileSync(verdicts, JSON.stringify(v));
    write([{ criterionId: 'CDC-IMM-03', status: 'pass' }]);
    const ok = runCli([
      'export',
      'oscal',
      'results',
      'examples/secnumcloud-iaas-fr.json',
      '--date',
      '2026-11-29',
      '--verdicts',
      verdicts,
      '--assessor',
      'Claire',
    ]);
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(validateOscal('assessment-results', JSON.parse(ok.stdout)), []);
    write([{ criterionId: 'NOPE-1', status: 'maybe' }]);
    const bad = runCli([
      'export',
      'oscal',
      'results',
      'examples/secnumcloud-iaas-fr.json',
      '--verdicts',
      verdicts,
    ]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /\$\[0\]\.criterionId: no criterion "NOPE-1"/);
    assert.match(bad.stderr, /\$\[0\]\.status: must be pass, fail or not-applicable/);
  });
});
