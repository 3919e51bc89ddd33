/**
 * The full-log audit: a clean log passes, and each kind of divergence is reported at the right place.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AuditInput, type AuditResult, auditLog } from '../../src/ledger/audit.js';
import { signCheckpoint } from '../../src/ledger/checkpoint.js';
import { encodeEntry, type LedgerEntry } from '../../src/ledger/entry.js';
import { MemoryTree } from '../../src/ledger/memory.js';
import { leafHash } from '../../src/ledger/merkle.js';
import { vkeyFromPublicKey } from '../../src/ledger/note.js';
import { makeSigner, sha256hex } from './helpers.js';

const ORIGIN = 'confiance.example.fr/log';
const log = makeSigner(ORIGIN);
const VKEY = vkeyFromPublicKey(log.keyName, log.publicKey);

function entry(i: number, salt = ''): Uint8Array {
  const e: LedgerEntry = {
    v: 1,
    type: i % 5 === 4 ? 'label.suspended' : 'label.issued',
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    subject: `L-${i}`,
    digest: sha256hex(`credential ${i}${salt}`),
  };
  return encodeEntry(e);
}

const N = 40;
const entries = Array.from({ length: N }, (_, i) => entry(i));
const tree = MemoryTree.from(entries.map(leafHash));
const SIZES = [0, 1, 7, 16, 23, 40];

async function checkpointAt(size: number, t: MemoryTree = tree, signer = log): Promise<string> {
  return signCheckpoint({ origin: ORIGIN, size, root: t.root(size) }, signer);
}
const checkpoints = await Promise.all(SIZES.map((s) => checkpointAt(s)));

function audit(overrides: Partial<AuditInput> = {}): Promise<AuditResult> {
  return auditLog({ leaves: entries, checkpoints, verifierKeys: [VKEY], origin: ORIGIN, ...overrides });
}

function failed(r: AuditResult): Extract<AuditResult, { ok: false }> {
  assert.equal(r.ok, false, 'the audit should fail');
  return r as Extract<AuditResult, { ok: false }>;
}

describe('a clean log', () => {
  test('passes, from an array of entries', async () => {
    const r = await audit();
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(r.size, N);
    assert.equal(r.checkpoints, SIZES.length);
    assert.deepEqual(r.root, tree.root());
  });

  test('passes, streamed from an async generator of leaf hashes, with progress', async () => {
    async function* stream() {
      for (const e of entries) yield leafHash(e);
    }
    const seen: number[] = [];
    const r = await audit({
      leaves: stream(),
      leafFormat: 'hashes',
      progressEvery: 10,
      onProgress: (n) => seen.push(n),
    });
    assert.ok(r.ok);
    assert.deepEqual(seen, [10, 20, 30, 40]);
  });

  test('passes with checkpoints stored in any order, and with none', async () => {
    assert.ok((await audit({ checkpoints: [...checkpoints].reverse() })).ok);
    assert.ok((await audit({ checkpoints: [] })).ok);
  });

  test('an empty log with its empty checkpoint passes', async () => {
    assert.ok((await audit({ leaves: [], checkpoints: [checkpoints[0]!] })).ok);
  });
});

describe('divergences', () => {
  test('a modified leaf: root mismatch at the first checkpoint covering it', async () => {
    const modified = [...entries];
    modified[18] = entry(18, ' (tampered)');
    const f = failed(await audit({ leaves: modified }));
    assert.equal(f.kind, 'root-mismatch');
    assert.equal(f.at.checkpointIndex, SIZES.indexOf(23));
    assert.deepEqual(f.at.leafRange, [16, 23]);
    assert.match(f.message, /\[16, 23\)/);
  });

  test('a removed leaf: root mismatch, then nothing else is blamed', async () => {
    const f = failed(await audit({ leaves: entries.filter((_, i) => i !== 3) }));
    assert.equal(f.kind, 'root-mismatch');
    assert.equal(f.at.checkpointIndex, SIZES.indexOf(7));
    assert.deepEqual(f.at.leafRange, [1, 7]);
  });

  test('a forged checkpoint (signed by another key): bad signature at its index', async () => {
    const forger = makeSigner(ORIGIN);
    const forged = [...checkpoints];
    forged[3] = await checkpointAt(16, tree, forger);
    const f = failed(await audit({ checkpoints: forged }));
    assert.equal(f.kind, 'bad-signature');
    assert.equal(f.at.checkpointIndex, 3);
  });

  test('a tampered checkpoint: bad signature at its index and line', async () => {
    const tampered = [...checkpoints];
    tampered[4] = tampered[4]!.replace('\n23\n', '\n24\n');
    const f = failed(await audit({ checkpoints: tampered }));
    assert.equal(f.kind, 'bad-signature');
    assert.equal(f.at.checkpointIndex, 4);
    assert.equal(f.at.line, 5);
  });

  test('a malformed checkpoint or another origin: bad checkpoint', async () => {
    const malformed = [...checkpoints];
    malformed[2] = malformed[2]!.replace('\n\n', '\n');
    assert.equal(failed(await audit({ checkpoints: malformed })).kind, 'bad-checkpoint');
    const foreign = [await signCheckpoint({ origin: 'other.example', size: 1, root: tree.root(1) }, log)];
    const f = failed(await audit({ checkpoints: foreign }));
    assert.equal(f.kind, 'bad-checkpoint');
    assert.equal(f.at.checkpointIndex, 0);
  });

  test('a checkpoint larger than the log: size beyond log', async () => {
    const f = failed(await audit({ leaves: entries.slice(0, 30) }));
    assert.equal(f.kind, 'size-beyond-log');
    assert.equal(f.at.checkpointIndex, SIZES.indexOf(40));
    assert.equal(f.at.leafIndex, 30);
  });

  test('two checkpoints from forked trees: inconsistent at the fork', async () => {
    // The fork shares the first 10 leaves and then differs; the log signed its head at 20.
    const forkEntries = entries.map((e, i) => (i < 10 ? e : entry(i, ' (fork)')));
    const fork = MemoryTree.from(forkEntries.map(leafHash));
    const withFork = [...checkpoints, await checkpointAt(20, fork)];
    const f = failed(await audit({ checkpoints: withFork }));
    assert.equal(f.kind, 'inconsistent');
    assert.equal(f.at.checkpointIndex, SIZES.length, 'the fork checkpoint');
    assert.equal(f.at.otherCheckpointIndex, SIZES.indexOf(23), 'the next checkpoint that matches the log');

    // Audited against the fork's leaves instead, the same pair is blamed the other way round: the
    // audit proves that the key signed two histories; the leaves at hand decide which is the odd one.
    const g = failed(await audit({ leaves: forkEntries, checkpoints: withFork }));
    assert.equal(g.kind, 'inconsistent');
    assert.equal(g.at.checkpointIndex, SIZES.indexOf(16));
    assert.equal(g.at.otherCheckpointIndex, SIZES.length);
  });

  test('two different checkpoints for the same size: inconsistent', async () => {
    const fork = MemoryTree.from(entries.map((e, i) => leafHash(i === 5 ? entry(5, '!') : e)));
    const equivocation = [...checkpoints, await checkpointAt(16, fork)];
    const f = failed(await audit({ checkpoints: equivocation }));
    assert.equal(f.kind, 'inconsistent');
    assert.equal(f.at.checkpointIndex, SIZES.length);
    assert.equal(f.at.otherCheckpointIndex, SIZES.indexOf(16));
  });

  test('a leaf that is not a valid entry: bad entry at its index', async () => {
    const bad = [...entries];
    bad[12] = new TextEncoder().encode('{"v":1}');
    const f = failed(await audit({ leaves: bad }));
    assert.equal(f.kind, 'bad-entry');
    assert.equal(f.at.leafIndex, 12);
    assert.match(f.message, /leaf 12: \$\.type/);
  });

  test('a bad entry after an earlier mismatch: the mismatch is reported', async () => {
    const bad = [...entries];
    bad[2] = entry(2, 'x');
    bad[30] = new TextEncoder().encode('not json');
    const f = failed(await audit({ leaves: bad }));
    assert.equal(f.kind, 'root-mismatch');
    assert.equal(f.at.checkpointIndex, SIZES.indexOf(7));
  });

  test('a leaf hash of the wrong size in hashes mode: bad entry', async () => {
    const hashes = entries.map(leafHash);
    hashes[4] = hashes[4]!.subarray(1);
    const f = failed(await audit({ leaves: hashes, leafFormat: 'hashes' }));
    assert.equal(f.kind, 'bad-entry');
    assert.equal(f.at.leafIndex, 4);
  });

  test('a bad leaf hash after an earlier mismatch: the mismatch is reported', async () => {
    const hashes = entries.map(leafHash);
    hashes[2] = leafHash(entry(2, 'x'));
    hashes[30] = new Uint8Array(3);
    const f = failed(await audit({ leaves: hashes, leafFormat: 'hashes' }));
    assert.equal(f.kind, 'root-mismatch');
    assert.deepEqual(f.at.leafRange, [1, 7]);
  });
});
