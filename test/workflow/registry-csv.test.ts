import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { csvField, csvLine } from '../../src/workflow/registry/export.js';

/** A minimal RFC 4180 reader, enough to read back what csvLine writes. */
function readLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else field += line[i++];
      }
    } else {
      while (i < line.length && line[i] !== ',' && !line.startsWith('\r\n', i)) field += line[i++];
    }
    fields.push(field);
    if (line[i] === ',') i++;
    else return fields;
  }
}

describe('registry CSV export', () => {
  it('neutralises fields a spreadsheet would run as formulas', () => {
    assert.equal(csvField('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
    assert.equal(csvField('+33 1 23'), "'+33 1 23");
    assert.equal(csvField('-1'), "'-1");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('\tcmd'), "'\tcmd");
    assert.equal(csvField('Cloud Temple'), 'Cloud Temple');
  });

  it('reads back every field, formulas defused and nothing else changed', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 6 }), (fields) => {
        const back = readLine(csvLine(fields));
        assert.deepEqual(
          back,
          fields.map((f) => (/^[=+\-@\t\r]/.test(f) ? `'${f}` : f)),
        );
      }),
    );
  });
});
