import { CasError } from './error.js';

/** The longest key, in UTF-8 bytes (the S3 limit). */
export const MAX_KEY_BYTES = 1024;

/**
 * C0 controls, DEL and backslash: never in a key (NUL and `\` by the contract; the rest because S3
 * sends keys in XML, where most control characters cannot appear).
 */
function hasForbiddenChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x5c) return true;
  }
  return false;
}

function invalid(key: string, why: string): CasError {
  return new CasError({ code: 'BLOB_KEY_INVALID', message: `invalid blob key: ${why}`, key });
}

function checkCommon(value: string, what: string): void {
  if (typeof value !== 'string') throw invalid(String(value), `${what} is not a string`);
  // String#isWellFormed (Node 20) is ES2024, newer than the lib this repo compiles against.
  if (!(value as unknown as { isWellFormed(): boolean }).isWellFormed())
    throw invalid(value, `${what} is not well-formed Unicode`);
  if (Buffer.byteLength(value, 'utf8') > MAX_KEY_BYTES) {
    throw invalid(value, `${what} is longer than ${MAX_KEY_BYTES} UTF-8 bytes`);
  }
  if (value.startsWith('/')) throw invalid(value, `${what} starts with "/"`);
  if (hasForbiddenChar(value)) throw invalid(value, `${what} contains a backslash or a control character`);
}

/**
 * Checks a blob key and throws `CasError` `BLOB_KEY_INVALID` unless it is 1–1024 UTF-8 bytes of
 * `/`-separated segments, none empty, `.` or `..`, with no leading `/`, backslash, NUL or other
 * control character. Keys then mean the same file on every filesystem and the same object in S3.
 */
export function validateKey(key: string): void {
  checkCommon(key, 'key');
  if (key === '') throw invalid(key, 'key is empty');
  for (const segment of key.split('/')) {
    if (segment === '') throw invalid(key, 'key has an empty segment');
    if (segment === '.' || segment === '..') throw invalid(key, `key has a "${segment}" segment`);
  }
}

/**
 * Checks a `list` prefix: `''` (everything), or a key's beginning; it may end with `/` or in the
 * middle of a segment, but every complete segment follows the key rules.
 */
export function validatePrefix(prefix: string): void {
  checkCommon(prefix, 'prefix');
  const segments = prefix.split('/');
  segments.pop(); // the last one may be partial (or empty after a trailing "/")
  for (const segment of segments) {
    if (segment === '') throw invalid(prefix, 'prefix has an empty segment');
    if (segment === '.' || segment === '..') throw invalid(prefix, `prefix has a "${segment}" segment`);
  }
}

/** True for keys whose objects are stored zstd-compressed (`*.zst`). */
export function isCompressedKey(key: string): boolean {
  return key.endsWith('.zst');
}
