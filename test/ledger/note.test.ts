/**
 * C2SP signed notes: the Go sumdb/note known answer (PeterNeumann), key IDs and vkeys, and every way
 * a note must be refused, with its reason and line.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { describe, test } from 'node:test';
import { LedgerError } from '../../src/ledger/errors.js';
import {
  keyHash,
  MAX_SIGNATURES,
  type NoteSigner,
  openNote,
  parseNote,
  parseVkey,
  signNote,
  verifierFromPublicKey,
  vkeyFromPublicKey,
} from '../../src/ledger/note.js';
import { b64, makeSigner, rawPublicKey } from './helpers.js';

// golang.org/x/mod/sumdb/note, note_test.go / package documentation.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY_B64 = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'; // 0x01 ‖ 32-byte seed
const PETER_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

function peterSigner(): NoteSigner {
  const seed = b64(PETER_SKEY_B64).subarray(1);
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return {
    keyName: 'PeterNeumann',
    publicKey: rawPublicKey(createPublicKey(privateKey)),
    sign: async (m) => new Uint8Array(sign(null, m, privateKey)),
  };
}

describe('known answers (Go sumdb/note)', () => {
  test('the key ID of PeterNeumann is c74f20a3', () => {
    const signer = peterSigner();
    assert.equal(keyHash('PeterNeumann', signer.publicKey), 0xc74f20a3);
    assert.equal(vkeyFromPublicKey('PeterNeumann', signer.publicKey), PETER_VKEY);
  });

  test('signing the reference text reproduces the reference note byte for byte', async () => {
    assert.equal(await signNote(PETER_TEXT, peterSigner()), PETER_NOTE);
  });

  test('the reference note verifies with the reference vkey', () => {
    const opened = openNote(PETER_NOTE, [parseVkey(PETER_VKEY)]);
    assert.ok(opened.ok);
    assert.equal(opened.note.text, PETER_TEXT);
    assert.deepEqual(
      opened.verifiedBy.map((s) => [s.keyName, s.keyHash, s.line]),
      [['PeterNeumann', 0xc74f20a3, 4]],
    );
    assert.ok(openNote(new TextEncoder().encode(PETER_NOTE), [parseVkey(PETER_VKEY)]).ok);
  });
});

describe('vkeys', () => {
  test('round trip', () => {
    const s = makeSigner('example.com/log');
    const v = parseVkey(vkeyFromPublicKey(s.keyName, s.publicKey));
    assert.equal(v.keyName, 'example.com/log');
    assert.deepEqual(v.publicKey, s.publicKey);
  });

  test('a key whose base64 contains + (transparency-dev/formats test key)', () => {
    const v = parseVkey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6');
    assert.equal(v.keyName, 'TEST');
    assert.equal(v.keyHash, 0x7997405c);
  });

  const refusals: [string, string, string][] = [
    ['two parts', 'PeterNeumann+c74f20a3', 'bad vkey'],
    ['a short key ID', 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'bad vkey'],
    [
      'a wrong key ID',
      'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'key hash mismatch',
    ],
    [
      'another name',
      'PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'key hash mismatch',
    ],
    [
      'an unknown algorithm',
      'PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'unsupported algorithm',
    ],
    ['a truncated key', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy', 'bad vkey'],
    ['bad base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T', 'bad vkey'],
    ['an empty name', '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'bad vkey'],
  ];
  for (const [name, vkey, reason] of refusals) {
    test(`refuses ${name} (${reason})`, () => assert.throws(() => parseVkey(vkey), { reason }));
  }

  test('refuses key names with spaces or +', () => {
    const pub = new Uint8Array(32).fill(7);
    for (const bad of ['', 'a b', 'a+b', 'a\u00a0b', 'a\tb']) {
      assert.throws(() => keyHash(bad, pub), { reason: 'bad key name' }, JSON.stringify(bad));
    }
    assert.throws(() => keyHash('ok', new Uint8Array(31)), { reason: 'bad public key' });
  });
});

describe('parsing refuses', () => {
  const sig = 'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
  const cases: [string, string | Uint8Array, string, number | undefined][] = [
    ['invalid UTF-8', Uint8Array.of(0x61, 0x0a, 0x0a, 0xff, 0x0a), 'not UTF-8', undefined],
    ['a carriage return', `a\r\nb\n\n— k ${sig}\n`, 'control character', 1],
    ['a tab on line 2', `a\nb\tc\n\n— k ${sig}\n`, 'control character', 2],
    ['a missing final newline', `a\n\n— k ${sig}`, 'missing final newline', 3],
    ['no blank line', `a\n— k ${sig}\n`, 'missing blank line', undefined],
    ['no signatures', 'a\nb\n\n', 'no signatures', 4],
    ['a hyphen for the em dash', `a\n\n- k ${sig}\n`, 'malformed signature line', 3],
    ['no signature after the name', 'a\n\n— k\n', 'malformed signature line', 3],
    ['a bad key name', `a\n\n— k+1 ${sig}\n`, 'bad key name', 3],
    ['bad base64', `a\n\n— k ${sig.slice(1)}\n`, 'bad base64', 3],
    ['a second bad line', `a\n\n— k ${sig}\n— k2 @@@@\n`, 'bad base64', 4],
    ['a signature too short', 'a\n\n— k AAAAAA==\n', 'signature too short', 3],
    ['a space before the newline', `a\n\n— k ${sig} \n`, 'bad base64', 3],
  ];
  for (const [name, note, reason, line] of cases) {
    test(`${name} (${reason})`, () => {
      assert.throws(
        () => parseNote(note),
        (err: unknown) => err instanceof LedgerError && err.reason === reason && err.line === line,
      );
      const opened = openNote(note, [parseVkey(PETER_VKEY)]);
      assert.equal(!opened.ok && opened.reason, reason);
    });
  }

  test(`more than ${MAX_SIGNATURES} signatures`, () => {
    const lines = `— k ${sig}\n`.repeat(MAX_SIGNATURES + 1);
    assert.throws(() => parseNote(`a\n\n${lines}`), { reason: 'too many signatures' });
    assert.equal(parseNote(`a\n\n${`— k ${sig}\n`.repeat(16)}`).signatures.length, 16);
  });

  test('a text may hold empty lines: the last blank line separates', () => {
    const n = parseNote(`a\n\nb\n\n— k ${sig}\n`);
    assert.equal(n.text, 'a\n\nb\n');
    assert.equal(n.signatures[0]!.line, 5);
  });
});

describe('verification', () => {
  const log = makeSigner('example.com/log');
  const witness = makeSigner('witness.example/w1');
  const logKey = verifierFromPublicKey(log.keyName, log.publicKey);

  test('ignores unknown keys but needs one known signature', async () => {
    const note = await signNote('hello\n', [witness, log]);
    const opened = openNote(note, [logKey]);
    assert.ok(opened.ok);
    assert.deepEqual(
      opened.verifiedBy.map((s) => s.keyName),
      ['example.com/log'],
    );
    const unknown = openNote(note, [parseVkey(PETER_VKEY)]);
    assert.equal(!unknown.ok && unknown.reason, 'no known signature');
  });

  test('a known key with a bad signature rejects the whole note', async () => {
    const good = await signNote('hello\n', [log, witness]);
    const tampered = good.replace('hello', 'hallo');
    const opened = openNote(tampered, [logKey, verifierFromPublicKey(witness.keyName, witness.publicKey)]);
    assert.equal(!opened.ok && opened.reason, 'invalid signature');
    assert.equal(!opened.ok && opened.line, 3);
  });

  test('same name, other key: ignored (names and IDs must both match)', async () => {
    const impostor = makeSigner('example.com/log');
    const note = await signNote('hello\n', impostor);
    const opened = openNote(note, [logKey]);
    assert.equal(!opened.ok && opened.reason, 'no known signature');
  });

  test('signing refuses bad text and a signer whose signature does not match its key', async () => {
    await assert.rejects(signNote('no newline', log), { reason: 'bad note text' });
    await assert.rejects(signNote('a\rb\n', log), { reason: 'control character' });
    await assert.rejects(signNote('a\n', []), { reason: 'no signers' });
    await assert.rejects(signNote('a\n', { ...log, sign: witness.sign }), { reason: 'signer mismatch' });
    await assert.rejects(signNote('a\n', { ...log, keyName: 'bad name' }), { reason: 'bad key name' });
  });
});
