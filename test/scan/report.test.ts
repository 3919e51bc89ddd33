import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { style } from '../../src/cli/render.js';
import { renderJson } from '../../src/scan/report/json.js';
import { renderJunit, xmlEscape } from '../../src/scan/report/junit.js';
import { RULE_DENIED, RULE_UNKNOWN, renderSarif } from '../../src/scan/report/sarif.js';
import type { ReportContext } from '../../src/scan/report/shared.js';
import { renderText } from '../../src/scan/report/text.js';
import { scan } from '../../src/scan/scan.js';
import { compileSchema } from '../../src/util/schema.js';
import { repoRoot } from '../helpers/cli.js';
import { scanContext } from './registry.js';

const files = [
  join('test', 'fixtures', 'terraform', 'multi-cloud.plan.json'),
  join('test', 'fixtures', 'terraform', 'unknowns.plan.json'),
  join('test', 'fixtures', 'k8s', 'outscale-cluster.yaml'),
];
const result = scan(
  files.map((file) => ({ file, text: readFileSync(join(repoRoot, file), 'utf8') })),
  scanContext({ dataClass: 'personal', provider: 'outscale' }),
);
const context = (strict = false): ReportContext => ({
  lang: 'en',
  strict,
  toolVersion: '0.1.0',
  registry: {
    from: 'snapshot.jwt',
    issuer: 'did:web:label.test',
    generatedAt: '2026-11-29T10:00:00.000Z',
    offers: 9,
  },
  referential: { id: 'cloud-de-confiance', version: '1.0.0', digest: 'd'.repeat(64) },
});

/**
 * The parts of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) that our output uses, with their
 * constraints: required members, the level enum, 1-based lines, relative URIs.
 */
const SARIF_SUBSET = {
  type: 'object',
  required: ['version', 'runs'],
  properties: {
    $schema: { type: 'string', format: 'uri' },
    version: { const: '2.1.0' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['tool'],
        properties: {
          tool: {
            type: 'object',
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string' },
                  informationUri: { type: 'string', format: 'uri' },
                  rules: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['id'],
                      properties: {
                        id: { type: 'string' },
                        shortDescription: { $ref: '#/$defs/message' },
                        fullDescription: { $ref: '#/$defs/message' },
                        defaultConfiguration: {
                          type: 'object',
                          properties: { level: { $ref: '#/$defs/level' } },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              required: ['message'],
              properties: {
                ruleId: { type: 'string' },
                ruleIndex: { type: 'integer', minimum: -1 },
                level: { $ref: '#/$defs/level' },
                message: { $ref: '#/$defs/message' },
                locations: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      physicalLocation: {
                        type: 'object',
                        properties: {
                          artifactLocation: {
                            type: 'object',
                            properties: { uri: { type: 'string', format: 'uri-reference' } },
                          },
                          region: {
                            type: 'object',
                            properties: {
                              startLine: { type: 'integer', minimum: 1 },
                              startColumn: { type: 'integer', minimum: 1 },
                            },
                          },
                        },
                      },
                    },
                  },
                },
                partialFingerprints: { type: 'object', additionalProperties: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
  $defs: {
    level: { enum: ['none', 'note', 'warning', 'error'] },
    // SARIF accepts `text` or a message `id`; ours always carries the text.
    message: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
  },
};

describe('SARIF 2.1.0 report', () => {
  const sarif = JSON.parse(renderSarif(result, context()));

  it('matches the SARIF 2.1.0 schema for what it uses', () => {
    const validate = compileSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      ...SARIF_SUBSET,
    });
    assert.equal(validate(sarif), true, JSON.stringify(validate.errors));
  });

  it('reports each denied and undecidable resource, at its file and line, under a declared rule', () => {
    const run = sarif.runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    assert.deepEqual(ids, [RULE_DENIED, RULE_UNKNOWN]);
    const reported = result.findings.filter((f) => f.status === 'denied' || f.status === 'unknown');
    assert.equal(run.results.length, reported.length);
    for (const r of run.results) {
      assert.equal(ids[r.ruleIndex], r.ruleId);
      assert.equal(r.level, r.ruleId === RULE_DENIED ? 'error' : 'warning');
      const loc = r.locations[0].physicalLocation;
      assert.ok(
        files.map((f) => f.split('\\').join('/')).includes(loc.artifactLocation.uri),
        loc.artifactLocation.uri,
      );
      assert.ok(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1, JSON.stringify(r));
    }
    const backup = run.results.find((r: { message: { text: string } }) =>
      r.message.text.startsWith('aws_s3_bucket.backup:'),
    );
    assert.equal(backup.locations[0].physicalLocation.region.startLine, 36);
    const web = run.results.find((r: { message: { text: string } }) =>
      r.message.text.startsWith('Deployment secure/web:'),
    );
    const yaml = readFileSync(join(repoRoot, files[2]!), 'utf8').split('\n');
    assert.match(
      yaml[web.locations[0].physicalLocation.region.startLine - 1] ?? '',
      /topology\.kubernetes\.io\/region: eu-west-2/,
    );
  });

  it('makes undecidable results errors under --strict, with stable fingerprints', () => {
    const strict = JSON.parse(renderSarif(result, context(true)));
    assert.ok(strict.runs[0].results.every((r: { level: string }) => r.level === 'error'));
    assert.deepEqual(
      strict.runs[0].results.map((r: { partialFingerprints: object }) => r.partialFingerprints),
      sarif.runs[0].results.map((r: { partialFingerprints: object }) => r.partialFingerprints),
    );
  });
});

describe('JUnit XML report', () => {
  it('is well-formed, one suite per file, denied cases failing, undecidable ones skipped unless strict', () => {
    const xml = renderJunit(result, context());
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    // Balanced elements.
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (m[3]) continue;
      if (m[1]) assert.equal(stack.pop(), m[2]);
      else stack.push(m[2]!);
    }
    assert.deepEqual(stack, []);
    const placed = result.findings.filter((f) => f.status !== 'skipped');
    assert.equal((xml.match(/<testcase /g) ?? []).length, placed.length);
    assert.equal((xml.match(/<failure /g) ?? []).length, result.summary.denied);
    assert.equal((xml.match(/<skipped /g) ?? []).length, result.summary.unknown);
    assert.equal((xml.match(/<testsuite /g) ?? []).length, files.length);
    const strict = renderJunit(result, context(true));
    assert.equal((strict.match(/<failure /g) ?? []).length, result.summary.denied + result.summary.unknown);
  });

  it('escapes what XML cannot hold', () => {
    assert.equal(xmlEscape(`a<b>&"c"'d'\u0001\u0008e`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;e');
  });
});

describe('text and JSON reports', () => {
  it('groups by file, denied first, with colours only when asked', () => {
    const plain = renderText(result, context(), style(false));
    assert.ok(!plain.includes('\x1b['), 'no escape codes off a terminal');
    const sections = plain.split('\n\n').slice(0, files.length);
    for (const section of sections) {
      const order = ['denied', 'undecidable', 'allowed', 'not placements']
        .map((h) => section.indexOf(`  ${h} (`))
        .filter((i) => i >= 0);
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
        section,
      );
    }
    assert.ok(sections.some((s) => s.includes('  denied (') && s.includes('  undecidable (')));
    assert.match(plain, /resource\(s\) · \d+ denied · \d+ undecidable · \d+ allowed/);
    const coloured = renderText(result, context(), style(true));
    assert.ok(coloured.includes('\x1b[31m'), 'denied in red on a terminal');
  });

  it('carries every finding, the registry and the referential in JSON', () => {
    const json = JSON.parse(renderJson(result, context()));
    assert.deepEqual(json.summary, result.summary);
    assert.equal(json.findings.length, result.findings.length);
    assert.equal(json.registry.issuer, 'did:web:label.test');
    assert.equal(json.referential.version, '1.0.0');
  });
});
