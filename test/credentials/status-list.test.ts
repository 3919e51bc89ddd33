import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildStatusListCredential,
  issueStatusListCredential,
  MemoryKeyProvider,
  readStatus,
  StatusBitstring,
} from '../../src/credentials/index.js';
import { at, REVOCATION_URL, splitJws, T0 } from './helpers.js';

const DID = 'did:web:label.example';

describe('status list credentials', () => {
  it('builds a BitstringStatusListCredential', () => {
    const bitstring = new StatusBitstring();
    const vc = buildStatusListCredential({
      id: REVOCATION_URL,
      issuer: DID,
      purpose: 'revocation',
      bitstring,
      validFrom: T0,
      validUntil: at(1),
    });
    assert.deepEqual(vc, {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: REVOCATION_URL,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: DID,
      validFrom: '2026-12-01T00:00:00Z',
      validUntil: '2026-12-02T00:00:00Z',
      credentialSubject: {
        id: `${REVOCATION_URL}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'revocation',
        encodedList: bitstring.encode(),
      },
    });
    assert.throws(() =>
      buildStatusListCredential({
        id: 'http://x',
        issuer: DID,
        purpose: 'revocation',
        bitstring,
        validFrom: T0,
      }),
    );
    assert.throws(() =>
      buildStatusListCredential({
        id: REVOCATION_URL,
        issuer: DID,
        purpose: 'revocation',
        bitstring,
        validFrom: T0,
        validUntil: T0,
      }),
    );
  });

  it('signs it as vc+jwt and reads bits back from the token or the payload', async () => {
    const provider = await MemoryKeyProvider.create(T0);
    const bitstring = new StatusBitstring();
    bitstring.set(12);
    const jwt = await issueStatusListCredential(
      { id: REVOCATION_URL, issuer: DID, purpose: 'revocation', bitstring, validFrom: T0 },
      provider,
    );
    const [header, payload] = splitJws(jwt);
    assert.deepEqual(header, {
      alg: 'EdDSA',
      kid: `${DID}#${provider.activeKey().kid}`,
      typ: 'vc+jwt',
      cty: 'vc',
    });
    assert.deepEqual(readStatus(jwt, 12), { purpose: 'revocation', set: true });
    assert.deepEqual(readStatus(jwt, 13), { purpose: 'revocation', set: false });
    assert.deepEqual(readStatus(payload as never, 12), { purpose: 'revocation', set: true });
    assert.throws(() => readStatus('not.a-jwt', 1));
    assert.throws(() => readStatus(jwt, 131_072), RangeError);
  });
});
