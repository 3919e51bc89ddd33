import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  buildLabelCredential,
  CONFIANCE_CONTEXT_URL,
  CredentialInputError,
  credentialDigest,
  criteriaDigest,
} from '../../src/credentials/index.js';
import { at, labelInput, makeIssuer, REVOCATION_URL, SUSPENSION_URL, splitJws } from './helpers.js';

const DID = 'did:web:label.example';

describe('buildLabelCredential', () => {
  it('produces a VC DM 2.0 TrustedCloudLabelCredential with two status entries', () => {
    const vc = buildLabelCredential(labelInput(DID));
    assert.deepEqual(vc['@context'], ['https://www.w3.org/ns/credentials/v2', CONFIANCE_CONTEXT_URL]);
    assert.deepEqual(vc.type, ['VerifiableCredential', 'TrustedCloudLabelCredential']);
    assert.equal(vc.id, 'urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427');
    assert.equal(vc.issuer, DID);
    assert.equal(vc.validFrom, '2026-12-01T00:00:00Z');
    assert.equal(vc.validUntil, '2027-12-01T00:00:00Z');
    assert.equal(vc.credentialSubject.id, 'urn:confiance:offer:acme-compute');
    assert.deepEqual(vc.credentialSubject.regions, [
      { code: 'fr-par-1', country: 'FR', city: 'Paris' },
      { code: 'fr-lyo-1', country: 'FR' },
    ]);
    assert.deepEqual(vc.credentialStatus, [
      {
        id: `${REVOCATION_URL}#4242`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation',
        statusListIndex: '4242',
        statusListCredential: REVOCATION_URL,
      },
      {
        id: `${SUSPENSION_URL}#777`,
        type: 'BitstringStatusListEntry',
        statusPurpose: 'suspension',
        statusListIndex: '777',
        statusListCredential: SUSPENSION_URL,
      },
    ]);
  });

  it('refuses inconsistent input', () => {
    const base = labelInput(DID);
    const bad: Array<Partial<typeof base>> = [
      { id: 'urn:uuid:not-a-uuid' },
      { issuer: 'https://label.example' },
      { validUntil: base.validFrom },
      { subject: { ...base.subject, level: 'gold' as never } },
      { subject: { ...base.subject, regions: [] } },
      { subject: { ...base.subject, regions: [{ code: 'x', country: 'France' }] } },
      { subject: { ...base.subject, criteriaDigest: 'ABC' } },
      { subject: { ...base.subject, evidenceDigests: ['secret evidence text'] } },
      { status: { ...base.status, revocation: { index: -1, listUrl: REVOCATION_URL } } },
      { status: { ...base.status, suspension: { index: 1, listUrl: 'http://insecure.example/list' } } },
    ];
    for (const overrides of bad) {
      assert.throws(
        () => buildLabelCredential({ ...base, ...overrides }),
        CredentialInputError,
        JSON.stringify(overrides),
      );
    }
  });

  it('places the credential itself in the JWS payload (no vc claim)', async () => {
    const issuer = await makeIssuer();
    const token = await issuer.label({ validUntil: at(30) });
    const [, payload] = splitJws(token);
    assert.equal(payload.vc, undefined);
    assert.deepEqual(payload, buildLabelCredential(labelInput(issuer.did, { validUntil: at(30) })));
  });
});

describe('digests', () => {
  it('credentialDigest is the SHA-256 hex of the token bytes', () => {
    assert.equal(credentialDigest('a.b.c'), createHash('sha256').update('a.b.c').digest('hex'));
  });

  it('criteriaDigest hashes the RFC 8785 canonical form, independent of key order', () => {
    const a = { criteria: [{ id: 'P1.1', result: 'pass', score: 1.0 }], version: '1' };
    const b = { version: '1', criteria: [{ score: 1, result: 'pass', id: 'P1.1' }] };
    assert.equal(criteriaDigest(a), criteriaDigest(b));
    const canonical = '{"criteria":[{"id":"P1.1","result":"pass","score":1}],"version":"1"}';
    assert.equal(criteriaDigest(a), createHash('sha256').update(canonical).digest('hex'));
    assert.notEqual(criteriaDigest(a), criteriaDigest({ ...a, version: '2' }));
    assert.throws(() => criteriaDigest(undefined), CredentialInputError);
  });
});
