import { createBlake3Hasher, createSha256Hasher, type DigestHasher } from '@stella-ops/core';
import { clientError, DigestMismatchError } from '../error.js';

/** A hasher for the algorithm of `digest` (`sha256:` or `blake3:`). */
export async function hasherFor(digest: string): Promise<DigestHasher> {
  if (digest.startsWith('sha256:')) return createSha256Hasher();
  if (digest.startsWith('blake3:')) return createBlake3Hasher();
  throw clientError('RESPONSE_INVALID', `cannot verify a digest of this algorithm: ${digest}`);
}

/**
 * Passes `chunks` through, hashing them; once the last has gone by, throws
 * {@link DigestMismatchError} when they do not hash to `expected`. Consumers must treat the data as
 * untrusted until the iteration finished without an error.
 */
export async function* verifyChunks(
  chunks: AsyncIterable<Uint8Array>,
  expected: string,
  what: string,
): AsyncGenerator<Uint8Array> {
  const hasher = await hasherFor(expected);
  for await (const chunk of chunks) {
    hasher.update(chunk);
    yield chunk;
  }
  const actual = hasher.digest();
  if (actual !== expected) throw new DigestMismatchError(expected, actual, what);
}

/** Collects `chunks` into one buffer. */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}
