import { zstdCompress as compress, zstdDecompress as decompress } from '@stella-ops/cas';

/** zstd level for stored graphs and slices (DESIGN §3: level 3 by default). */
export const ZSTD_LEVEL = 3;

export function zstdCompress(bytes: Uint8Array): Buffer {
  return compress(bytes, ZSTD_LEVEL);
}

/** Decompresses stored bytes; `maxOutputBytes` bounds what a corrupt or hostile blob can inflate to. */
export function zstdDecompress(bytes: Uint8Array, maxOutputBytes: number): Buffer {
  return decompress(bytes, { maxOutputBytes });
}
