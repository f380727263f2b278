import { canonicalizeLinesToSink, canonicalizeToSink } from '../json/canonicalize.js';
import { sharedBlake3 } from './blake3.js';
import { createSha256Hasher } from './sha256.js';

/**
 * `blake3:` digest of the RFC 8785 canonical JSON of `value`: the same as
 * `blake3(canonicalize(value))`, but streamed, so the canonical text is never held in memory.
 * @throws CoreError `CANONICAL_JSON_INVALID` when `value` has no canonical form.
 */
export async function blake3Canonical(value: unknown): Promise<string> {
  const hasher = await sharedBlake3();
  hasher.init();
  canonicalizeToSink(value, (chunk) => hasher.update(chunk));
  return `blake3:${hasher.digest('hex')}`;
}

/**
 * `sha256:` digest of the RFC 8785 canonical JSON of `value`, streamed (same as
 * `sha256(canonicalize(value))`).
 * @throws CoreError `CANONICAL_JSON_INVALID` when `value` has no canonical form.
 */
export function sha256Canonical(value: unknown): string {
  const hasher = createSha256Hasher();
  canonicalizeToSink(value, (chunk) => hasher.update(chunk));
  return hasher.digest();
}

/**
 * `sha256:` digest of the canonical NDJSON of `values` — each value's RFC 8785 canonical JSON
 * followed by `\n`, in the order given — streamed (same as hashing the concatenation of
 * `canonicalize(v) + '\n'`).
 * @throws CoreError `CANONICAL_JSON_INVALID` when a value has no canonical form.
 */
export function sha256CanonicalLines(values: Iterable<unknown>): string {
  const hasher = createSha256Hasher();
  canonicalizeLinesToSink(values, (chunk) => hasher.update(chunk));
  return hasher.digest();
}
