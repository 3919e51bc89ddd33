import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { MIN_STATUS_LIST_ENTRIES, StatusBitstring, StatusListError } from '../../src/credentials/index.js';

describe('StatusBitstring', () => {
  it('defaults to 131,072 entries and refuses fewer', () => {
    assert.equal(MIN_STATUS_LIST_ENTRIES, 131_072);
    assert.equal(new StatusBitstring().length, 131_072);
    assert.equal(new StatusBitstring(262_144).length, 262_144);
    for (const bad of [131_064, 131_073, 0, -8, 1.5])
      assert.throws(() => new StatusBitstring(bad), RangeError);
  });

  it('puts index 0 in the left-most bit of the first byte', () => {
    const list = new StatusBitstring();
    list.set(0);
    list.set(9);
    const bytes = list.toBytes();
    assert.equal(bytes[0], 0b1000_0000);
    assert.equal(bytes[1], 0b0100_0000);
    list.set(0, false);
    assert.equal(list.get(0), false);
    assert.equal(list.get(9), true);
  });

  it('refuses indexes outside the list', () => {
    const list = new StatusBitstring();
    for (const bad of [-1, 131_072, 1.5, Number.NaN]) {
      assert.throws(() => list.get(bad), RangeError);
      assert.throws(() => list.set(bad), RangeError);
    }
  });

  it('encodes as multibase base64url of GZIP, and round-trips', () => {
    const list = new StatusBitstring();
    for (const i of [0, 1, 7, 8, 4242, 131_071]) list.set(i);
    const encoded = list.encode();
    assert.match(encoded, /^u[A-Za-z0-9_-]+$/);
    const raw = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    assert.deepEqual(new Uint8Array(raw), list.toBytes());
    const back = StatusBitstring.decode(encoded);
    assert.deepEqual(back.toBytes(), list.toBytes());
    assert.equal(encoded, list.encode(), 'deterministic encoding');
  });

  it('decodes the example of the W3C Recommendation', () => {
    const list = StatusBitstring.decode(
      'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
    );
    assert.equal(list.length, 131_072);
    assert.equal(
      list.toBytes().some((b) => b !== 0),
      false,
    );
  });

  it('refuses a GZIP bomb without inflating it', () => {
    const bomb = `u${gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64url')}`;
    assert.ok(bomb.length < 100_000, 'the bomb is small on the wire');
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => StatusBitstring.decode(bomb), /expands beyond/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024);
    assert.throws(() => StatusBitstring.decode(bomb, { maxDecodedBytes: 1024 * 1024 }), StatusListError);
  });

  it('refuses malformed encodings', () => {
    const short = `u${gzipSync(Buffer.alloc(1024)).toString('base64url')}`;
    const good = new StatusBitstring().encode();
    const cases = [
      good.slice(1),
      `z${good.slice(1)}`,
      'u!!!!',
      `u${Buffer.from('not gzip').toString('base64url')}`,
      short,
      42,
    ];
    for (const bad of cases)
      assert.throws(() => StatusBitstring.decode(bad as string), StatusListError, String(bad));
  });

  it('matches a reference boolean array under any sequence of set/unset (property)', () => {
    const size = MIN_STATUS_LIST_ENTRIES;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: size - 1 }), fc.boolean()), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: size - 1 }), { maxLength: 50 }),
        (ops, probes) => {
          const list = new StatusBitstring(size);
          const reference = new Array<boolean>(size).fill(false);
          for (const [i, v] of ops) {
            list.set(i, v);
            reference[i] = v;
          }
          for (const i of [...probes, ...ops.map(([j]) => j)]) assert.equal(list.get(i), reference[i]);
          const back = StatusBitstring.decode(list.encode());
          for (const [i] of ops) assert.equal(back.get(i), reference[i]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
