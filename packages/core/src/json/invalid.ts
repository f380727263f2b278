import { CoreError } from '../error.js';

/**
 * Builds the `CANONICAL_JSON_INVALID` error for a value that has no RFC 8785 form.
 * @param reason - what is wrong, e.g. `NaN is not a JSON number`.
 * @param pointer - RFC 6901 JSON pointer to the offending value (`''` is the root).
 */
export function canonicalJsonInvalid(reason: string, pointer: string, cause?: unknown): CoreError {
  return new CoreError({
    code: 'CANONICAL_JSON_INVALID',
    message: `cannot canonicalize: ${reason} at ${pointer === '' ? 'the root' : `"${pointer}"`}`,
    cause,
  });
}

/** Escapes one JSON pointer reference token (RFC 6901 §3: `~` → `~0`, `/` → `~1`). */
export function pointerToken(token: string | number): string {
  return typeof token === 'number' ? String(token) : token.replaceAll('~', '~0').replaceAll('/', '~1');
}
