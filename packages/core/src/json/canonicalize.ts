import { Buffer, isAscii } from 'node:buffer';
import { CanonicalWriter, type ChunkSink } from './canonical-writer.js';

/** The largest buffer {@link canonicalizeToBytes} writes into before starting another. */
const MAX_COLLECT_CHUNK = 8 * 1024 * 1024;

/**
 * RFC 8785 (JCS) canonical JSON of `value` as a string.
 *
 * `value` must be plain JSON data: objects whose prototype is `Object.prototype` or `null`, arrays,
 * strings, finite numbers, booleans and `null`. Object members that are `undefined` are left out and
 * `undefined` array elements (and holes) become `null`, as `JSON.stringify` does; `toJSON` is never
 * called. Anything else is rejected rather than converted.
 *
 * @throws CoreError `CANONICAL_JSON_INVALID` for NaN or ±Infinity, a lone surrogate in a string or a
 *   key, a cycle, a top-level `undefined`, functions, symbols, BigInts, `Map`, `Set`, `Date`, typed
 *   arrays, `Buffer`s and class instances, and for more than `MAX_NESTING_DEPTH` (1,000) nested
 *   arrays and objects; the message names the JSON pointer of the value.
 */
export function canonicalize(value: unknown): string {
  const parts: string[] = [];
  // Every chunk ends between two complete tokens, so each one is valid UTF-8 on its own. Small
  // chunks keep a stray non-Latin-1 character from turning a large part into a two-byte string.
  canonicalizeToSink(value, (chunk) => {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Latin-1 decoding is a plain copy; it equals UTF-8 decoding when every byte is ASCII.
    parts.push(buf.toString(isAscii(buf) ? 'latin1' : 'utf8'));
  });
  return parts.length === 1 ? parts[0]! : parts.join('');
}

/** Options of {@link canonicalizeToBytes}. */
export interface CanonicalBytesOptions {
  /**
   * The size the output will probably have (say, the length of the JSON text `value` was parsed
   * from): written into one buffer of that size, the output needs no copying when it fits. Only
   * a hint — any size gives the same bytes.
   */
  sizeHint?: number;
}

/**
 * The same canonical JSON as {@link canonicalize}, as UTF-8 bytes: what gets hashed and signed.
 * @throws CoreError `CANONICAL_JSON_INVALID` (see {@link canonicalize}).
 */
export function canonicalizeToBytes(value: unknown, options: CanonicalBytesOptions = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const total = collect(value, (chunk) => chunks.push(chunk), options.sizeHint);
  if (chunks.length === 1) {
    const only = chunks[0]!;
    // A hint far above the output: do not keep the unused rest of its buffer alive.
    return only.byteLength < only.buffer.byteLength / 2 ? only.slice() : only;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * Streams the canonical UTF-8 bytes of `value` to `sink` in order, without ever holding the whole
 * output: feed a hasher or a socket. Each chunk is only valid during the call (copy it to keep it).
 * If `value` is rejected, the sink may already have received a prefix of the output.
 * @returns the total number of bytes written.
 * @throws CoreError `CANONICAL_JSON_INVALID` (see {@link canonicalize}).
 */
export function canonicalizeToSink(value: unknown, sink: ChunkSink): number {
  return new CanonicalWriter((chunk) => {
    sink(chunk);
    return undefined;
  }).write(value);
}

/**
 * Streams canonical NDJSON — the canonical JSON of each value followed by `\n`, in order — to
 * `sink`, in chunks of many lines (each chunk is only valid during the call). The same bytes as
 * concatenating `canonicalize(v) + '\n'` for every value, without a string per value.
 * @returns the total number of bytes written.
 * @throws CoreError `CANONICAL_JSON_INVALID` (see {@link canonicalize}); the sink may already have
 *   received the lines before the offending value.
 */
export function canonicalizeLinesToSink(values: Iterable<unknown>, sink: ChunkSink): number {
  return new CanonicalWriter((chunk) => {
    sink(chunk);
    return undefined;
  }).writeLines(values);
}

/**
 * Writes `value` into buffers that are handed over whole (never reused, so never copied but the
 * first, which is the writer's pooled scratch), doubling in size up to {@link MAX_COLLECT_CHUNK}.
 * @returns the total number of bytes.
 */
function collect(value: unknown, keep: (chunk: Uint8Array) => void, sizeHint?: number): number {
  // A hinted first buffer is the writer's own (no copy); the pooled scratch buffer is copied.
  const hinted =
    sizeHint !== undefined && Number.isSafeInteger(sizeHint) && sizeHint > 64 * 1024
      ? new Uint8Array(sizeHint + 1024)
      : undefined;
  let size = hinted ? hinted.length : 0;
  let first = hinted === undefined;
  return new CanonicalWriter((chunk, last) => {
    keep(first ? chunk.slice() : chunk);
    first = false;
    if (last) return undefined;
    size = Math.min(MAX_COLLECT_CHUNK, Math.max(2 * size, 2 * chunk.length));
    return new Uint8Array(size);
  }, hinted).write(value);
}
