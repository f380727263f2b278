import { Readable } from 'node:stream';
import { createZstdDecompressStream } from '@stella-ops/cas';
import { createBlake3Hasher, sha256 } from '@stella-ops/core';
import { HttpProblem } from '@stella-ops/service-kit';

/** Largest canonical JSON a stored frame may inflate to while it is checked (a corrupt-blob bound). */
const MAX_CANONICAL_BYTES = 1024 * 1024 * 1024;
/** How many checked frames are remembered (digest → SHA-256 of the frame, ~150 bytes each). */
const REMEMBERED = 10_000;

/**
 * Checks a graph's stored canonical JSON (its zstd frame, as read from the database) against the
 * graph's digest before any of it is sent, so a changed byte is caught by the server — also one
 * whose zstd checksum (xxHash, not cryptographic) was forged to match. The full check (streaming
 * decompression into BLAKE3, constant memory) runs once per frame; afterwards the frame's SHA-256
 * (native, ~1 GB/s) proves it is the frame checked. Frames are content: what was verified for one
 * tenant holds for every tenant with the same bytes.
 */
export class VerifiedFrames {
  private readonly seals = new Map<string, string>();

  /** Resolves when `frame` decodes to content whose BLAKE3 is `digest`; 502 `GRAPH_INTEGRITY_FAILED` otherwise. */
  async check(digest: string, frame: Uint8Array): Promise<void> {
    const seal = sha256(frame);
    if (this.seals.get(digest) === seal) return;
    let ok = false;
    try {
      const hasher = await createBlake3Hasher();
      const inflate = Readable.from([frame]).pipe(
        createZstdDecompressStream({ maxOutputBytes: MAX_CANONICAL_BYTES }),
      );
      for await (const chunk of inflate) hasher.update(chunk as Buffer);
      ok = hasher.digest() === digest;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new HttpProblem({
        status: 502,
        code: 'GRAPH_INTEGRITY_FAILED',
        title: 'Stored content failed verification',
        detail: 'the stored graph does not match its digest',
      });
    }
    this.seals.delete(digest);
    this.seals.set(digest, seal);
    if (this.seals.size > REMEMBERED) {
      const oldest = this.seals.keys().next().value;
      if (oldest !== undefined) this.seals.delete(oldest);
    }
  }
}
