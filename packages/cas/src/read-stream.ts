import type { Readable } from 'node:stream';
import { digestMismatch, type ExpectedContent, VerifyingStream } from './digest-stream.js';
import type { CasError } from './error.js';
import { createZstdDecompressStream } from './zstd.js';

/**
 * Builds what `get` returns: `source` (the bytes at rest) → zstd decompression when `compressed` →
 * digest verification. Every failure reaches the returned stream as a `CasError`: the backend's
 * read errors through `mapSourceError`, undecodable zstd as `BLOB_DIGEST_MISMATCH`. Destroying the
 * returned stream (a consumer that stops early) destroys the source.
 */
export function verifiedReadStream(
  source: Readable,
  expected: ExpectedContent,
  compressed: boolean,
  mapSourceError: (err: unknown) => CasError,
): Readable {
  const out = new VerifyingStream(expected);
  const fail = (err: CasError): void => {
    if (!out.destroyed) out.destroy(err);
  };
  source.once('error', (err) => fail(mapSourceError(err)));
  if (compressed) {
    const decoder = createZstdDecompressStream();
    decoder.once('error', (err) => fail(digestMismatch(expected.key, 'stored zstd data is invalid', err)));
    source.pipe(decoder).pipe(out);
    out.once('close', () => {
      decoder.destroy();
      source.destroy();
    });
  } else {
    source.pipe(out);
    out.once('close', () => source.destroy());
  }
  return out;
}

/** Reads a whole stream into one buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
  }
  return Buffer.concat(chunks, total);
}
