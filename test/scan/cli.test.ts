/**
 * `confiance scan` as a CI job runs it: files in, a report out, and the exit code that fails the job.
 * 0 clean, 1 denied (or undecidable with --strict), 2 bad input, each bad input named with its place.
 */
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot, runCli } from '../helpers/cli.js';
import { signedRegistry, type TestRegistry } from './registry.js';

const fixture = (...p: string[]) => join(repoRoot, 'test', 'fixtures', ...p);

function plan(
  resources: Array<{ address: string; type: string; provider: string; values: object }>,
  providers: object,
) {
  return JSON.stringify({
    format_version: '1.2',
    terraform_version: '1.9.8',
    planned_values: {
      root_module: {
        resources: resources.map((r) => ({
          address: r.address,
          mode: 'managed',
          type: r.type,
          name: r.address.split('.')[1],
          provider_name: `registry.terraform.io/${r.provider}`,
          values: r.values,
        })),
      },
    },
    configuration: {
      provider_config: providers,
      root_module: {
        resources: resources.map((r) => ({
          address: r.address,
          mode: 'managed',
          type: r.type,
          name: r.address.split('.')[1],
          provider_config_key: r.provider.split('/')[1],
          expressions: {},
        })),
      },
    },
  });
}

describe('confiance scan', () => {
  let reg: TestRegistry;
  const file = (name: string) => join(reg.dir, name);
  const offline = () => ['--snapshot', reg.snapshotFile, '--did', reg.didFile];

  before(async () => {
    reg = await signedRegistry();
    writeFileSync(
      file('clean.json'),
      plan(
        [
          {
            address: 'outscale_volume.secret',
            type: 'outscale_volume',
            provider: 'outscale/outscale',
            values: {
              subregion_name: 'cloudgouv-eu-west-1b',
              tags: [{ key: 'data_classification', value: 'sensitive' }],
            },
          },
        ],
        {
          outscale: { name: 'outscale', expressions: { region: { constant_value: 'cloudgouv-eu-west-1' } } },
        },
      ),
    );
    writeFileSync(
      file('env.json'),
      plan(
        [
          {
            address: 'aws_s3_bucket.logs',
            type: 'aws_s3_bucket',
            provider: 'hashicorp/aws',
            values: { bucket: 'logs' },
          },
        ],
        { aws: { name: 'aws' } },
      ),
    );
  });
  after(() => rmSync(reg.dir, { recursive: true, force: true }));

  it('exits 0 when every placement is allowed', () => {
    const r = runCli(['scan', file('clean.json'), ...offline(), '--lang', 'en']);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /✔ outscale_volume\.secret:\d+ \[sensitive\]/);
    assert.match(r.stdout, /1 resource\(s\) · 0 denied · 0 undecidable · 1 allowed/);
    assert.ok(!r.stdout.includes('\x1b['), 'no colours off a terminal');
  });

  it('exits 1 when a placement is denied, naming each resource and why', () => {
    const r = runCli([
      'scan',
      fixture('terraform', 'multi-cloud.plan.json'),
      ...offline(),
      '--class',
      'personal',
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /refusés \(6\)/);
    assert.match(
      r.stdout,
      /✘ aws_s3_bucket\.backup:36 \[sensitive\] {2}à aws eu-central-1 Frankfurt DE : Aucune offre labellisée/,
    );
  });

  it('writes SARIF to a file for code scanning, leaving standard output empty', () => {
    const out = file('report.sarif');
    const r = runCli([
      'scan',
      fixture('terraform', 'multi-cloud.plan.json'),
      ...offline(),
      '--class',
      'personal',
      '--format',
      'sarif',
      '--output',
      out,
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results.filter((x: { level: string }) => x.level === 'error').length, 6);
  });

  it('prints JUnit XML and JSON on standard output, nothing else', () => {
    const junit = runCli([
      'scan',
      fixture('k8s', 'outscale-cluster.yaml'),
      ...offline(),
      '--provider',
      'outscale',
      '--format',
      'junit',
    ]);
    assert.equal(junit.status, 1);
    assert.match(junit.stdout, /^<\?xml/);
    assert.equal(junit.stderr, '');
    const json = runCli(['scan', file('clean.json'), ...offline(), '--format', 'json']);
    assert.equal(json.status, 0);
    assert.equal(JSON.parse(json.stdout).summary.allowed, 1);
  });

  it('reports an undecidable placement, failing only under --strict; --region decides it', () => {
    const loose = runCli(['scan', file('env.json'), ...offline(), '--class', 'personal', '--lang', 'en']);
    assert.equal(loose.status, 0, loose.stderr);
    assert.match(
      loose.stdout,
      /\? aws_s3_bucket\.logs:\d+ \[personal\] {2}Region set by the environment at apply time/,
    );
    const strict = runCli(['scan', file('env.json'), ...offline(), '--class', 'personal', '--strict']);
    assert.equal(strict.status, 1);
    const given = runCli([
      'scan',
      file('env.json'),
      ...offline(),
      '--class',
      'personal',
      '--region',
      'eu-west-3',
      '--strict',
    ]);
    assert.equal(given.status, 0, given.stdout);
  });

  it('reads a plan from standard input', () => {
    const r = runCli(['scan', '-', ...offline(), '--format', 'json'], {
      input: readFileSync(file('clean.json'), 'utf8'),
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).files[0].file, '-');
  });

  describe('bad input: a clear error and exit 2', () => {
    it('truncated JSON, with the file, line and column', () => {
      const text = readFileSync(fixture('terraform', 'multi-cloud.plan.json'), 'utf8');
      writeFileSync(file('truncated.json'), text.slice(0, 4000));
      const r = runCli(['scan', file('truncated.json'), ...offline()]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /^error: .*truncated\.json: malformed JSON/);
      assert.match(
        r.stderr,
        new RegExp(`truncated\\.json:${text.slice(0, 4000).split('\n').length}:\\d+ \\$`),
      );
      assert.ok(!r.stderr.includes('    at '), 'no stack trace');
    });

    it('an unsupported format_version', () => {
      writeFileSync(
        file('v2.json'),
        readFileSync(fixture('terraform', 'multi-cloud.plan.json'), 'utf8').replace('"1.2"', '"2.0"'),
      );
      const r = runCli(['scan', file('v2.json'), ...offline()]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /unsupported format_version "2\.0"/);
      assert.match(r.stderr, /v2\.json:2:\d+ \$\.format_version: this scanner reads/);
    });

    it('a YAML bomb', () => {
      const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i < 10; i++) {
        const prev = String.fromCharCode(96 + i);
        const name = String.fromCharCode(97 + i);
        levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
      }
      writeFileSync(
        file('bomb.yaml'),
        `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: lol }\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`,
      );
      const r = runCli(['scan', file('bomb.yaml'), ...offline()]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /YAML refused/);
      assert.match(r.stderr, /alias/i);
    });

    it('a 200 MB file, refused before it is read (the run fits in a 96 MB heap)', () => {
      const big = file('huge.json');
      const fd = openSync(big, 'w');
      try {
        ftruncateSync(fd, 200 * 1024 * 1024);
      } finally {
        closeSync(fd);
      }
      assert.equal(statSync(big).size, 200 * 1024 * 1024);
      const r = runCli(['scan', big, ...offline()], { env: { NODE_OPTIONS: '--max-old-space-size=96' } });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /huge\.json is too large \(200 MiB; the limit is 64 MiB\)/);
      assert.match(r.stderr, /--max-size/);
      const stdin = runCli(['scan', '-', ...offline(), '--max-size', '1'], {
        input: 'x'.repeat(2 * 1024 * 1024),
      });
      assert.equal(stdin.status, 2);
      assert.match(stdin.stderr, /standard input is too large/);
    });

    it('a missing file, an unknown format, class or provider', () => {
      const cases: Array<[string[], RegExp]> = [
        [['scan', file('nope.json'), ...offline()], /cannot read .*: ENOENT/],
        [['scan', file('clean.json'), ...offline(), '--format', 'xml'], /unknown report format "xml"/],
        [['scan', file('clean.json'), ...offline(), '--class', 'secret'], /unknown data class "secret"/],
        [
          ['scan', file('clean.json'), ...offline(), '--provider', 'nimbus'],
          /unknown cloud provider "nimbus"/,
        ],
        [['scan', file('clean.json')], /no registry to decide against/],
        [['scan', file('clean.json'), '--snapshot', reg.snapshotFile], /--snapshot needs --did/],
      ];
      for (const [args, message] of cases) {
        const r = runCli(args, { env: { CONFIANCE_SERVER: '' } });
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
      }
    });

    it('a registry snapshot whose signature does not verify', () => {
      const did = JSON.parse(readFileSync(reg.didFile, 'utf8'));
      did.verificationMethod[0].publicKeyJwk.x = Buffer.alloc(32, 1).toString('base64url');
      writeFileSync(file('wrong-did.json'), JSON.stringify(did));
      const r = runCli([
        'scan',
        file('clean.json'),
        '--snapshot',
        reg.snapshotFile,
        '--did',
        file('wrong-did.json'),
      ]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /the registry snapshot is not trustworthy \(bad-signature\)/);
      const stale = runCli(['scan', file('clean.json'), ...offline(), '--max-age', '0.01']);
      assert.equal(stale.status, 2);
      assert.match(stale.stderr, /\(stale\)/);
    });
  });
});
