import type { Transform } from 'node:stream';
import { StrictDecompressStream } from './zstd-decompress-stream.js';
import { tooLarge, type ZstdEngine, zstdEngine } from './zstd-engine.js';
import { malformed, ZstdFrameScanner } from './zstd-frames.js';

/**
 * zstd for the whole repository (blob store, ReachGraph's Postgres blobs, request bodies): built
 * into `node:zlib` from Node 22.15, the `zstd-napi` addon on Node 20. Feature-detected once.
 */

/** The default compression level (DESIGN §3: level 3 compresses 3–5× faster than gzip/brotli). */
export const ZSTD_DEFAULT_LEVEL = 3;
/** The default decompression limit: 1 GiB. */
export const ZSTD_DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024 * 1024;
/** The four bytes every zstd frame starts with (0xFD2FB528, little-endian). */
export const ZSTD_MAGIC = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd);

/** Options for zstd decompression. */
export interface ZstdDecompressOptions {
  /**
   * Fail with `BLOB_TOO_LARGE` as soon as the output would pass this many bytes (a decompression
   * bomb guard). Default {@link ZSTD_DEFAULT_MAX_OUTPUT_BYTES} for {@link zstdDecompress}; no limit
   * for {@link createZstdDecompressStream}.
   */
  maxOutputBytes?: number;
}

/** Which implementation this process uses. */
export function zstdImplementation(): 'node:zlib' | 'zstd-napi' {
  return zstdEngine().name;
}

/** True when `bytes` starts with a zstd frame magic number. */
export function isZstd(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZSTD_MAGIC.every((b, i) => bytes[i] === b);
}

/** Compresses `bytes` into one zstd frame (synchronous; ~300 MB/s at level 3). */
export function zstdCompress(bytes: Uint8Array, level = ZSTD_DEFAULT_LEVEL): Buffer {
  return zstdEngine().compress(bytes, level);
}

/**
 * Decompresses one or more zstd frames (skippable frames are skipped). Throws `CasError`
 * `BLOB_TOO_LARGE` past the limit and `BLOB_COMPRESSION_INVALID` for anything that is not
 * complete, valid zstd (including empty input, a truncated frame and trailing bytes).
 */
export function zstdDecompress(bytes: Uint8Array, opts: ZstdDecompressOptions = {}): Buffer {
  return decompressWith(zstdEngine(), bytes, opts.maxOutputBytes ?? ZSTD_DEFAULT_MAX_OUTPUT_BYTES);
}

/** {@link zstdDecompress} on a given engine (tests run every engine through it). */
export function decompressWith(engine: ZstdEngine, bytes: Uint8Array, max: number): Buffer {
  const scanner = new ZstdFrameScanner();
  const parts = scanner.scan(bytes);
  if (!scanner.atBoundary) throw malformed('the input ends inside a frame');
  if (scanner.frames === 0) throw malformed('no zstd frame');
  const out: Buffer[] = [];
  let total = 0;
  for (const part of parts) {
    if (part.kind !== 'zstd') continue;
    const frame = engine.decompressFrame(part.bytes, max - total);
    total += frame.length;
    if (total > max) throw tooLarge(max);
    out.push(frame);
  }
  return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out, total);
}

/** A streaming compressor (a `Transform`: plain bytes in, one zstd frame out). */
export function createZstdCompressStream(level = ZSTD_DEFAULT_LEVEL): Transform {
  return zstdEngine().compressStream(level);
}

/**
 * A streaming decompressor for one or more frames. Its errors are `CasError`s:
 * `BLOB_COMPRESSION_INVALID` for corrupt, truncated or trailing input (and for an empty stream),
 * `BLOB_TOO_LARGE` once the output passes `maxOutputBytes`.
 */
export function createZstdDecompressStream(opts: ZstdDecompressOptions = {}): Transform {
  return decompressStreamWith(zstdEngine(), opts.maxOutputBytes ?? Infinity);
}

/** {@link createZstdDecompressStream} on a given engine (tests run every engine through it). */
export function decompressStreamWith(engine: ZstdEngine, max: number): Transform {
  return new StrictDecompressStream(engine, max);
}
