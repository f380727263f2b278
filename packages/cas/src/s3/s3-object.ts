import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobBody } from '../blob-store.js';
import { bodyStream } from '../body.js';
import { HashingStream } from '../digest-stream.js';
import { checkPreparedBlob, isPreparedBlob } from '../prepared-blob.js';
import { createZstdCompressStream, zstdCompress } from '../zstd.js';

/** Object metadata the store writes itself (`x-amz-meta-sha256`, `x-amz-meta-uncompressed-size`). */
export const META_SHA256 = 'sha256';
export const META_SIZE = 'uncompressed-size';
/** Streamed bodies up to this size are joined into one buffer, so the SDK can retry the upload. */
const JOIN_LIMIT = 16 * 1024 * 1024;
/** Bytes up to this size are compressed in one call. */
const ONE_SHOT_COMPRESS_LIMIT = 4 * 1024 * 1024;

/** Digest and size from object metadata, or undefined when the object was not written by a store. */
export function recordedContent(
  meta: Record<string, string> | undefined,
): { digest: string; size: number } | undefined {
  const hex = meta?.[META_SHA256];
  const size = Number(meta?.[META_SIZE]);
  if (!hex || !/^[0-9a-f]{64}$/.test(hex) || !Number.isSafeInteger(size) || size < 0) return undefined;
  return { digest: `sha256:${hex}`, size };
}

/** Object metadata without the store's own fields. */
export function userMetadata(meta: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta ?? {})) if (k !== META_SHA256 && k !== META_SIZE) out[k] = v;
  return out;
}

/** What to upload for one `put`. */
export interface StagedUpload {
  digest: string;
  size: number;
  stored: Buffer | Readable;
  storedSize: number;
}

/**
 * Hashes (and for `.zst` compresses) a body before its upload, because the digest travels in the
 * request headers; a prepared blob is checked and sent as it is. Bytes are uploaded as they are (no copy); large bytes to compress and streams
 * go through the stream path, which compresses slice by slice instead of blocking the event loop
 * in one call, and holds the stored bytes once.
 */
export async function stageUpload(key: string, body: BlobBody, compressed: boolean): Promise<StagedUpload> {
  if (isPreparedBlob(body)) {
    checkPreparedBlob(key, body, compressed);
    const stored = Buffer.from(body.stored.buffer, body.stored.byteOffset, body.stored.byteLength);
    return { digest: body.digest, size: body.size, stored, storedSize: stored.length };
  }
  if (body instanceof Uint8Array && (!compressed || body.length <= ONE_SHOT_COMPRESS_LIMIT)) {
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const stored = compressed ? zstdCompress(bytes) : bytes;
    return { digest, size: bytes.length, stored, storedSize: stored.length };
  }
  const hasher = new HashingStream();
  const chunks: Buffer[] = [];
  let storedSize = 0;
  const collect = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      storedSize += chunk.length;
      cb();
    },
  });
  if (compressed) await pipeline(bodyStream(body), hasher, createZstdCompressStream(), collect);
  else await pipeline(bodyStream(body), hasher, collect);
  const stored = storedSize <= JOIN_LIMIT ? Buffer.concat(chunks, storedSize) : Readable.from(chunks);
  return { digest: hasher.digest(), size: hasher.size, stored, storedSize };
}
