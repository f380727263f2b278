/**
 * Writes JSON strings as UTF-8 the way RFC 8785 §3.2.2.2 wants them: the escapes of ECMAScript
 * `JSON.stringify` (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other controls as lower-case `\u00xx`),
 * everything else verbatim, and a lone surrogate rejected rather than escaped.
 *
 * This runs once per string and key of a document, so it is a plain loop over char codes into a
 * byte buffer: no intermediate strings, no calls into native code per string.
 */

/** Byte 1 for the UTF-16 code units that are written as themselves: ASCII from space up, but `"` and `\`. */
const VERBATIM = new Uint8Array(0x80);
for (let c = 0x20; c < 0x80; c++) VERBATIM[c] = 1;
VERBATIM[0x22] = 0;
VERBATIM[0x5c] = 0;

const HEX_DIGITS = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

/** The most bytes one UTF-16 code unit of a string can take once escaped (`\u001f`). */
export const MAX_BYTES_PER_CODE_UNIT = 6;

/** What {@link writeJsonString} returns for a string that is not well-formed UTF-16. */
export const LONE_SURROGATE = -1;

/**
 * Writes `s` as a quoted JSON string into `buf` at `pos` and returns the position after it, or
 * {@link LONE_SURROGATE} (and garbage in `buf`) when `s` holds a lone surrogate. `buf` must have
 * room for `s.length * MAX_BYTES_PER_CODE_UNIT + 2` bytes from `pos`. (A sentinel rather than an
 * exception keeps this hot function and its caller free of exception handling.)
 */
export function writeJsonString(buf: Uint8Array, pos: number, s: string): number {
  const n = s.length;
  let p = pos;
  buf[p++] = 0x22;
  let i = 0;
  // Fast path: almost every string of a real document is printable ASCII.
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80 && VERBATIM[c] === 1) buf[p++] = c;
    else break;
  }
  if (i < n) {
    p = writeRest(buf, p, s, i);
    if (p === LONE_SURROGATE) return p;
  }
  buf[p++] = 0x22;
  return p;
}

/** The general case: escapes, multi-byte UTF-8 and surrogate pairs, from code unit `from` on. */
function writeRest(buf: Uint8Array, pos: number, s: string, from: number): number {
  const n = s.length;
  let p = pos;
  for (let i = from; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (VERBATIM[c] === 1) {
        buf[p++] = c;
        continue;
      }
      buf[p++] = 0x5c;
      p = writeEscape(buf, p, c);
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c > 0xdbff || d < 0xdc00 || d > 0xdfff) return LONE_SURROGATE;
      i++;
      const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      buf[p++] = 0xf0 | (cp >> 18);
      buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
      buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[p++] = 0x80 | (cp & 0x3f);
    }
  }
  return p;
}

/** Writes what follows the backslash for an ASCII code unit that needs escaping. */
function writeEscape(buf: Uint8Array, pos: number, c: number): number {
  let p = pos;
  switch (c) {
    case 0x22:
      buf[p++] = 0x22;
      break;
    case 0x5c:
      buf[p++] = 0x5c;
      break;
    case 0x08:
      buf[p++] = 0x62;
      break;
    case 0x0c:
      buf[p++] = 0x66;
      break;
    case 0x0a:
      buf[p++] = 0x6e;
      break;
    case 0x0d:
      buf[p++] = 0x72;
      break;
    case 0x09:
      buf[p++] = 0x74;
      break;
    default:
      buf[p++] = 0x75;
      buf[p++] = 0x30;
      buf[p++] = 0x30;
      buf[p++] = HEX_DIGITS[c >> 4]!;
      buf[p++] = HEX_DIGITS[c & 0xf]!;
  }
  return p;
}
