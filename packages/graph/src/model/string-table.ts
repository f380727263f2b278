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
  constructor(readonly values: readonly string[]) {
    this.size = values.length;
  }
  get(index: number): string {
    return this.values[index] as string;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const CHUNK_BITS = 8;
const CHUNK_SIZE = 1 << CHUNK_BITS;

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

  constructor(
    private readonly blob: Uint8Array,
    private readonly offsets: Uint32Array,
  ) {
    this.size = offsets.length - 1;
    this.made = new Array<(string | undefined)[] | undefined>(Math.ceil(this.size / CHUNK_SIZE));
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
    }
    const slot = index & (CHUNK_SIZE - 1);
    let s = chunk[slot];
    if (s === undefined) {
      s = utf8.decode(this.blob.subarray(this.offsets[index], this.offsets[index + 1]));
      chunk[slot] = s;
    }
    return s;
  }
}
