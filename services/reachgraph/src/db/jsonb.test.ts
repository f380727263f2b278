import fc from 'fast-check';
import { jsonbText } from './jsonb.js';

describe('jsonbText', () => {
  it('writes a NUL as the text \\u0000 and keeps escaped backslashes before it', () => {
    expect(JSON.parse(jsonbText({ a: 'x\u0000y' }))).toEqual({ a: 'x\\u0000y' });
    expect(JSON.parse(jsonbText('\\u0000'))).toBe('\\u0000');
    expect(JSON.parse(jsonbText('\\\u0000'))).toBe('\\\\u0000');
  });

  it('never leaves a NUL in the parsed value and changes nothing else', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.string({ unit: fc.constantFrom('\u0000', '\\', 'u', '0', 'a') }),
        (v, s) => {
          for (const value of [v, s, { s, v }]) {
            const text = jsonbText(value);
            expect(text).not.toContain('\u0000');
            const back = JSON.stringify(JSON.parse(text));
            expect(back.includes('\\u0000')).toBe(JSON.stringify(value).includes('\\u0000'));
            if (!JSON.stringify(value).includes('\\u0000')) expect(back).toBe(JSON.stringify(value));
          }
        },
      ),
    );
  });
});
