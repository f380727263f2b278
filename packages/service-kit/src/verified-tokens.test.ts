import { VerifiedTokens } from './verified-tokens.js';

describe('VerifiedTokens', () => {
  it('answers a kept token until its validity ends', () => {
    const kept = new VerifiedTokens<string>(10, 60_000);
    kept.set('t', 'caller', 5_000, 0);
    expect(kept.get('t', 4_999)).toBe('caller');
    expect(kept.get('t', 5_000)).toBeUndefined();
    // an expired entry is dropped, not kept around
    expect(kept.size).toBe(0);
  });

  it('answers a token for at most maxAge after it was kept, however long it is valid', () => {
    const kept = new VerifiedTokens<string>(10, 60_000);
    kept.set('t', 'caller', 3_600_000, 1_000);
    expect(kept.get('t', 60_999)).toBe('caller');
    expect(kept.get('t', 61_000)).toBeUndefined();
  });

  it('drops the least recently used token when full', () => {
    const kept = new VerifiedTokens<string>(2, 60_000);
    kept.set('a', 'A', 10_000, 0);
    kept.set('b', 'B', 10_000, 0);
    expect(kept.get('a', 1)).toBe('A'); // a is now the most recently used
    kept.set('c', 'C', 10_000, 1);
    expect([kept.get('a', 2), kept.get('b', 2), kept.get('c', 2)]).toEqual(['A', undefined, 'C']);
  });

  it('keeps nothing when maxAge or maxEntries is 0, or the token is past its validity', () => {
    const noAge = new VerifiedTokens<string>(10, 0);
    noAge.set('t', 'caller', 10_000, 0);
    const noRoom = new VerifiedTokens<string>(0, 60_000);
    noRoom.set('t', 'caller', 10_000, 0);
    const late = new VerifiedTokens<string>(10, 60_000);
    late.set('t', 'caller', 10_000, 10_000);
    expect([noAge.size, noRoom.size, late.size]).toEqual([0, 0, 0]);
  });
});
