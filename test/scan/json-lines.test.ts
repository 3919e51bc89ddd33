import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineCounter, parseDocument } from 'yaml';
import { jsonPointer, locateJsonPointers } from '../../src/scan/json-lines.js';

type Segment = string | number;

function allPaths(value: unknown, prefix: Segment[] = [], out: Segment[][] = []): Segment[][] {
  out.push(prefix);
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) allPaths(value[i], [...prefix, i], out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) allPaths(v, [...prefix, k], out);
  return out;
}

/** The slow oracle: a full YAML parse (JSON is YAML 1.2) with node positions. */
function oracle(text: string, paths: Segment[][]): Map<string, { line: number; column: number }> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const out = new Map<string, { line: number; column: number }>();
  for (const p of paths) {
    const node = (p.length === 0 ? doc.contents : doc.getIn(p, true)) as { range?: [number, number, number] };
    if (!node?.range) continue;
    const pos = lineCounter.linePos(node.range[0]);
    out.set(jsonPointer(p), { line: pos.line, column: pos.col });
  }
  return out;
}

describe('JSON pointer lines', () => {
  it('finds the same positions as a full parse, for any JSON and any layout', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(0, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const paths = allPaths(value);
        const expected = oracle(text, paths);
        const found = locateJsonPointers(
          text,
          paths.map((p) => jsonPointer(p)),
        );
        for (const [pointer, pos] of expected)
          assert.deepEqual(found.get(pointer), pos, `${pointer} in ${text}`);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes keys with slashes and tildes, and leaves out pointers that are not there', () => {
    const text = JSON.stringify({ 'a/b': { '~x': [1, { y: 2 }] } }, null, 2);
    const found = locateJsonPointers(text, ['/a~1b/~0x/1/y', '/nope', '/a~1b/~0x/7']);
    assert.deepEqual([...found.keys()], ['/a~1b/~0x/1/y']);
    assert.deepEqual(found.get('/a~1b/~0x/1/y'), { line: 6, column: 14 });
  });

  it('walks only towards the pointers asked for (the rest is skipped whole)', () => {
    const big = { skip: Array.from({ length: 1000 }, (_, i) => ({ i, s: 'x\n"}]' })), keep: { here: true } };
    const text = JSON.stringify(big, null, 1);
    const found = locateJsonPointers(text, ['/keep/here']);
    assert.equal(text.split('\n')[found.get('/keep/here')!.line - 1]!.trim(), '"here": true');
  });
});
