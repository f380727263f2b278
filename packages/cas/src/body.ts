import { Readable } from 'node:stream';
import type { BlobBody, PreparedBlob } from './blob-store.js';

const SLICE = 1024 * 1024;

function* slices(bytes: Uint8Array): Generator<Buffer> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length === 0) return;
  for (let i = 0; i < buf.length; i += SLICE) yield buf.subarray(i, i + SLICE);
}

/**
 * The body as a byte stream. Bytes are cut into 1 MiB views (no copy) so hashing and compressing a
 * large buffer give the event loop room between chunks.
 */
export function bodyStream(body: Exclude<BlobBody, PreparedBlob>): Readable {
  if (body instanceof Uint8Array) return Readable.from(slices(body));
  if (body instanceof Readable) return body;
  return Readable.from(body);
}
