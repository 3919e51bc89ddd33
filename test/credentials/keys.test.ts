import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { calculateJwkThumbprint, compactVerify, importJWK } from 'jose';
import {
  FileKeyProvider,
  type KeyProvider,
  MemoryKeyProvider,
  signCompact,
} from '../../src/credentials/index.js';
import { at, seededRandom, T0 } from './helpers.js';

const root = await mkdtemp(join(tmpdir(), 'confiance-keys-'));
after(() => rm(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `k${n++}`, 'keys');
const mode = async (path: string) => (await stat(path)).mode & 0o777;

async function assertSignsVerifiably(provider: KeyProvider) {
  const key = provider.activeKey();
  const jws = await signCompact({ alg: 'EdDSA', kid: key.kid }, 'hello', (d) => provider.sign(key.kid, d));
  const { payload } = await compactVerify(jws, await importJWK(key.publicJwk, 'EdDSA'), {
    algorithms: ['EdDSA'],
  });
  assert.equal(Buffer.from(payload).toString(), 'hello');
}

describe('MemoryKeyProvider', () => {
  it('uses the RFC 7638 thumbprint as kid and signs with Ed25519', async () => {
    const p = await MemoryKeyProvider.create(T0);
    const key = p.activeKey();
    assert.equal(key.kid, await calculateJwkThumbprint(key.publicJwk));
    assert.equal(key.alg, 'EdDSA');
    assert.deepEqual(Object.keys(key.publicJwk).sort(), ['crv', 'kty', 'x']);
    assert.equal(key.createdAt, '2026-12-01T00:00:00Z');
    await assertSignsVerifiably(p);
    assert.equal((await p.sign(key.kid, new Uint8Array(10))).length, 64);
  });

  it('is deterministic with injected randomness', async () => {
    const a = await MemoryKeyProvider.create(T0, { randomBytes: seededRandom('x') });
    const b = await MemoryKeyProvider.create(T0, { randomBytes: seededRandom('x') });
    assert.equal(a.activeKey().kid, b.activeKey().kid);
  });

  it('rotates: new active key, old one retired and unable to sign', async () => {
    const p = await MemoryKeyProvider.create(T0);
    const first = p.activeKey();
    const second = await p.rotate(at(1));
    assert.notEqual(first.kid, second.kid);
    assert.equal(p.activeKey().kid, second.kid);
    const keys = p.keys();
    assert.equal(keys.length, 2);
    assert.equal(keys[0]!.retiredAt, '2026-12-02T00:00:00Z');
    assert.equal(keys[1]!.retiredAt, undefined);
    await assert.rejects(p.sign(first.kid, new Uint8Array(1)), /retired/);
    await assert.rejects(p.sign('no-such-kid', new Uint8Array(1)), /unknown key/);
    await assertSignsVerifiably(p);
  });

  it('refuses to rotate back in time', async () => {
    const p = await MemoryKeyProvider.create(T0);
    await assert.rejects(p.rotate(at(-1)), RangeError);
  });

  it('never prints key material', async () => {
    const p = await MemoryKeyProvider.create(T0);
    for (const text of [inspect(p, { depth: 10, showHidden: true }), String(p), JSON.stringify(p)]) {
      assert.doesNotMatch(text, /PRIVATE|BEGIN|"d"/);
      assert.match(text, new RegExp(p.activeKey().kid));
    }
  });
});

describe('FileKeyProvider', () => {
  it('creates a 0700 directory, a 0600 PKCS#8 key and an index on first use', async () => {
    const dir = freshDir();
    const p = await FileKeyProvider.open(dir, T0);
    const kid = p.activeKey().kid;
    assert.equal(await mode(dir), 0o700);
    assert.equal(await mode(join(dir, `${kid}.pem`)), 0o600);
    assert.match(await readFile(join(dir, `${kid}.pem`), 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    const index = JSON.parse(await readFile(join(dir, 'keys.json'), 'utf8'));
    assert.equal(index.version, 1);
    assert.deepEqual(
      index.keys.map((k: { kid: string; status: string }) => [k.kid, k.status]),
      [[kid, 'active']],
    );
    assert.equal(JSON.stringify(index).includes('PRIVATE'), false);
    await assertSignsVerifiably(p);
  });

  it('finds the same keys when reopened, and keeps them across rotation', async () => {
    const dir = freshDir();
    const p1 = await FileKeyProvider.open(dir, T0);
    const first = p1.activeKey();
    const second = await p1.rotate(at(1));
    assert.equal(await mode(join(dir, `${second.kid}.pem`)), 0o600);
    const p2 = await FileKeyProvider.open(dir, at(2));
    assert.deepEqual(p2.keys(), p1.keys());
    assert.equal(p2.activeKey().kid, second.kid);
    assert.equal(p2.keys()[0]!.kid, first.kid);
    assert.equal(p2.keys()[0]!.retiredAt, '2026-12-02T00:00:00Z');
    await assert.rejects(p2.sign(first.kid, new Uint8Array(1)), /retired/);
    await assertSignsVerifiably(p2);
  });

  it('keeps the index intact when a crash hits a rotation before the index is committed', async () => {
    const dir = freshDir();
    const before = await FileKeyProvider.open(dir, T0);
    const indexBefore = await readFile(join(dir, 'keys.json'), 'utf8');
    const crashing = await FileKeyProvider.open(dir, T0, {
      beforeIndexCommit: () => {
        throw new Error('simulated crash');
      },
    });
    await assert.rejects(crashing.rotate(at(1)), /simulated crash/);
    // The failed provider did not switch keys in memory either.
    assert.equal(crashing.activeKey().kid, before.activeKey().kid);
    assert.equal(await readFile(join(dir, 'keys.json'), 'utf8'), indexBefore);
    // The half-done rotation left a temporary index and an orphan key; reopening ignores both.
    const leftovers = await readdir(dir);
    assert.ok(leftovers.some((f) => f.endsWith('.tmp')));
    assert.equal(leftovers.filter((f) => f.endsWith('.pem')).length, 2);
    const reopened = await FileKeyProvider.open(dir, at(2));
    assert.equal(reopened.activeKey().kid, before.activeKey().kid);
    assert.equal(reopened.keys().length, 1);
    assert.equal(
      (await readdir(dir)).some((f) => f.endsWith('.tmp')),
      false,
    );
  });

  it('refuses a private key readable by group or others, naming the file', async () => {
    const dir = freshDir();
    const p = await FileKeyProvider.open(dir, T0);
    const file = join(dir, `${p.activeKey().kid}.pem`);
    for (const bad of [0o644, 0o640, 0o604]) {
      await chmod(file, bad);
      await assert.rejects(FileKeyProvider.open(dir, T0), (error: Error) => {
        assert.ok(error.message.includes(file), error.message);
        assert.match(error.message, /group\/others/);
        assert.doesNotMatch(error.message, /BEGIN/);
        return true;
      });
    }
    await chmod(file, 0o600);
    await FileKeyProvider.open(dir, T0);
  });

  it('refuses a retired key file that became world-readable', async () => {
    const dir = freshDir();
    const p = await FileKeyProvider.open(dir, T0);
    const old = p.activeKey().kid;
    await p.rotate(at(1));
    await chmod(join(dir, `${old}.pem`), 0o644);
    await assert.rejects(FileKeyProvider.open(dir, at(2)), new RegExp(`${old}\\.pem`));
  });

  it('refuses a key directory open to group or others', async () => {
    const dir = freshDir();
    await FileKeyProvider.open(dir, T0);
    await chmod(dir, 0o755);
    await assert.rejects(FileKeyProvider.open(dir, T0), /Refusing to use key directory .*chmod 700/);
  });

  it('refuses a key file that does not match its kid', async () => {
    const dir = freshDir();
    const p = await FileKeyProvider.open(dir, T0);
    const other = freshDir();
    const q = await FileKeyProvider.open(other, T0);
    const stolen = await readFile(join(other, `${q.activeKey().kid}.pem`), 'utf8');
    const file = join(dir, `${p.activeKey().kid}.pem`);
    await writeFile(file, stolen, { mode: 0o600 });
    await assert.rejects(FileKeyProvider.open(dir, T0), /does not match kid/);
  });

  it('refuses a corrupt index instead of silently creating a new key', async () => {
    const dir = freshDir();
    await FileKeyProvider.open(dir, T0);
    await writeFile(join(dir, 'keys.json'), '{"version":1,"keys":[]}');
    await assert.rejects(FileKeyProvider.open(dir, T0), /not a version 1 key index/);
  });

  it('never prints key material', async () => {
    const p = await FileKeyProvider.open(freshDir(), T0);
    for (const text of [inspect(p, { depth: 10, showHidden: true }), String(p), JSON.stringify(p)]) {
      assert.doesNotMatch(text, /PRIVATE|BEGIN|"d"/);
    }
  });
});
