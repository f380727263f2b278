import fc from 'fast-check';
import { isGraphError } from '../error.js';
import { ArrayStringTable } from '../model/string-table.js';
import { utf8Strings } from './utf8.js';

/** The table as UTF-8, one string after another, with each string's end. */
function reference(values: string[]): { blob: Buffer; ends: number[] } {
  const parts = values.map((s) => Buffer.from(s, 'utf8'));
  let end = 0;
  return { blob: Buffer.concat(parts), ends: parts.map((p) => (end += p.length)) };
}

describe('utf8Strings', () => {
  it('encodes any table of well-formed strings, ASCII or not, as their UTF-8 one after another (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary-ascii', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('', 'src/a.js:12', 'λ→𝔉', 'src/日本.js', '\u0000', '\u007f', '\u0080'),
    );
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), (values) => {
        const { blob, offsets } = utf8Strings(new ArrayStringTable(values));
        const expected = reference(values);
        expect(Buffer.from(blob).equals(expected.blob)).toBe(true);
        expect([...offsets]).toEqual([0, ...expected.ends]);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a lone surrogate anywhere in an otherwise ASCII table (GRAPH_INVALID)', () => {
    for (const bad of ['\ud800', 'a\udc00b', 'x\ud83d']) {
      let caught: unknown;
      try {
        utf8Strings(new ArrayStringTable(['src/a.js', bad, 'src/b.js']));
      } catch (err) {
        caught = err;
      }
      expect(isGraphError(caught) && caught.code).toBe('GRAPH_INVALID');
    }
  });
});
