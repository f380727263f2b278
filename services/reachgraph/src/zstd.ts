import { zstdCompress as compress, zstdDecompress as decompress } from '@stella-ops/cas';

/** zstd level for stored graphs and slices (DESIGN §3: level 3 by default). */
export const ZSTD_LEVEL = 3;

/**
 * zstd level of the stored binary graph form, read back whole by every cold slice: at 100k nodes
 * level 1 decompresses its 22 MB ~15% faster than level 3 (and compresses ~35% faster at upsert)
 * for a frame 4% larger. Any level reads back the same (rows written at level 3 included).
 */
export const BINARY_GRAPH_ZSTD_LEVEL = 1;

export function zstdCompress(bytes: Uint8Array, level = ZSTD_LEVEL): Buffer {
  return compress(bytes, level);
}

/** Decompresses stored bytes; `maxOutputBytes` bounds what a corrupt or hostile blob can inflate to. */
export function zstdDecompress(bytes: Uint8Array, maxOutputBytes: number): Buffer {
  return decompress(bytes, { maxOutputBytes });
}
