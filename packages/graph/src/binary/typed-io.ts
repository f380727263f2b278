import type { SectionType } from './format.js';

/** A typed array of one of the section element types. */
export type SectionArray = Uint8Array | Uint32Array | Int32Array | Float64Array;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A view of `count` elements of `type` at `offset` of `bytes` (which must be aligned for the type).
 * On little-endian hosts this copies nothing; on big-endian hosts the elements are read one by one.
 */
export function readSection(
  bytes: Uint8Array,
  offset: number,
  type: SectionType,
  count: number,
): SectionArray {
  const at = bytes.byteOffset + offset;
  if (type === 'u8') return bytes.subarray(offset, offset + count);
  if (LITTLE_ENDIAN) {
    if (type === 'u32') return new Uint32Array(bytes.buffer, at, count);
    if (type === 'i32') return new Int32Array(bytes.buffer, at, count);
    return new Float64Array(bytes.buffer, at, count);
  }
  const view = new DataView(bytes.buffer, at, count * (type === 'f64' ? 8 : 4));
  if (type === 'f64') return Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
  if (type === 'i32') return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
  return Uint32Array.from({ length: count }, (_, i) => view.getUint32(i * 4, true));
}

/** Writes `values` little-endian at `offset` of `bytes`. */
export function writeSection(bytes: Uint8Array, offset: number, values: SectionArray): void {
  if (values instanceof Uint8Array) {
    bytes.set(values, offset);
    return;
  }
  if (LITTLE_ENDIAN) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, values.byteLength);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (values instanceof Float64Array) view.setFloat64(i * 8, v, true);
    else if (values instanceof Int32Array) view.setInt32(i * 4, v, true);
    else view.setUint32(i * 4, v, true);
  }
}
