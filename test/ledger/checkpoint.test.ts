/**
 * C2SP tlog-checkpoint: round trips, the spec's own example, and each malformation with its reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogInclusionChecker } from '../../src/credentials/verify-log.js';
import {
  type Checkpoint,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from '../../src/ledger/checkpoint.js';
import { LedgerError } from '../../src/ledger/errors.js';
import * as ledger from '../../src/ledger/index.js';
import { MemoryTree } from '../../src/ledger/memory.js';
import { vkeyFromPublicKey } from '../../src/ledger/note.js';
import { hex, leaves, makeSigner } from './helpers.js';

const ORIGIN = 'confiance.example.fr/log';
const log = makeSigner(ORIGIN);
const other = makeSigner('other.example/log');
const VKEY = vkeyFromPublicKey(log.keyName, log.publicKey);
const tree = MemoryTree.from(leaves(10));
const cp: Checkpoint = { origin: ORIGIN, size: 10, root: tree.root() };

describe('format', () => {
  test('the body is origin, size, base64 root and extension lines', () => {
    const body = formatCheckpoint({ ...cp, extensions: ['Timestamp: 1700000000'] });
    assert.equal(body, `${ORIGIN}\n10\n${Buffer.from(cp.root).toString('base64')}\nTimestamp: 1700000000\n`);
  });

  test('the C2SP example parses', () => {
    const example =
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
      '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
    const parsed = parseCheckpoint(example);
    assert.equal(parsed.origin, 'example.com/behind-the-sofa');
    assert.equal(parsed.size, 20852163);
    assert.equal(hex(parsed.root).length, 64);
    assert.deepEqual(parsed.extensions, []);
    assert.equal(parsed.signatures[0]!.keyName, 'example.com/behind-the-sofa');
    assert.equal(parsed.signatures[0]!.keyHash, 0x033de0ae);
  });

  const refusals: [string, () => unknown, string][] = [
    ['an empty origin', () => formatCheckpoint({ ...cp, origin: '' }), 'empty origin'],
    ['a two-line origin', () => formatCheckpoint({ ...cp, origin: 'a\nb' }), 'bad origin'],
    ['a negative size', () => formatCheckpoint({ ...cp, size: -1 }), 'bad tree size'],
    ['a 31-byte root', () => formatCheckpoint({ ...cp, root: cp.root.subarray(1) }), 'bad root hash'],
    ['an empty extension line', () => formatCheckpoint({ ...cp, extensions: [''] }), 'empty extension line'],
  ];
  for (const [name, run, reason] of refusals) test(`refuses ${name}`, () => assert.throws(run, { reason }));
});

describe('sign and verify', () => {
  test('round trip', async () => {
    const note = await signCheckpoint({ ...cp, extensions: ['x'] }, log);
    const v = verifyCheckpoint(note, [VKEY], { origin: ORIGIN });
    assert.ok(v.ok, JSON.stringify(v));
    assert.equal(v.checkpoint.size, 10);
    assert.equal(hex(v.checkpoint.root), hex(cp.root));
    assert.deepEqual(v.checkpoint.extensions, ['x']);
    assert.deepEqual(v.verifiedBy, [ORIGIN]);
  });

  test('any key of the verifier list will do; unknown cosigners are ignored', async () => {
    const note = await signCheckpoint(cp, [other, log]);
    const keys = [vkeyFromPublicKey(other.keyName, other.publicKey), VKEY];
    const both = verifyCheckpoint(note, keys);
    assert.ok(both.ok);
    assert.deepEqual(both.verifiedBy, ['other.example/log', ORIGIN]);
    assert.ok(verifyCheckpoint(note, [VKEY]).ok);
  });

  test('trusted keys may be raw public keys with their names', async () => {
    const note = await signCheckpoint(cp, log);
    assert.ok(verifyCheckpoint(note, [{ name: ORIGIN, publicKey: log.publicKey }]).ok);
    assert.ok(verifyCheckpoint(note, [{ keyName: ORIGIN, publicKey: log.publicKey }]).ok);
    assert.ok(verifyCheckpoint(note, [log]).ok, 'the public half of a NoteSigner');
    const v = verifyCheckpoint(note, [{ name: 'someone.else', publicKey: log.publicKey }]);
    assert.equal(!v.ok && v.reason, 'no known signature');
  });

  test('the ledger module is the checker the offline label verifier expects', async () => {
    // Compile-time contract with src/credentials/verify-log.ts, plus one real call through it.
    const checker: LogInclusionChecker = ledger;
    const note = await signCheckpoint(cp, log);
    const v = checker.verifyCheckpoint(note, [{ name: ORIGIN, publicKey: log.publicKey }]);
    assert.ok(v.ok && v.checkpoint?.size === 10);
  });

  test('the signer callback sees exactly the body bytes', async () => {
    let seen = '';
    await signCheckpoint(cp, {
      ...log,
      sign: async (m) => {
        seen = new TextDecoder().decode(m);
        return log.sign(m);
      },
    });
    assert.equal(seen, formatCheckpoint(cp));
  });
});

/** Changes one base64 character well inside the text (never a padding bit). */
function flipChar(text: string, at: number): string {
  return text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
}

describe('verification refuses', async () => {
  const note = await signCheckpoint(cp, log);
  const [body, sigBlock] = [note.slice(0, note.indexOf('\n\n') + 1), note.slice(note.indexOf('\n\n') + 2)];
  const rootB64 = Buffer.from(cp.root).toString('base64');
  const cases: [string, string, string, number | undefined][] = [
    ['a tampered size', note.replace('\n10\n', '\n11\n'), 'invalid signature', 5],
    [
      'a tampered root',
      note.replace(rootB64, Buffer.from(leaves(1)[0]!).toString('base64')),
      'invalid signature',
      5,
    ],
    ['a tampered signature', flipChar(note, note.length - 20), 'invalid signature', 5],
    ['a truncated note', note.slice(0, -10), 'missing final newline', 5],
    ['a note cut after the body', body, 'missing blank line', undefined],
    ['a missing blank line', body + sigBlock, 'missing blank line', undefined],
    ['a signature in bad base64', note.replace(/ (\S+)\n$/, ' $1$\n'), 'bad base64', 5],
    ['a root in bad base64', note.replace(rootB64, rootB64.slice(0, -2) + '=='), 'bad root hash', 3],
    ['a short root', note.replace(rootB64, Buffer.alloc(31).toString('base64')), 'bad root hash', 3],
    ['a leading zero in the size', note.replace('\n10\n', '\n010\n'), 'bad tree size', 2],
    ['a signed-looking hex size', note.replace('\n10\n', '\n0xa\n'), 'bad tree size', 2],
    ['a size beyond 2^53', note.replace('\n10\n', '\n9007199254740993\n'), 'bad tree size', 2],
    ['two lines only', `${ORIGIN}\n10\n\n${sigBlock}`, 'too few lines', undefined],
    ['an empty origin', note.replace(`${ORIGIN}\n`, '\n'), 'empty origin', 1],
    ['CRLF line ends', note.replaceAll('\n', '\r\n'), 'control character', 1],
  ];
  for (const [name, text, reason, line] of cases) {
    test(`${name} (${reason})`, () => {
      const v = verifyCheckpoint(text, [VKEY]);
      assert.equal(v.ok, false);
      assert.equal(!v.ok && v.reason, reason, !v.ok ? v.message : '');
      assert.equal(!v.ok && v.line, line);
    });
  }

  test('a checkpoint signed by another key (no known signature)', async () => {
    const forged = await signCheckpoint(cp, other);
    const v = verifyCheckpoint(forged, [VKEY]);
    assert.equal(!v.ok && v.reason, 'no known signature');
  });

  test('a checkpoint from another log (origin mismatch)', async () => {
    const foreign = await signCheckpoint({ ...cp, origin: 'elsewhere.example/log' }, log);
    const v = verifyCheckpoint(foreign, [VKEY], { origin: ORIGIN });
    assert.equal(!v.ok && v.reason, 'origin mismatch');
  });

  test('parseCheckpoint throws LedgerError with the line', () => {
    assert.throws(
      () => parseCheckpoint(note.replace('\n10\n', '\n-1\n')),
      (err: unknown) => err instanceof LedgerError && err.reason === 'bad tree size' && err.line === 2,
    );
  });

  test('a bad vkey is a configuration error and throws', () => {
    assert.throws(() => verifyCheckpoint(note, ['nonsense']), { reason: 'bad vkey' });
  });
});
