import { fail } from '../error.js';
import type { StringTable } from '../model/string-table.js';

/** A string table as one UTF-8 blob and `size + 1` byte offsets. */
export interface Utf8Strings {
  blob: Uint8Array;
  offsets: Uint32Array;
}

/**
 * The UTF-8 form of a string table. Tables decoded from bytes hand back their blob unchanged;
 * others are measured, then encoded into one buffer. A lone surrogate cannot be stored in UTF-8
 * and would come back changed, so it is a GRAPH_INVALID error.
 */
export function utf8Strings(table: StringTable): Utf8Strings {
  const own = (table as { utf8?: () => Utf8Strings }).utf8;
  if (typeof own === 'function') return own.call(table);
  return asciiStrings(table) ?? encodedStrings(table);
}

/**
 * The common case, a table of ASCII strings, in two native calls instead of one per string (a
 * graph has hundreds of thousands): join, check that the UTF-8 length is the length, copy.
 * Undefined when some string is not ASCII.
 */
function asciiStrings(table: StringTable): Utf8Strings | undefined {
  const all = new Array<string>(table.size);
  const offsets = new Uint32Array(table.size + 1);
  let total = 0;
  for (let i = 0; i < table.size; i++) {
    const s = table.get(i);
    all[i] = s;
    total += s.length;
    if (total > 0xffffffff) fail('GRAPH_INVALID', 'the string table exceeds 4 GiB');
    offsets[i + 1] = total;
  }
  // Far below V8's longest string (2^29 - 24 code units), and a graph's strings are far below it.
  if (total > 2 ** 28) return undefined;
  const joined = all.join('');
  if (Buffer.byteLength(joined, 'utf8') !== joined.length) return undefined;
  const blob = new Uint8Array(total);
  Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).write(joined, 0, 'latin1');
  return { blob, offsets };
}

/** Any table: measured string by string (a lone surrogate is an error), then encoded. */
function encodedStrings(table: StringTable): Utf8Strings {
  const offsets = new Uint32Array(table.size + 1);
  let total = 0;
  for (let i = 0; i < table.size; i++) {
    total += utf8Length(table.get(i), i);
    if (total > 0xffffffff) fail('GRAPH_INVALID', 'the string table exceeds 4 GiB');
    offsets[i + 1] = total;
  }
  const blob = new Uint8Array(total);
  // Buffer#write takes an offset: no view made per string (a graph has hundreds of thousands)
  const out = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let i = 0; i < table.size; i++) out.write(table.get(i), offsets[i] as number, 'utf8');
  return { blob, offsets };
}

/** UTF-8 length of `s`; fails on a lone surrogate. */
function utf8Length(s: string, index: number): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) lone(index);
      n += 2;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) lone(index);
    else n += 2;
  }
  return n;
}

function lone(index: number): never {
  fail('GRAPH_INVALID', `string ${index} has a lone surrogate and cannot be encoded as UTF-8`);
}
