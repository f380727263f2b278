import { isCoreError } from '../error.js';
import { isDigest, parseDigest } from './parse-digest.js';

const hex64 = 'ab'.repeat(32);
const hex128 = 'cd'.repeat(64);

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return isCoreError(err) ? err.code : err;
  }
  return 'no error';
}

describe('parseDigest / isDigest', () => {
  it.each([
    [`sha256:${hex64}`, 'sha256', hex64],
    [`sha512:${hex128}`, 'sha512', hex128],
    [`blake3:${hex64}`, 'blake3', hex64],
  ])('parses %s', (s, algorithm, hex) => {
    expect(parseDigest(s)).toEqual({ algorithm, hex });
    expect(isDigest(s)).toBe(true);
    expect(isDigest(s, algorithm as 'sha256')).toBe(true);
  });

  it.each([
    '',
    hex64,
    `sha256:${hex64.slice(1)}`,
    `sha256:${hex64}0`,
    `sha512:${hex64}`,
    `blake3:${hex128}`,
    `SHA256:${hex64}`,
    `sha256:${hex64.toUpperCase()}`,
    `md5:${'ab'.repeat(16)}`,
    `sha256:${hex64}\n`,
    ` sha256:${hex64}`,
    `sha256:${'g'.repeat(64)}`,
  ])('rejects %j with DIGEST_INVALID', (s) => {
    expect(codeOf(() => parseDigest(s))).toBe('DIGEST_INVALID');
    expect(isDigest(s)).toBe(false);
  });

  it('rejects non-strings', () => {
    expect(codeOf(() => parseDigest(42 as unknown as string))).toBe('DIGEST_INVALID');
    expect(isDigest(42)).toBe(false);
    expect(isDigest(null)).toBe(false);
  });

  it('checks the algorithm when one is asked for', () => {
    expect(isDigest(`sha256:${hex64}`, 'blake3')).toBe(false);
    expect(isDigest(`blake3:${hex64}`, 'blake3')).toBe(true);
  });
});
