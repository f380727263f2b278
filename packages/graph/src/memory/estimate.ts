// Estimates of what V8 spends on JavaScript values, for the heap a graph's memoised structures hold
// (see `retainedBytes`). Typed arrays are counted exactly (by their buffer's byteLength); the values
// below are for a 64-bit Node.js without pointer compression (its default build) and are upper
// estimates, not measurements of each value: V8 object layouts change between versions.
// Calibration (Node 20, a 100k-node generated graph): decoding every node id (28 ASCII characters
// each) grew the heap by 54 bytes per id; these estimates give 56.

/** Bytes per element of a JavaScript array (one tagged slot). */
export const ARRAY_ELEMENT_BYTES = 8;
/** Bytes of a JavaScript array besides its elements (the array object and its backing store's header). */
export const ARRAY_HEADER_BYTES = 48;
/** Bytes of a plain object besides its properties. */
export const OBJECT_HEADER_BYTES = 24;
/** Bytes per property of a plain object. */
export const PROPERTY_BYTES = 8;
/** Bytes of a string besides its characters (map, hash and length). */
export const STRING_HEADER_BYTES = 16;
/** Bytes per entry of a Map (key, value and chain slots, a share of a bucket, and spare capacity). */
export const MAP_ENTRY_BYTES = 40;
/** Bytes of a Map besides its entries. */
export const MAP_HEADER_BYTES = 64;

/**
 * The estimated heap size of a string of `length` UTF-16 code units: one byte per character when
 * it is `oneByte` (every character below U+0100; V8 stores such strings one byte per character),
 * else two; rounded up to 8 bytes like every heap object.
 */
export function stringBytes(length: number, oneByte: boolean): number {
  return STRING_HEADER_BYTES + align8(oneByte ? length : length * 2);
}

/** The estimated heap size of `s` (scans it for a character above U+00FF: only for short strings). */
export function stringValueBytes(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the one-byte characters
  return stringBytes(s.length, /^[\u0000-\u00ff]*$/.test(s));
}

/** The estimated heap size of a JavaScript array of `length` numbers (or references). */
export function arrayBytes(length: number): number {
  return ARRAY_HEADER_BYTES + length * ARRAY_ELEMENT_BYTES;
}

/** The estimated heap size of a plain object with `properties` properties. */
export function objectBytes(properties: number): number {
  return OBJECT_HEADER_BYTES + properties * PROPERTY_BYTES;
}

/** The estimated heap size of a Map of `size` entries, not counting its keys' and values' own size. */
export function mapBytes(size: number): number {
  return MAP_HEADER_BYTES + size * MAP_ENTRY_BYTES;
}

/** The bytes a typed array retains: its whole buffer (a view keeps all of it alive). */
export function typedArrayBytes(a: ArrayBufferView | null | undefined): number {
  return a ? a.buffer.byteLength : 0;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
