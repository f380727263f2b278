import { HttpProblem, parseJsonBody } from '@stella-ops/service-kit';
import fc from 'fast-check';
import { parseJsonBytes } from '../ingest/json-body.js';
import { asciiText, utf8Text } from '../ingest/json-text.js';

/** The value, or the problem's status and code: what a request would be answered. */
function outcome(parse: (b: Buffer) => unknown, body: Buffer): unknown {
  try {
    return { value: parse(body) };
  } catch (err) {
    if (err instanceof HttpProblem) return { status: err.status, code: err.code };
    throw err;
  }
}

describe('parseJsonBytes', () => {
  it.each([
    ['an ASCII document', '{"a":[1,"x\\u00e9"],"b":null}'],
    ['a document with UTF-8 text', '{"name":"café ☕ 😀"}'],
    ['broken JSON', '{"a":'],
    ['an empty body', ''],
    ['a NUL escape', '"\\u0000"'],
  ])('answers %s as parseJsonBody does', (_name, text) => {
    const body = Buffer.from(text, 'utf8');
    expect(outcome(parseJsonBytes, body)).toEqual(outcome(parseJsonBody, body));
  });

  it('answers invalid UTF-8 with 400 BODY_ENCODING_INVALID, as parseJsonBody does', () => {
    const body = Buffer.from([0x22, 0xc3, 0x28, 0x22]);
    expect(outcome(parseJsonBytes, body)).toEqual({ status: 400, code: 'BODY_ENCODING_INVALID' });
  });

  it('gives the same value or the same problem as parseJsonBody for any body', () => {
    const bodies = fc.oneof(
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v), 'utf8')),
      fc.string({ unit: 'binary' }).map((s) => Buffer.from(JSON.stringify(s), 'utf8')),
      fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
      fc.string({ maxLength: 30 }).map((s) => Buffer.from(s, 'latin1')),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        expect(outcome(parseJsonBytes, body)).toEqual(outcome(parseJsonBody, body));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('utf8Text', () => {
  it('decodes as TextDecoder does, through Latin-1 only for ASCII', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(utf8Text(bytes)).toBe(new TextDecoder().decode(bytes));
        expect(asciiText(bytes) === undefined).toBe(bytes.some((b) => b > 0x7f));
      }),
      { numRuns: 2000 },
    );
  });
});
