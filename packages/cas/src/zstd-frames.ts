import { CasError } from './error.js';

/** A piece of one frame, as {@link ZstdFrameScanner} cuts the input. */
export interface FramePart {
  /** `zstd` frames carry content; `skip` frames (skippable frames) carry none. */
  kind: 'zstd' | 'skip';
  bytes: Uint8Array;
  /** True when this part completes its frame. */
  end: boolean;
}

type State = 'magic' | 'fhd' | 'header' | 'blockHeader' | 'blockBody' | 'checksum' | 'skipSize' | 'skipBody';

const ZSTD_MAGIC = 0xfd2fb528;
const MAX_BLOCK = 128 * 1024;

export function malformed(why: string): CasError {
  return new CasError({ code: 'BLOB_COMPRESSION_INVALID', message: `not valid zstd data: ${why}` });
}

/**
 * Walks the frame structure of a zstd stream (RFC 8878 §3.1: magic, frame header, blocks,
 * optional checksum; skippable frames) without decoding it, and cuts the input at frame ends.
 *
 * Decoders are fed one frame at a time, because `node:zlib`'s zstd (Node 22) decodes only the
 * first frame, ignores trailing bytes and returns a truncated frame's output without an error.
 * Knowing the structure makes both engines strict: garbage is rejected where it starts, and a
 * stream that stops inside a frame is reported at its end ({@link atBoundary}).
 */
export class ZstdFrameScanner {
  private state: State = 'magic';
  private field: number[] = [];
  private need = 4;
  private remaining = 0;
  private kind: FramePart['kind'] | undefined;
  private checksum = false;
  private lastBlock = false;
  /** Content frames seen so far. */
  frames = 0;

  /** True when the input so far ends exactly between frames. */
  get atBoundary(): boolean {
    return this.state === 'magic' && this.field.length === 0;
  }

  /** Cuts `chunk` into frame parts; throws `BLOB_COMPRESSION_INVALID` at the first malformed byte. */
  scan(chunk: Uint8Array): FramePart[] {
    const parts: FramePart[] = [];
    let start = 0;
    let prefix: Uint8Array | undefined;
    const emit = (endIdx: number, end: boolean): void => {
      if (this.kind === undefined) return;
      const own = chunk.subarray(start, endIdx);
      const bytes = prefix ? Buffer.concat([prefix, own]) : own;
      if (bytes.length > 0 || end) parts.push({ kind: this.kind, bytes, end });
      prefix = undefined;
      start = endIdx;
    };
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'blockBody' || this.state === 'checksum' || this.state === 'skipBody') {
        const n = Math.min(this.remaining, chunk.length - i);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0 && this.afterBody()) {
          emit(i, true);
          this.kind = undefined;
        }
        continue;
      }
      this.field.push(chunk[i] as number);
      i++;
      if (this.field.length < this.need) continue;
      const field = this.field;
      this.field = [];
      if (this.state === 'magic') {
        // The magic bytes may have started in an earlier chunk: emit them with this frame.
        prefix = Uint8Array.from(field);
        start = i;
      }
      if (this.onField(field)) {
        emit(i, true);
        this.kind = undefined;
      }
    }
    emit(chunk.length, false);
    return parts;
  }

  /** Handles a complete fixed-size field; returns true when it ends a frame. */
  private onField(f: number[]): boolean {
    const le = (): number => f.reduce((v, b, k) => v + b * 2 ** (8 * k), 0);
    switch (this.state) {
      case 'magic': {
        const magic = le();
        if (magic === ZSTD_MAGIC) {
          this.kind = 'zstd';
          this.frames++;
          return this.expect('fhd', 1);
        }
        if (magic >>> 4 === 0x184d2a5) {
          this.kind = 'skip';
          return this.expect('skipSize', 4);
        }
        throw malformed(this.frames === 0 ? 'no zstd frame magic' : 'unexpected bytes after a frame');
      }
      case 'fhd': {
        const d = f[0] as number;
        if (d & 0x08) throw malformed('reserved frame header bit set');
        const single = (d & 0x20) !== 0;
        this.checksum = (d & 0x04) !== 0;
        const fcs = [single ? 1 : 0, 2, 4, 8][d >> 6] as number;
        const did = [0, 1, 2, 4][d & 0x03] as number;
        const rest = (single ? 0 : 1) + did + fcs;
        return rest > 0 ? this.expect('header', rest) : this.expect('blockHeader', 3);
      }
      case 'header':
        return this.expect('blockHeader', 3);
      case 'blockHeader': {
        const h = le();
        const type = (h >> 1) & 3;
        const size = h >>> 3;
        if (type === 3) throw malformed('reserved block type');
        if (size > MAX_BLOCK) throw malformed('block larger than 128 KiB');
        this.lastBlock = (h & 1) === 1;
        this.remaining = type === 1 ? 1 : size; // an RLE block stores one byte
        this.state = 'blockBody';
        return this.remaining === 0 && this.afterBody();
      }
      case 'skipSize':
        this.remaining = le();
        this.state = 'skipBody';
        return this.remaining === 0 && this.afterBody();
      default:
        throw new Error(`unreachable state ${this.state}`);
    }
  }

  /** Moves past a finished block/checksum/skippable body; returns true when the frame ended. */
  private afterBody(): boolean {
    if (this.state === 'blockBody' && !this.lastBlock) return this.expect('blockHeader', 3);
    if (this.state === 'blockBody' && this.checksum) {
      this.state = 'checksum';
      this.remaining = 4;
      return false;
    }
    this.state = 'magic';
    this.need = 4;
    return true;
  }

  private expect(state: State, bytes: number): false {
    this.state = state;
    this.need = bytes;
    return false;
  }
}
