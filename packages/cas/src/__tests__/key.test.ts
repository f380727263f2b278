import { decodeCursor, encodeCursor, pageSize } from '../cursor.js';
import { CasError, isCasError } from '../error.js';
import { isCompressedKey, validateKey, validatePrefix } from '../key.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCasError(err) ? err.code : 'not a CasError';
  }
  return undefined;
}

describe('validateKey', () => {
  it.each([
    'a',
    'callgraphs/tenant-1/01HZY.ndjson.zst',
    'a/.hidden/b',
    'a/..b/c..',
    'x'.repeat(1024),
    'é'.repeat(512),
    'sp ace/ü/日本',
  ])('accepts %j', (key) => {
    expect(codeOf(() => validateKey(key))).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['leading slash', '/a'],
    ['dot-dot segment', 'a/../b'],
    ['dot-dot alone', '..'],
    ['trailing dot-dot', 'a/..'],
    ['dot segment', './a'],
    ['empty segment', 'a//b'],
    ['trailing slash', 'a/'],
    ['backslash', 'a\\b'],
    ['NUL', 'a\u0000b'],
    ['newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['too long', 'x'.repeat(1025)],
    ['too long in UTF-8', `${'é'.repeat(512)}x`],
    ['lone surrogate', '\udc00'],
    ['not a string', 42 as unknown as string],
  ])('rejects %s', (_why, key) => {
    expect(codeOf(() => validateKey(key))).toBe('BLOB_KEY_INVALID');
  });

  it('names the key in the error', () => {
    try {
      validateKey('a/../b');
    } catch (err) {
      expect(err).toBeInstanceOf(CasError);
      expect((err as CasError).key).toBe('a/../b');
    }
  });
});

describe('validatePrefix', () => {
  it.each(['', 'a', 'a/', 'a/b', 'a/..partial', 'a/.', 'a/..'])('accepts %j', (prefix) => {
    expect(codeOf(() => validatePrefix(prefix))).toBeUndefined();
  });
  it.each(['/', '/a', 'a//', '../a', 'a/../b/', 'a\\b'])('rejects %j', (prefix) => {
    expect(codeOf(() => validatePrefix(prefix))).toBe('BLOB_KEY_INVALID');
  });
});

describe('isCompressedKey', () => {
  it('is true for .zst keys only', () => {
    expect(isCompressedKey('a.ndjson.zst')).toBe(true);
    expect(isCompressedKey('a.zstd')).toBe(false);
    expect(isCompressedKey('a.zst.json')).toBe(false);
  });
});

describe('list cursors', () => {
  it('round-trip a key and reject anything else', () => {
    expect(decodeCursor(encodeCursor('a/b é'))).toBe('a/b é');
    for (const bad of [
      '',
      'k1.',
      'k2.YQ',
      'YQ',
      'k1.YQ=',
      'k1.Lw',
      `k1.${Buffer.from('a/../b').toString('base64url')}`,
    ]) {
      expect(codeOf(() => decodeCursor(bad))).toBe('BLOB_CURSOR_INVALID');
    }
  });
  it('clamp the page size', () => {
    expect(pageSize(undefined)).toBe(1000);
    expect(pageSize(0)).toBe(1);
    expect(pageSize(-5)).toBe(1);
    expect(pageSize(2.7)).toBe(2);
    expect(pageSize(5000)).toBe(1000);
    expect(pageSize(Number.NaN)).toBe(1000);
  });
});
