import { CoreError } from '../error.js';

/**
 * The decoded parts of a purl before the type's rules are applied: what the parser splits out
 * of a string and what the builder takes from components, so both share one normaliser.
 */
export interface PurlDraft {
  type: string;
  namespace: string[];
  name: string;
  version: string | null;
  qualifiers: Map<string, string>;
  subpath: string[];
}

/** A `PURL_INVALID` error. */
export function purlInvalid(message: string, cause?: unknown): CoreError {
  return new CoreError({ code: 'PURL_INVALID', message, cause });
}

const QUALIFIER_KEY = /^[a-z][a-z0-9._-]*$/;

/**
 * Adds one qualifier to a draft: the key must be lower-case ASCII letters, digits, `.`, `-`, `_`
 * and start with a letter, and must not repeat. A pair with an empty value is dropped, as if
 * it were absent (the key is still checked).
 */
export function addQualifier(into: Map<string, string>, key: string, value: string): void {
  if (!QUALIFIER_KEY.test(key)) throw purlInvalid(`invalid qualifier key ${JSON.stringify(key)}`);
  if (into.has(key)) throw purlInvalid(`duplicate qualifier key ${JSON.stringify(key)}`);
  if (value !== '') into.set(key, value);
}

/** Splits a path on `/`, dropping empty segments (leading, trailing and doubled slashes). */
export function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}
