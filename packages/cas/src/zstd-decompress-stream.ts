import { once } from 'node:events';
import { Transform, type TransformCallback } from 'node:stream';
import { invalidZstd, tooLarge, type ZstdEngine } from './zstd-engine.js';
import { type FramePart, malformed, ZstdFrameScanner } from './zstd-frames.js';

/**
 * Cuts the input into frames and decodes each with a fresh engine decoder, counting the output and
 * mapping errors to `CasError`s. The cutting is what makes `node:zlib` strict (see zstd-frames.ts).
 */
export class StrictDecompressStream extends Transform {
  private readonly scanner = new ZstdFrameScanner();
  private inner: Transform | undefined;
  private produced = 0;

  constructor(
    private readonly engine: ZstdEngine,
    private readonly max: number,
  ) {
    super();
  }

  private open(): Transform {
    const inner = this.engine.frameDecoder();
    inner.on('data', (chunk: Buffer) => {
      this.produced += chunk.length;
      if (this.produced > this.max) {
        this.destroy(tooLarge(this.max));
        return;
      }
      if (!this.push(chunk)) inner.pause();
    });
    inner.on('error', (err) => this.destroy(invalidZstd(err)));
    this.inner = inner;
    return inner;
  }

  override _read(size: number): void {
    this.inner?.resume();
    super._read(size);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let parts: FramePart[];
    try {
      parts = this.scanner.scan(chunk);
    } catch (err) {
      cb(err as Error);
      return;
    }
    this.feed(parts).then(
      () => cb(),
      (err: unknown) => cb(invalidZstd(err)),
    );
  }

  private async feed(parts: FramePart[]): Promise<void> {
    for (const part of parts) {
      if (part.kind !== 'zstd') continue;
      const inner = this.inner ?? this.open();
      if (part.bytes.length > 0 && !inner.write(part.bytes)) await once(inner, 'drain');
      if (part.end) {
        const ended = once(inner, 'end');
        inner.end();
        await ended;
        this.inner = undefined;
      }
    }
  }

  override _flush(cb: TransformCallback): void {
    if (!this.scanner.atBoundary) cb(malformed('the stream ends inside a frame'));
    else if (this.scanner.frames === 0) cb(malformed('no zstd frame'));
    else cb();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.inner?.destroy();
    cb(err);
  }
}
