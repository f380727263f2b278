import { canonicalize } from '../json/canonicalize.js';

/** Orders strings by UTF-16 code units (never locale): `a < b`. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders optional strings: absent (or not a string) first, then by UTF-16 code units. */
export function compareOptional(a: unknown, b: unknown): number {
  const sa = typeof a === 'string';
  const sb = typeof b === 'string';
  if (sa && sb) return compareCodeUnits(a, b);
  return sa === sb ? 0 : sa ? 1 : -1;
}

/** The last tiebreak that makes an order total: the canonical JSON of the two entries. */
export function compareCanonical(a: unknown, b: unknown): number {
  return a === b ? 0 : compareCodeUnits(canonicalize(a), canonicalize(b));
}

/**
 * Sorts a set-like array in place and drops duplicates, when every element is a string (a list that
 * is not all strings is schema-invalid; it is left as it is and still covered by the digest).
 */
export function sortStringSet(list: unknown): void {
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) return;
  const strings = list as string[];
  strings.sort();
  let kept = 0;
  for (const s of strings) if (kept === 0 || s !== strings[kept - 1]) strings[kept++] = s;
  list.length = kept;
}
