import { arrayBytes, stringBytes, stringValueBytes } from '../memory/estimate.js';

/** The strings of a graph, by index. */
export interface StringTable {
  /** Number of strings. */
  readonly size: number;
  /** String `index`; `index` must be in `0 … size-1`. */
  get(index: number): string;
}

/** A string table over an array of strings (graphs built from JSON). */
export class ArrayStringTable implements StringTable {
  readonly size: number;
  private heapBytes: number | undefined;
  constructor(readonly values: readonly string[]) {
    this.size = values.length;
  }
  get(index: number): string {
    return this.values[index] as string;
  }
  /**
   * Estimated heap bytes of the array and its strings, computed on first call (one pass over the
   * strings) and kept: the table is immutable. Strings shared with another table count in both.
   */
  retainedBytes(): number {
    if (this.heapBytes === undefined) {
      let bytes = arrayBytes(this.values.length);
      for (const s of this.values) bytes += stringValueBytes(s);
      this.heapBytes = bytes;
    }
    return this.heapBytes;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CHUNK_BITS = 8;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_BYTES = arrayBytes(CHUNK_SIZE);

/**
 * A string table over one UTF-8 blob and `size + 1` byte offsets (graphs decoded from bytes).
 * Nothing is decoded up front: a string is decoded (one `TextDecoder` call) on first use and cached
 * in a chunk of 256 slots allocated on demand, so loading costs nothing per string and a query pays
 * only for the strings it returns. (Measured at 100k nodes: decoding the whole 7 MB blob in one go
 * costs ~7 ms whatever is read; per string, 10k scattered strings cost ~3–5 ms, 10k neighbouring
 * ones ~2 ms; decoding 256-string pages was cheap for neighbours but ~4× dearer for scattered
 * reads.) The blob must be valid UTF-8 with every offset on a character boundary (the binary
 * decoder checks both).
 */
export class BlobStringTable implements StringTable {
  readonly size: number;
  private readonly made: ((string | undefined)[] | undefined)[];
  /** Estimated heap bytes of `made`, its chunks and the strings decoded so far (a running total). */
  private madeBytes: number;

  constructor(
    private readonly blob: Uint8Array,
    private readonly offsets: Uint32Array,
  ) {
    this.size = offsets.length - 1;
    this.made = new Array<(string | undefined)[] | undefined>(Math.ceil(this.size / CHUNK_SIZE));
    this.madeBytes = arrayBytes(this.made.length);
  }

  /**
   * Estimated heap bytes of what decoding has memoised so far: the decoded strings and the chunks
   * that hold them (not the blob and offsets, which are the graph's own arrays).
   */
  retainedBytes(): number {
    return this.madeBytes;
  }

  /** The blob and offsets this table reads (re-encoding a decoded graph reuses them). */
  utf8(): { blob: Uint8Array; offsets: Uint32Array } {
    return { blob: this.blob, offsets: this.offsets };
  }

  get(index: number): string {
    const c = index >>> CHUNK_BITS;
    let chunk = this.made[c];
    if (chunk === undefined) {
      chunk = new Array<string | undefined>(CHUNK_SIZE);
      this.made[c] = chunk;
      this.madeBytes += CHUNK_BYTES;
    }
    const slot = index & (CHUNK_SIZE - 1);
    let s = chunk[slot];
    if (s === undefined) {
      const from = this.offsets[index] as number;
      const to = this.offsets[index + 1] as number;
      s = utf8.decode(this.blob.subarray(from, to));
      chunk[slot] = s;
      // As many UTF-8 bytes as characters: ASCII, one byte per character; else count two.
      this.madeBytes += stringBytes(s.length, to - from === s.length);
    }
    return s;
  }
}

/**
 * Estimated heap bytes `table` holds beyond the graph's typed arrays: strings decoded and memoised
 * so far (a decoded graph) or all of them (a graph built from JSON); 0 for another implementation.
 */
export function stringTableBytes(table: StringTable): number {
  if (table instanceof BlobStringTable || table instanceof ArrayStringTable) return table.retainedBytes();
  return 0;
}

/** The typed arrays `table` reads, if any (they belong to the graph: see `graphOwnBytes`). */
export function stringTableArrays(table: StringTable): readonly ArrayBufferView[] {
  if (table instanceof BlobStringTable) {
    const { blob, offsets } = table.utf8();
    return [blob, offsets];
  }
  return [];
}
