/**
 * The leaf entry format: canonical bytes (RFC 8785), strict decoding, and every refusal naming its field.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  decodeEntry,
  ENTRY_TYPES,
  encodeEntry,
  entryLeafHash,
  type LedgerEntry,
  MAX_ENTRY_BYTES,
} from '../../src/ledger/entry.js';
import { LedgerError } from '../../src/ledger/errors.js';
import { hex } from './helpers.js';

const DIGEST = 'ab'.repeat(32);
const entry: LedgerEntry = {
  v: 1,
  type: 'label.issued',
  at: '2025-03-01T10:00:00.000Z',
  subject: 'CDC-2025-0001',
  digest: DIGEST,
  data: { level: 'substantiel', é: 1, list: [true, null, 1.5] },
};
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('encoding', () => {
  test('is RFC 8785 canonical JSON (sorted keys, no spaces)', () => {
    assert.equal(
      text(encodeEntry(entry)),
      `{"at":"2025-03-01T10:00:00.000Z","data":{"level":"substantiel","list":[true,null,1.5],"é":1},` +
        `"digest":"${DIGEST}","subject":"CDC-2025-0001","type":"label.issued","v":1}`,
    );
  });

  test('the leaf hash is SHA-256(0x00 ‖ canonical bytes)', () => {
    const want = createHash('sha256').update(Uint8Array.of(0)).update(encodeEntry(entry)).digest('hex');
    assert.equal(hex(entryLeafHash(entry)), want);
  });

  test('the leaf hash of the stored bytes is the leaf hash of the entry', () => {
    assert.equal(hex(entryLeafHash(encodeEntry(entry))), hex(entryLeafHash(entry)));
  });

  test('key order of the input does not matter', () => {
    const shuffled = {
      digest: DIGEST,
      subject: entry.subject,
      at: entry.at,
      type: entry.type,
      data: entry.data,
      v: 1,
    } as const;
    assert.equal(hex(entryLeafHash(shuffled)), hex(entryLeafHash(entry)));
  });

  test('round trip for every type', () => {
    for (const type of ENTRY_TYPES) {
      const e: LedgerEntry = {
        ...entry,
        type,
        subject: type === 'referential.published' ? 'secnumcloud@3.2' : 'L-1',
      };
      assert.deepEqual(decodeEntry(encodeEntry(e)), e);
    }
  });

  test('round trip of arbitrary JSON data', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (data) => {
        const e: LedgerEntry = { ...entry, data };
        const encoded = encodeEntry(e);
        assert.deepEqual(encodeEntry(decodeEntry(encoded)), encoded);
      }),
      { numRuns: 300 },
    );
  });
});

describe('refuses', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['a non-object', [], /^\$: /],
    ['an unknown field', { ...entry, extra: 1 }, /^\$\.extra: unknown field/],
    ['version 2', { ...entry, v: 2 }, /^\$\.v: /],
    ['an unknown type', { ...entry, type: 'label.renewed' }, /^\$\.type: /],
    ['a date without zone', { ...entry, at: '2025-03-01T10:00:00' }, /^\$\.at: /],
    ['a local-offset date', { ...entry, at: '2025-03-01T10:00:00+01:00' }, /^\$\.at: /],
    ['the 30th of February', { ...entry, at: '2025-02-30T10:00:00Z' }, /^\$\.at: .*not a valid date/],
    ['hour 24', { ...entry, at: '2025-02-03T24:00:00Z' }, /^\$\.at: /],
    ['a numeric date', { ...entry, at: 1740823200000 }, /^\$\.at: must be a string/],
    ['an empty subject', { ...entry, subject: '' }, /^\$\.subject: /],
    ['a subject with a space', { ...entry, subject: 'L 1' }, /^\$\.subject: /],
    ['a label id with @', { ...entry, subject: 'L@1' }, /^\$\.subject: /],
    [
      'a referential without version',
      { ...entry, type: 'referential.published', subject: 'secnumcloud' },
      /^\$\.subject: /,
    ],
    ['an uppercase digest', { ...entry, digest: DIGEST.toUpperCase() }, /^\$\.digest: /],
    ['a short digest', { ...entry, digest: 'ab' }, /^\$\.digest: /],
    ['array data', { ...entry, data: [] }, /^\$\.data: must be an object/],
    ['undefined in data', { ...entry, data: { a: undefined } }, /^\$\.data\["a"\]: undefined/],
    ['a function in data', { ...entry, data: { f: () => 1 } }, /^\$\.data\["f"\]: function/],
    ['a Date in data', { ...entry, data: { d: new Date(0) } }, /plain JSON objects/],
    ['NaN in data', { ...entry, data: { n: [Number.NaN] } }, /^\$\.data\["n"\]\[0\]: numbers must be finite/],
    ['a lone surrogate', { ...entry, data: { s: '\ud800' } }, /unpaired surrogates/],
    ['a huge entry', { ...entry, data: { s: 'x'.repeat(MAX_ENTRY_BYTES) } }, /at most/],
  ];
  for (const [name, value, message] of invalid) {
    test(`${name} when encoding`, () => {
      assert.throws(
        () => encodeEntry(value as LedgerEntry),
        (err: unknown) =>
          err instanceof LedgerError && err.reason === 'bad entry' && message.test(err.message),
      );
    });
  }

  test('deep nesting', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = { d: deep };
    assert.throws(() => encodeEntry({ ...entry, data: deep as Record<string, unknown> }), /nested deeper/);
  });

  const canonical = text(encodeEntry(entry));
  const undecodable: [string, Uint8Array, RegExp][] = [
    ['invalid UTF-8', Uint8Array.of(0x7b, 0xff, 0x7d), /not valid UTF-8/],
    ['a byte-order mark', bytes(`\ufeff${canonical}`), /not JSON/],
    ['truncated JSON', bytes(canonical.slice(0, -1)), /not JSON/],
    ['whitespace', bytes(canonical.replace(',', ', ')), /canonical/],
    [
      'another key order',
      bytes(
        canonical
          .replace('{"at":"2025-03-01T10:00:00.000Z",', '{')
          .replace(/}$/, ',"at":"2025-03-01T10:00:00.000Z"}'),
      ),
      /canonical/,
    ],
    ['a duplicate key', bytes(canonical.replace('"v":1}', '"v":1,"v":1}')), /canonical/],
    ['an escaped character', bytes(canonical.replace('CDC', '\\u0043DC')), /canonical/],
    ['a number spelled 1.0', bytes(canonical.replace('"v":1', '"v":1.0')), /canonical/],
    ['a valid JSON but invalid entry', bytes('{"v":1}'), /\$\.type/],
  ];
  for (const [name, input, message] of undecodable) {
    test(`${name} when decoding`, () => {
      assert.throws(
        () => decodeEntry(input),
        (err: unknown) =>
          err instanceof LedgerError && err.reason === 'bad entry' && message.test(err.message),
      );
    });
  }
});
