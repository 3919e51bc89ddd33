/**
 * End to end with the real ledger (src/ledger), the default log checker: the label's issuance entry is
 * appended to an RFC 9162 tree, the checkpoint is signed as a C2SP note with an Ed25519 key held by a
 * KeyProvider (the same kind of key that signs labels), and a relying party verifies it all offline.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialDigest, MemoryKeyProvider, verifyLabel } from '../../src/credentials/index.js';
import {
  encodeEntry,
  entryLeafHash,
  MemoryTree,
  type NoteSigner,
  signCheckpoint,
} from '../../src/ledger/index.js';
import { at, makeIssuer, seededRandom, T0 } from './helpers.js';

const ORIGIN = 'label.example/log';
const issuer = await makeIssuer();
const token = await issuer.label();
const labelId = 'urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427';

async function logSigner(seed: string): Promise<NoteSigner> {
  const provider = await MemoryKeyProvider.create(T0, { randomBytes: seededRandom(seed) });
  const { kid, publicJwk } = provider.activeKey();
  return {
    keyName: 'log.label.example',
    publicKey: new Uint8Array(Buffer.from(publicJwk.x, 'base64url')),
    sign: (message) => provider.sign(kid, message),
  };
}

const signer = await logSigner('log key');
const tree = new MemoryTree();
for (let i = 0; i < 5; i++) {
  const digest = i.toString(16).repeat(64);
  tree.append(
    entryLeafHash(
      encodeEntry({
        v: 1,
        type: 'label.issued',
        at: '2026-11-30T00:00:00.000Z',
        subject: `urn:uuid:00000000-0000-4000-8000-00000000000${i}`,
        digest,
      }),
    ),
  );
}
const entry = encodeEntry({
  v: 1,
  type: 'label.issued',
  at: '2026-12-01T00:00:00.000Z',
  subject: labelId,
  digest: credentialDigest(token),
});
const leafIndex = tree.append(entryLeafHash(entry));
tree.append(
  entryLeafHash(
    encodeEntry({
      v: 1,
      type: 'label.issued',
      at: '2026-12-01T00:00:01.000Z',
      subject: 'urn:uuid:00000000-0000-4000-8000-000000000009',
      digest: 'f'.repeat(64),
    }),
  ),
);
const checkpoint = await signCheckpoint({ origin: ORIGIN, size: tree.size, root: tree.root() }, signer);
const logKeys = [{ name: signer.keyName, publicKey: signer.publicKey }];
const inclusion = { entry, leafIndex, proof: tree.inclusionProof(leafIndex), checkpoint };

describe('verifyLabel with the real ledger', () => {
  it('verifies inclusion under a C2SP checkpoint signed with an Ed25519 KeyProvider key', async () => {
    const r = await verifyLabel(token, {
      didDocuments: [issuer.doc],
      now: at(1),
      inclusion,
      logKeys,
      logOrigin: ORIGIN,
    });
    assert.equal(r.status, 'valid', r.reasons.join(' '));
    assert.deepEqual(r.checks.log, { checked: true, included: true, treeSize: 7 });
  });

  it('accepts the proof in base64, as it would travel in JSON', async () => {
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    const r = await verifyLabel(token, {
      didDocuments: [issuer.doc],
      now: at(1),
      inclusion: { ...inclusion, entry: b64(entry), proof: inclusion.proof.map(b64) },
      logKeys,
    });
    assert.equal(r.status, 'valid', r.reasons.join(' '));
  });

  it('refuses a checkpoint signed by another key under the same name', async () => {
    const rogue = await signCheckpoint(
      { origin: ORIGIN, size: tree.size, root: tree.root() },
      await logSigner('rogue'),
    );
    const r = await verifyLabel(token, {
      didDocuments: [issuer.doc],
      now: at(1),
      inclusion: { ...inclusion, checkpoint: rogue },
      logKeys,
    });
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual(r.codes, ['log.checkpoint-invalid']);
  });

  it('refuses a proof against an older, smaller checkpoint that cannot contain the entry', async () => {
    const old = await signCheckpoint({ origin: ORIGIN, size: 3, root: tree.root(3) }, signer);
    const r = await verifyLabel(token, {
      didDocuments: [issuer.doc],
      now: at(1),
      inclusion: { ...inclusion, checkpoint: old },
      logKeys,
    });
    assert.deepEqual(r.codes, ['log.not-included']);
  });
});
