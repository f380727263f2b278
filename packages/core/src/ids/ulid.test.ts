import fc from 'fast-check';
import { CoreError } from '../error.js';
import { assertUlid, isUlid, newUlid, ulidTimestamp } from './ulid.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulidArb = fc
  .tuple(
    fc.constantFrom(...'01234567'),
    fc.array(fc.constantFrom(...CROCKFORD), { minLength: 25, maxLength: 25 }),
  )
  .map(([first, rest]) => first + rest.join(''));

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'NO_ERROR';
  } catch (err) {
    return err instanceof CoreError ? err.code : String(err);
  }
}

describe('newUlid', () => {
  it('is strictly increasing over 10k ids, including ids made in the same millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => newUlid());
    let outOfOrder = 0;
    let sameMs = 0;
    for (let i = 1; i < ids.length; i++) {
      const [prev, cur] = [ids[i - 1] as string, ids[i] as string];
      if (!(prev < cur)) outOfOrder++;
      if (prev.slice(0, 10) === cur.slice(0, 10)) sameMs++;
    }
    expect(outOfOrder).toBe(0);
    // 10k ids in under 10 s cannot all have their own millisecond, so the monotonic path ran.
    expect(sameMs).toBeGreaterThan(0);
    expect(ids.every(isUlid)).toBe(true);
  });

  it('encodes the current time', () => {
    const before = Date.now();
    const ts = ulidTimestamp(newUlid());
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(Date.now());
  });
});

describe('isUlid', () => {
  it.each([
    ['the contract example', '01HWXYZ123456789ABCDEFGHJK'],
    ['all zeros', '00000000000000000000000000'],
    ['the largest ULID', '7ZZZZZZZZZZZZZZZZZZZZZZZZZ'],
  ])('accepts %s', (_what, s) => {
    expect(isUlid(s)).toBe(true);
  });

  it.each([
    ['lower case', '01hwxyz123456789abcdefghjk'],
    ['one lower-case letter', '01HWXYZ123456789ABCDEFGHJk'],
    ['25 characters', '01HWXYZ123456789ABCDEFGHJ'],
    ['27 characters', '01HWXYZ123456789ABCDEFGHJKA'],
    ['the letter I', '01HWXYZ123456789ABCDEFGHJI'],
    ['the letter L', '01HWXYZ123456789ABCDEFGHJL'],
    ['the letter O', '01HWXYZ123456789ABCDEFGHJO'],
    ['the letter U', '01HWXYZ123456789ABCDEFGHJU'],
    ['first character 8 (timestamp overflow)', '81HWXYZ123456789ABCDEFGHJK'],
    ['a trailing newline', '01HWXYZ123456789ABCDEFGHJK\n'],
    ['the empty string', ''],
    ['a number', 1234],
    ['null', null],
  ])('rejects %s', (_what, s) => {
    expect(isUlid(s)).toBe(false);
  });

  it('accepts every 26-character upper-case Crockford string starting 0-7, and its time round-trips', () => {
    fc.assert(
      fc.property(ulidArb, (s) => {
        expect(isUlid(s)).toBe(true);
        const ts = ulidTimestamp(s);
        expect(ts).toBeGreaterThanOrEqual(0);
        expect(ts).toBeLessThanOrEqual(2 ** 48 - 1);
      }),
    );
  });

  it('rejects any ULID with one character replaced by a character outside the alphabet', () => {
    const outside = fc.constantFrom(...'ILOUilou8!-_ ', 'a', 'z');
    fc.assert(
      fc.property(ulidArb, fc.nat(25), outside, (s, at, ch) => {
        const bad = s.slice(0, at) + ch + s.slice(at + 1);
        // '8' is only outside the alphabet in the first position.
        fc.pre(!(ch === '8' && at > 0));
        expect(isUlid(bad)).toBe(false);
      }),
    );
  });

  it('agrees with the schema pattern on arbitrary strings', () => {
    const schema = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
    fc.assert(fc.property(fc.oneof(fc.string(), ulidArb), (s) => isUlid(s) === schema.test(s)));
  });
});

describe('assertUlid and ulidTimestamp', () => {
  it('passes a valid ULID and throws ULID_INVALID naming the value otherwise', () => {
    expect(codeOf(() => assertUlid('01HWXYZ123456789ABCDEFGHJK'))).toBe('NO_ERROR');
    expect(codeOf(() => assertUlid('01hwxyz123456789abcdefghjk', 'graphId'))).toBe('ULID_INVALID');
    expect(() => assertUlid(42, 'graphId')).toThrow(/graphId/);
  });

  it('decodes the millisecond timestamp', () => {
    expect(ulidTimestamp('00000000000000000000000000')).toBe(0);
    // The example in the ulid README.
    expect(ulidTimestamp('01ARYZ6S41TSV4RRFFQ69G5FAV')).toBe(1469918176385);
    expect(ulidTimestamp('7ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe(2 ** 48 - 1);
  });

  it('throws ULID_INVALID for a non-canonical id instead of decoding it', () => {
    expect(codeOf(() => ulidTimestamp('01arz3ndektsv4rrffq69g5fav'))).toBe('ULID_INVALID');
    expect(codeOf(() => ulidTimestamp('81ARZ3NDEKTSV4RRFFQ69G5FAV'))).toBe('ULID_INVALID');
  });
});
