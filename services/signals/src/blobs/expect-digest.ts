import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CasError } from '@stella-ops/cas';

/**
 * Passes bytes through while hashing them and fails at the end with `BLOB_DIGEST_MISMATCH` unless
 * they hash to `digest`. The last chunk is held back until the check passes, so a reader of a
 * failed stream never receives the complete content (with `Content-Length` the cut is visible) (the index's digest, which the signed manifest or attestation names: a
 * blob whose content and recorded metadata were both replaced still fails here).
 */
export class ExpectDigest extends Transform {
  private readonly hash = createHash('sha256');
  /** The newest chunk, held back until the content is verified. */
  private held: Buffer | undefined;

  constructor(
    private readonly key: string,
    private readonly digest: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    const previous = this.held;
    this.held = chunk;
    cb(null, previous);
  }

  override _flush(cb: TransformCallback): void {
    const actual = `sha256:${this.hash.digest('hex')}`;
    if (actual === this.digest) cb(null, this.held);
    else
      cb(
        new CasError({
          code: 'BLOB_DIGEST_MISMATCH',
          message: `${this.key} is ${actual}, index says ${this.digest}`,
          key: this.key,
        }),
      );
  }
}

/** Throws `BLOB_DIGEST_MISMATCH` unless `bytes` hash to `digest`. */
export function assertDigest(key: string, bytes: Uint8Array, digest: string): void {
  const actual = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (actual !== digest) {
    throw new CasError({
      code: 'BLOB_DIGEST_MISMATCH',
      message: `${key} is ${actual}, index says ${digest}`,
      key,
    });
  }
}
