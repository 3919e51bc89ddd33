/** Gaia-X out: a label as a Gaia-X-style label credential, level mapping and RFC 8785 digests. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import { buildLabelCredential } from '../../src/credentials/index.js';
import {
  buildGaiaxLabelCredential,
  GaiaxExportError,
  gaiaxLevelOf,
  jcsDigests,
} from '../../src/interop/gaiax/export.js';
import { loadReferential } from '../../src/referential/load.js';
import { labelInput } from '../credentials/helpers.js';

const referential = loadReferential('cloud-de-confiance', '1.0.0').document;
const DID = 'did:web:label.example';

function label(level: 'baseline' | 'eu-data' | 'trusted') {
  const input = labelInput(DID);
  return buildLabelCredential({
    ...input,
    subject: { ...input.subject, level, referential: { id: 'cloud-de-confiance', version: '1.0.0' } },
  });
}

type Subject = {
  type: string;
  'gx:labelLevel': string;
  'gx:rulesVersion': string;
  'gx:compliantCredentials': Array<{
    id: string;
    'gx:integrity': string;
    'cred:digestSRI': string;
    'gx:integrityNormalization': string;
  }>;
};

describe('Gaia-X-style label credential', () => {
  it('maps our levels to the Gaia-X label levels the referential names (baseline L1, eu-data L2, trusted L3)', () => {
    assert.deepEqual(
      (['baseline', 'eu-data', 'trusted'] as const).map((l) => gaiaxLevelOf(referential, l)),
      ['L1', 'L2', 'L3'],
    );
    const vc = buildGaiaxLabelCredential({ label: label('trusted'), referential });
    const s = vc.credentialSubject as Subject;
    assert.equal(s.type, 'gx:LabelCredential');
    assert.equal(s['gx:labelLevel'], 'L3');
    assert.equal(s['gx:rulesVersion'], 'cloud-de-confiance@1.0.0');
    assert.equal(vc.issuer, DID);
  });

  it('digests every covered input as the compliance service does: SHA-256 of the RFC 8785 form', () => {
    const lbl = label('eu-data');
    const declaration = {
      formatVersion: 1,
      provider: { name: 'ACME', id: 'acme' },
      offer: { id: 'o', name: 'O', serviceModel: 'IaaS' },
    };
    const vc = buildGaiaxLabelCredential({
      label: lbl,
      referential,
      covered: [{ id: 'urn:declaration', type: 'confiance:Declaration', document: declaration }],
    });
    const [labelEntry, declEntry] = (vc.credentialSubject as Subject)['gx:compliantCredentials'];
    const hex = (doc: unknown) => createHash('sha256').update(canonicalize(doc)!).digest('hex');
    assert.equal(labelEntry!['gx:integrity'], `sha256-${hex(lbl)}`);
    assert.equal(labelEntry!.id, lbl.id);
    // Key order does not matter: the canonical form is what is digested.
    const reordered = { offer: declaration.offer, provider: { id: 'acme', name: 'ACME' }, formatVersion: 1 };
    assert.equal(declEntry!['gx:integrity'], jcsDigests(reordered).integrity);
    assert.equal(
      declEntry!['cred:digestSRI'],
      `sha256-${Buffer.from(hex(declaration), 'hex').toString('base64')}`,
    );
    assert.equal(declEntry!['gx:integrityNormalization'], 'RFC8785:JCS');
  });

  it('is byte-identical across runs', () => {
    const once = () => JSON.stringify(buildGaiaxLabelCredential({ label: label('trusted'), referential }));
    assert.equal(once(), once());
  });

  it('refuses a label granted under another referential version, or a level with no Gaia-X mapping', () => {
    const other = label('trusted');
    other.credentialSubject.referential = { id: 'cloud-de-confiance', version: '9.9.9' };
    assert.throws(() => buildGaiaxLabelCredential({ label: other, referential }), GaiaxExportError);
    const unmapped = structuredClone(referential);
    delete unmapped.levels[0]!.gaiaxLabelLevel;
    assert.throws(() => gaiaxLevelOf(unmapped, 'baseline'), /names no Gaia-X label level/);
  });
});
