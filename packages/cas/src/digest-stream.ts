import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CasError } from './error.js';

/** `sha256:<hex>` of `bytes`. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Passes bytes through unchanged while hashing and counting them (the write side of `put`). */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  /** Bytes seen so far. */
  size = 0;

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, cb: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.hash.update(bytes);
    this.size += bytes.length;
    cb(null, bytes);
  }

  /** `sha256:<hex>`; call once, after the stream finished. */
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/** The content a read must produce. */
export interface ExpectedContent {
  key: string;
  /** `sha256:<hex>`. */
  digest: string;
  size: number;
}

export function digestMismatch(key: string, why: string, cause?: unknown): CasError {
  return new CasError({ code: 'BLOB_DIGEST_MISMATCH', message: `blob ${key}: ${why}`, key, cause });
}

/**
 * Passes bytes through while hashing them; fails with `BLOB_DIGEST_MISMATCH` as soon as more bytes
 * than recorded arrive (which also stops a decompression bomb), and at the end when the size or
 * digest differ.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private seen = 0;

  constructor(private readonly expected: ExpectedContent) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.expected.size) {
      cb(digestMismatch(this.expected.key, `more than the recorded ${this.expected.size} bytes`));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.seen !== this.expected.size) {
      cb(digestMismatch(this.expected.key, `${this.seen} bytes, ${this.expected.size} recorded`));
      return;
    }
    const actual = `sha256:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      cb(digestMismatch(this.expected.key, `content is ${actual}, ${this.expected.digest} recorded`));
      return;
    }
    cb();
  }
}
