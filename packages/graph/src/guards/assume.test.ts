import fc from 'fast-check';
import { isGraphError } from '../error.js';
import { checkAssume, formatAssume, parseAssume } from './assume.js';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return isGraphError(err) ? err.code : 'not a GraphError';
  }
};

describe('parseAssume', () => {
  it('reads KEY=VALUE pairs into an object sorted by key, values trimmed', () => {
    const parsed = parseAssume(' os = linux ,FEATURE_X=disabled,arch=arm64,DEBUG=false');
    expect(parsed).toEqual({ DEBUG: 'false', FEATURE_X: 'disabled', arch: 'arm64', os: 'linux' });
    expect(Object.keys(parsed)).toEqual(['DEBUG', 'FEATURE_X', 'arch', 'os']);
  });

  it('reads an empty or blank string as no assumption', () => {
    expect(parseAssume('')).toEqual({});
    expect(parseAssume('   ')).toEqual({});
  });

  it('keeps __proto__ as an ordinary key', () => {
    const parsed = parseAssume('__proto__=x');
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it.each([
    ['os', 'no ='],
    ['=linux', 'empty key'],
    ['os=', 'empty value'],
    ['os=  ', 'blank value'],
    ['1os=linux', 'key starting with a digit'],
    ['o s=linux', 'key with a space'],
    ['os=linux=x', 'value with ='],
    ['os=linux,os=windows', 'a key twice'],
    ['os=linux,', 'an empty pair'],
    [`k=${'v'.repeat(257)}`, 'a value of 257 characters'],
    [`${'k'.repeat(129)}=v`, 'a key of 129 characters'],
    [Array.from({ length: 65 }, (_, i) => `k${i}=v`).join(','), '65 pairs'],
  ])('rejects %j (%s) as ASSUME_INVALID', (text) => {
    expect(code(() => parseAssume(text))).toBe('ASSUME_INVALID');
  });

  it('accepts the limits: 64 pairs, 128-character keys, 256-character values', () => {
    expect(Object.keys(parseAssume(Array.from({ length: 64 }, (_, i) => `k${i}=v`).join(',')))).toHaveLength(
      64,
    );
    expect(parseAssume(`${'k'.repeat(128)}=${'v'.repeat(256)}`)).toEqual({
      ['k'.repeat(128)]: 'v'.repeat(256),
    });
  });

  it('formatAssume and parseAssume round-trip, whatever the order the pairs were given in', () => {
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/);
    const value = fc.stringMatching(/^[^,=\s]([^,=]{0,8}[^,=\s])?$/);
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 10 }), (pairs) => {
        const text = formatAssume(pairs);
        const parsed = parseAssume(text);
        expect(parsed).toEqual(pairs);
        expect(formatAssume(parsed)).toBe(text);
        const shuffled = Object.entries(pairs)
          .reverse()
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        expect(JSON.stringify(parseAssume(shuffled))).toBe(JSON.stringify(parsed));
      }),
    );
  });
});

describe('checkAssume (the query field)', () => {
  it('normalises to key order and trimmed values; {} is no assumption', () => {
    expect(JSON.stringify(checkAssume({ os: ' linux', DEBUG: 'false' }))).toBe(
      '{"DEBUG":"false","os":"linux"}',
    );
    expect(checkAssume({})).toBeUndefined();
    expect(checkAssume(undefined)).toBeUndefined();
  });

  it.each([null, 'os=linux', ['os'], { os: 1 }, { os: '' }, { '1x': 'y' }, { os: 'a,b' }])(
    'rejects %j as QUERY_INVALID',
    (value) => {
      expect(code(() => checkAssume(value))).toBe('QUERY_INVALID');
    },
  );
});
