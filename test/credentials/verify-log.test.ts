/**
 * The log part of verifyLabel, against a fake LogInclusionChecker: a tiny RFC 9162 implementation and a
 * toy checkpoint format ("origin\nsize\nbase64(root)\n— signer\n"), standing in for src/ledger.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  credentialDigest,
  type LogInclusionChecker,
  type LogVerifierKey,
  type VerifyLabelOptions,
  verifyLabel,
} from '../../src/credentials/index.js';
import { encodeEntry } from '../../src/ledger/index.js';
import { at, makeIssuer } from './helpers.js';

const sha = (...parts: Uint8Array[]) =>
  new Uint8Array(createHash('sha256').update(Buffer.concat(parts)).digest());
const leafHash = (entry: Uint8Array) => sha(Uint8Array.of(0), entry);
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha(Uint8Array.of(1), l, r);

/** RFC 9162 §2.1.3.2, verbatim. */
function rootFromProof(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: Uint8Array[],
): Uint8Array | undefined {
  if (index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : undefined;
}

const fakeLedger: LogInclusionChecker = {
  verifyCheckpoint(text, keys) {
    const [origin, size, root, signature] = text.split('\n');
    if (!keys.some((k) => signature === `— ${k.name}`)) return { ok: false, reason: 'no known signature' };
    return {
      ok: true,
      checkpoint: { origin: origin!, size: Number(size), root: new Uint8Array(Buffer.from(root!, 'base64')) },
    };
  },
  entryLeafHash: leafHash,
  verifyInclusion(leaf, index, treeSize, proof, root) {
    const computed = rootFromProof(leaf, index, treeSize, proof);
    return computed !== undefined && Buffer.from(computed).equals(root);
  },
};

const issuer = await makeIssuer();
const token = await issuer.label();
const labelId = 'urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const ledgerEntry = (type: 'label.issued' | 'label.revoked', subject: string, digest: string) =>
  encodeEntry({ v: 1, type, at: '2026-12-01T00:00:00.000Z', subject, digest });
const entry = ledgerEntry('label.issued', labelId, credentialDigest(token));
const others = [
  ledgerEntry('label.issued', 'urn:uuid:00000000-0000-4000-8000-000000000001', 'e'.repeat(64)),
  ledgerEntry('label.revoked', labelId, credentialDigest(token)),
];
// Tree of three leaves [other-1, our entry, other-2]; our leaf is index 1.
const [l0, l1, l2] = [others[0]!, entry, others[1]!].map((e) => leafHash(e)) as [
  Uint8Array,
  Uint8Array,
  Uint8Array,
];
const root = nodeHash(nodeHash(l0, l1), l2);
const proof = [l0, l2];
const logKeys: LogVerifierKey[] = [{ name: 'log.label.example', publicKey: new Uint8Array(32) }];
const checkpoint = (signer = 'log.label.example', r: Uint8Array = root) =>
  `log.label.example/labels\n3\n${Buffer.from(r).toString('base64')}\n— ${signer}`;

const opts = (
  inclusion: VerifyLabelOptions['inclusion'],
  extra: Partial<VerifyLabelOptions> = {},
): VerifyLabelOptions => ({
  didDocuments: [issuer.doc],
  now: at(1),
  inclusion,
  logKeys,
  logChecker: fakeLedger,
  logOrigin: 'log.label.example/labels',
  ...extra,
});

describe('verifyLabel with a log inclusion proof', () => {
  it('accepts a label whose entry is included under a signed checkpoint', async () => {
    const r = await verifyLabel(token, opts({ entry, leafIndex: 1, proof, checkpoint: checkpoint() }));
    assert.equal(r.status, 'valid', r.reasons.join(' '));
    assert.deepEqual(r.checks.log, { checked: true, included: true, treeSize: 3 });
  });

  it('accepts base64 strings for the entry and the proof', async () => {
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
    const r = await verifyLabel(
      token,
      opts({ entry: b64(entry), leafIndex: 1, proof: proof.map(b64), checkpoint: checkpoint() }),
    );
    assert.equal(r.status, 'valid');
  });

  it('refuses a checkpoint not signed by a known log key', async () => {
    const r = await verifyLabel(
      token,
      opts({ entry, leafIndex: 1, proof, checkpoint: checkpoint('rogue.example') }),
    );
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual(r.codes, ['log.checkpoint-invalid']);
  });

  it('refuses a checkpoint of another log', async () => {
    const r = await verifyLabel(
      token,
      opts({ entry, leafIndex: 1, proof, checkpoint: checkpoint() }, { logOrigin: 'other/log' }),
    );
    assert.deepEqual(r.codes, ['log.checkpoint-invalid']);
  });

  it('refuses an entry that is about another label, or is not its issuance', async () => {
    const cases: Array<[Uint8Array, number, Uint8Array[]]> = [
      [others[0]!, 0, [l1, l2]],
      [others[1]!, 2, [nodeHash(l0, l1)]],
    ];
    for (const [other, leafIndex, path] of cases) {
      const r = await verifyLabel(
        token,
        opts({ entry: other, leafIndex, proof: path, checkpoint: checkpoint() }),
      );
      assert.equal(r.status, 'bad-signature');
      assert.deepEqual(r.codes, ['log.entry-mismatch']);
    }
  });

  it('refuses a proof that does not reach the checkpoint root', async () => {
    for (const bad of [
      { entry, leafIndex: 2, proof, checkpoint: checkpoint() },
      { entry, leafIndex: 1, proof: [l2, l0], checkpoint: checkpoint() },
      { entry, leafIndex: 1, proof, checkpoint: checkpoint(undefined, l0) },
    ]) {
      const r = await verifyLabel(token, opts(bad));
      assert.equal(r.status, 'bad-signature');
      assert.deepEqual(r.codes, ['log.not-included']);
      assert.equal(r.checks.log.included, false);
    }
  });

  it('turns a checker exception into "not included"', async () => {
    const throwing = {
      ...fakeLedger,
      verifyInclusion: () => {
        throw new Error('bad proof');
      },
    };
    const r = await verifyLabel(
      token,
      opts({ entry, leafIndex: 1, proof, checkpoint: checkpoint() }, { logChecker: throwing }),
    );
    assert.deepEqual(r.codes, ['log.not-included']);
  });

  it('reports a revocation and a bad proof together, the bad proof first', async () => {
    const i = await makeIssuer(); // same seed, hence same key, as `issuer`
    i.revocation.set(4242);
    const r = await verifyLabel(
      token,
      opts({ entry, leafIndex: 2, proof, checkpoint: checkpoint() }, { statusLists: await i.lists() }),
    );
    assert.equal(r.status, 'bad-signature');
    assert.deepEqual([...r.codes].sort(), ['log.not-included', 'status.revoked']);
  });

  it('needs log keys when a proof is supplied', async () => {
    const inclusion = { entry, leafIndex: 1, proof, checkpoint: checkpoint() };
    await assert.rejects(verifyLabel(token, opts(inclusion, { logKeys: undefined })), TypeError);
  });
});
