import { parseNdjson } from '@stella-ops/service-kit';
import fc from 'fast-check';
import { splitNdjson } from './split-ndjson.js';

/** What a parser made of a body: its values with line numbers, or its error. */
function outcome(parse: () => { line: number; value: unknown }[]): unknown {
  try {
    return { ok: parse() };
  } catch (err) {
    const e = err as { status?: number; code?: string; detail?: string; message?: string; errors?: unknown };
    return { status: e.status, code: e.code, detail: e.detail ?? e.message, errors: e.errors };
  }
}

function split(body: Buffer): { line: number; value: unknown }[] {
  const { values, lines } = splitNdjson(body);
  return values.map((value, i) => ({ line: lines[i] as number, value }));
}

const line = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v, null, 1).replaceAll('\n', ' ')),
  fc.constantFrom(
    '',
    ' ',
    '\t',
    '\r',
    ' \r',
    '\u00a0',
    '\u2028',
    '\ufeff',
    '{',
    'x',
    '{"a":1}\r\r',
    ' {"a":"é"} ',
  ),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);

describe('splitNdjson', () => {
  it('parses every body exactly as service-kit parseNdjson: values, line numbers and errors', () => {
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 12 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.boolean(),
        (lines, eol, bom, trailing) => {
          const text = `${bom ? '\ufeff' : ''}${lines.join(eol)}${trailing ? eol : ''}`;
          const body = Buffer.from(text, 'utf8');
          expect(outcome(() => split(body))).toEqual(outcome(() => parseNdjson(body)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('rejects what is not UTF-8 like parseNdjson, and agrees on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const body = Buffer.from(bytes);
        expect(outcome(() => split(body))).toEqual(outcome(() => parseNdjson(body)));
      }),
      { numRuns: 3000 },
    );
    const bad = Buffer.from([0x7b, 0xc3, 0x28, 0x7d]);
    expect(outcome(() => split(bad))).toMatchObject({ status: 400, code: 'BODY_ENCODING_INVALID' });
  });

  it('names the first line that is not JSON', () => {
    const body = Buffer.from('{"a":1}\n\n   \n{"b":\n{"c":3}\n');
    expect(outcome(() => split(body))).toMatchObject({
      status: 400,
      code: 'NDJSON_INVALID',
      detail: 'line 4 is not valid JSON',
      errors: [{ pointer: '', line: 4, message: 'not valid JSON' }],
    });
  });

  it('says whether the body holds an escape (a backslash anywhere)', () => {
    expect(splitNdjson(Buffer.from('{"a":"x"}\n{"b":"é"}\n')).escapeFree).toBe(true);
    expect(splitNdjson(Buffer.from('{"a":"x"}\n{"b":"\\u00e9"}\n')).escapeFree).toBe(false);
  });
});
