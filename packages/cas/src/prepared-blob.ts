import { createHash } from 'node:crypto';
import type { PreparedBlob } from './blob-store.js';
import { CasError } from './error.js';
import { isZstd, ZSTD_DEFAULT_LEVEL, zstdCompress } from './zstd.js';

/**
 * Hashes (and with `compress`, zstd-compresses) content for {@link BlobStore.put} ahead of time —
 * on a worker thread, say — so the store does neither on the event loop. Synchronous: CPU only.
 * Use `compress: true` exactly for `.zst` keys.
 */
export function prepareBlob(content: Uint8Array, opts: { compress: boolean; level?: number }): PreparedBlob {
  const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
  return opts.compress
    ? {
        kind: 'prepared',
        digest,
        size: content.byteLength,
        encoding: 'zstd',
        stored: zstdCompress(content, opts.level ?? ZSTD_DEFAULT_LEVEL),
      }
    : { kind: 'prepared', digest, size: content.byteLength, encoding: 'identity', stored: content };
}

/** True when a `put` body is a {@link PreparedBlob}. */
export function isPreparedBlob(body: unknown): body is PreparedBlob {
  return (
    typeof body === 'object' &&
    body !== null &&
    !(body instanceof Uint8Array) &&
    (body as { kind?: unknown }).kind === 'prepared'
  );
}

/**
 * Checks a prepared body before it is stored under `key`: a `sha256:` digest, a size, and stored
 * bytes in the key's encoding (a zstd frame for `.zst` keys, else exactly `size` plain bytes).
 * Throws `CasError` `BLOB_METADATA_INVALID` or `BLOB_COMPRESSION_INVALID`.
 */
export function checkPreparedBlob(key: string, blob: PreparedBlob, compressed: boolean): void {
  if (!/^sha256:[0-9a-f]{64}$/.test(blob.digest) || !Number.isSafeInteger(blob.size) || blob.size < 0) {
    throw new CasError({
      code: 'BLOB_METADATA_INVALID',
      message: `a prepared blob needs a sha256:<hex> digest and a size, got ${blob.digest} and ${blob.size}`,
      key,
    });
  }
  const wanted = compressed ? 'zstd' : 'identity';
  const fits = compressed ? isZstd(blob.stored) : blob.stored.byteLength === blob.size;
  if (blob.encoding !== wanted || !fits) {
    throw new CasError({
      code: 'BLOB_COMPRESSION_INVALID',
      message: `${key} is stored ${compressed ? 'zstd-compressed' : 'as is'}: the prepared blob does not match`,
      key,
    });
  }
}
