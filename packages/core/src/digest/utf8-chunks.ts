/** Strings longer than this are encoded piece by piece instead of in one giant copy. */
export const LARGE_STRING_CODE_UNITS = 1 << 20;

const PIECE_CODE_UNITS = 16 * 1024;
const encoder = new TextEncoder();

/**
 * Calls `onChunk` with the UTF-8 encoding of `s`, in order, one 16 Ki-code-unit piece at a time,
 * through one reused buffer (a chunk is only valid during the call). A piece never ends between the
 * two halves of a surrogate pair, so the bytes are exactly those of `TextEncoder.encode(s)`.
 */
export function forEachUtf8Chunk(s: string, onChunk: (chunk: Uint8Array) => void): void {
  const buf = new Uint8Array(PIECE_CODE_UNITS * 3 + 3);
  for (let start = 0; start < s.length; ) {
    let end = Math.min(s.length, start + PIECE_CODE_UNITS);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end++;
    const { written } = encoder.encodeInto(s.substring(start, end), buf);
    onChunk(buf.subarray(0, written));
    start = end;
  }
}
