/**
 * SARIF 2.1.0 (OASIS) for code-scanning interfaces: one result per denied or undecidable resource, located
 * at the file and line where the input allows, with a fingerprint that survives line shifts.
 */
import { createHash } from 'node:crypto';
import type { ScanResult } from '../scan.js';
import type { Finding } from '../types.js';
import { type ReportContext, relativeUri } from './shared.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const RULE_DENIED = 'CONFIANCE-PLACEMENT-001';
export const RULE_UNKNOWN = 'CONFIANCE-PLACEMENT-002';
export const INFORMATION_URI = 'https://github.com/confiance/confiance/blob/main/docs/placement.md';

const RULES = [
  {
    id: RULE_DENIED,
    name: 'PlacementDenied',
    shortDescription: { text: 'Data placed where its class does not allow it' },
    fullDescription: {
      text: 'The resource would put data of a class (its tag or label, or the default class) on an offer or in a region that the class does not allow: label level, territory or certification missing, according to the label registry.',
    },
    help: {
      text: 'Move the resource to a region covered by a labelled offer that meets the class, or correct its data class. `confiance place --class <class>` lists the eligible offers and regions.',
    },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['sovereignty', 'data-placement'] },
  },
  {
    id: RULE_UNKNOWN,
    name: 'PlacementUnknown',
    shortDescription: { text: 'Where the resource places data cannot be told' },
    fullDescription: {
      text: 'The region is known only after apply, comes from the environment, is not constrained, is not in the region catalogue, or the data class is missing: the placement cannot be decided from this input.',
    },
    help: {
      text: 'Set the region (or zone) and the data class explicitly, or give defaults with --region and --class.',
    },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['sovereignty', 'data-placement'] },
  },
];

export function renderSarif(result: ScanResult, context: ReportContext): string {
  const reported = result.findings.filter((f) => f.status === 'denied' || f.status === 'unknown');
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'confiance',
            version: context.toolVersion,
            semanticVersion: context.toolVersion,
            informationUri: INFORMATION_URI,
            rules: RULES,
          },
        },
        invocations: [{ executionSuccessful: true }],
        results: reported.map((f) => sarifResult(f, context)),
        properties: {
          registry: context.registry,
          referential: context.referential,
          summary: result.summary,
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function sarifResult(f: Finding, context: ReportContext) {
  const denied = f.status === 'denied';
  // Point at the value that placed the data (a nodeSelector, a zone list) when the reader knows its line.
  const claimLine = f.placements.find((p) => p.outcome === 'denied' && p.claim.line !== undefined)?.claim
    .line;
  const region: Record<string, number> = {};
  if (claimLine !== undefined) region.startLine = claimLine;
  else if (f.line !== undefined) {
    region.startLine = f.line;
    if (f.column !== undefined) region.startColumn = f.column;
  }
  return {
    ruleId: denied ? RULE_DENIED : RULE_UNKNOWN,
    ruleIndex: denied ? 0 : 1,
    level: denied || context.strict ? 'error' : 'warning',
    message: { text: `${f.id}: ${f.message}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(f.file) },
          ...(region.startLine !== undefined ? { region } : {}),
        },
        logicalLocations: [{ fullyQualifiedName: f.id, kind: 'resource' }],
      },
    ],
    partialFingerprints: {
      'confianceResource/v1': createHash('sha256')
        .update(`${f.file}\0${f.id}\0${f.dataClass ?? ''}`)
        .digest('hex')
        .slice(0, 32),
    },
    properties: {
      status: f.status,
      resourceType: f.type,
      ...(f.dataClass ? { dataClass: f.dataClass, dataClassFrom: f.dataClassFrom } : {}),
      placements: f.placements.map((p) => ({
        code: p.claim.code,
        from: p.claim.from,
        ...(p.location ? { location: p.location } : {}),
        ...(p.outcome ? { outcome: p.outcome } : {}),
        ...(p.offer ? { offer: p.offer } : {}),
        ...(p.unresolved ? { unresolved: p.unresolved } : {}),
      })),
    },
  };
}
