import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot, runCli, tempDir, writeTemp } from '../helpers/cli.js';

const example = JSON.parse(readFileSync(join(repoRoot, 'examples', 'secnumcloud-iaas-fr.json'), 'utf8'));
const dir = tempDir();

function withChange(name: string, change: (d: typeof example) => void): string {
  const copy = structuredClone(example);
  change(copy);
  return writeTemp(dir, name, JSON.stringify(copy, null, 2));
}

function expectBadInput(file: string, ...fragments: RegExp[]) {
  const r = runCli(['evaluate', file]);
  assert.equal(r.status, 2, `exit code for ${file}: ${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.doesNotMatch(r.stderr, /\n\s+at .*\(/, 'no stack trace');
  for (const f of fragments) assert.match(r.stderr, f);
}

describe('confiance evaluate on bad input', () => {
  it('reports malformed JSON with its line and column', () => {
    const file = writeTemp(dir, 'malformed.json', '{\n  "formatVersion": 1,\n  "provider": {\n}}\n,');
    expectBadInput(file, /invalid declaration/, /line 5/);
  });

  it('reports truncated JSON', () => {
    const file = writeTemp(dir, 'truncated.json', JSON.stringify(example).slice(0, 200));
    expectBadInput(file, /invalid declaration/, /\$/);
  });

  it('lists every wrong type with its path', () => {
    const file = withChange('types.json', (d) => {
      d.offer.adminMfa = 'yes';
      d.offer.regions[0].country = 33;
      d.offer.serviceModel = 'Iaas';
    });
    expectBadInput(
      file,
      /3 problems/,
      /\$\.offer\.adminMfa \(line \d+, column \d+\): must be of type boolean/,
      /\$\.offer\.regions\[0\]\.country.*must be of type string/,
      /\$\.offer\.serviceModel.*must be one of: "IaaS", "CaaS", "PaaS", "SaaS"/,
    );
  });

  it('refuses unknown country codes', () => {
    const file = withChange('countries.json', (d) => {
      d.offer.backupCountries = ['FR', 'XX'];
      d.provider.registeredOffice = 'UK';
    });
    expectBadInput(
      file,
      /\$\.offer\.backupCountries\[1\].*unknown country code "XX"/,
      /\$\.provider\.registeredOffice.*unknown country code "UK"/,
    );
  });

  it('refuses lower-case country codes with a hint', () => {
    const file = withChange('lower.json', (d) => {
      d.offer.regions[0].country = 'fr';
    });
    expectBadInput(file, /\$\.offer\.regions\[0\]\.country.*ISO 3166-1 alpha-2/);
  });

  it('refuses percentages outside 0–100', () => {
    const file = withChange('pct.json', (d) => {
      d.ownership[0].capitalPct = 120;
      d.ownership[1].votingPct = -5;
    });
    expectBadInput(file, /\$\.ownership\[0\]\.capitalPct.*≤ 100/, /\$\.ownership\[1\]\.votingPct.*≥ 0/);
  });

  it('refuses holdings of one entity summing above 100 %', () => {
    const file = withChange('sum.json', (d) => {
      d.ownership[1].capitalPct = 50;
      d.ownership[2].capitalPct = 60;
    });
    expectBadInput(file, /holdings of "dassault-systemes" add up to 110 % of its capital, above 100 %/);
  });

  it('refuses dangling ids', () => {
    const file = withChange('dangling.json', (d) => {
      d.ownership.push({ holder: 'ghost-fund', held: 'outscale', capitalPct: 1 });
    });
    expectBadInput(
      file,
      /\$\.ownership\[3\]\.holder.*"ghost-fund" is neither the provider nor an organisation/,
    );
  });

  it('refuses misspelt properties', () => {
    const file = withChange('misspelt.json', (d) => {
      d.offer.adminMFA = true;
    });
    expectBadInput(file, /\$\.offer\.adminMFA.*unknown property/);
  });

  it('refuses a certification naming a region the offer does not have', () => {
    const file = withChange('cert-region.json', (d) => {
      d.offer.certifications[0].regions = ['eu-west-2'];
    });
    expectBadInput(
      file,
      /\$\.offer\.certifications\[0\]\.regions\[0\].*"eu-west-2" is not one of the offer's regions/,
    );
  });

  it('reports a missing file', () => {
    const r = runCli(['evaluate', join(dir, 'nope.json')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no such file or directory/);
  });

  it('reports an unknown option value', () => {
    const file = join(repoRoot, 'examples', 'secnumcloud-iaas-fr.json');
    assert.equal(runCli(['evaluate', file, '--lang', 'de']).status, 2);
    const r = runCli(['evaluate', file, '--level', 'platinum']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown level "platinum"/);
  });

  it('keeps evaluating a directory when one file is invalid, then exits 2', () => {
    const sub = tempDir();
    writeTemp(sub, 'a-good.json', JSON.stringify(example));
    writeTemp(sub, 'b-bad.json', '{');
    const r = runCli(['evaluate', sub, '--json']);
    assert.equal(r.status, 2);
    const out = JSON.parse(r.stdout) as Array<{ file: string; result?: unknown; issues?: unknown[] }>;
    assert.equal(out.length, 2);
    assert.ok(out[0]!.result);
    assert.ok(out[1]!.issues);
  });
});
