import { fail } from '../error.js';
import { checksumOf } from './checksum.js';
import {
  type Counts,
  ELEMENT_SIZE,
  FORMAT_VERSION,
  H,
  HEADER_SIZE,
  MAGIC,
  SECTION_ALIGN,
  SECTION_TABLE_END,
  SECTIONS,
} from './format.js';

/** What the header says: counts, the digest and where each section starts. */
export interface Header {
  counts: Counts;
  digest: string;
  sectionOffsets: number[];
}

function bad(message: string): never {
  fail('GRAPH_BINARY_INVALID', message);
}

/**
 * Reads and checks the header and section table: magic, version, flags, sizes, the checksum over
 * the whole file (unless `checksum` is false), and that every section lies in the file, aligned, in
 * order, with the length its counts imply.
 */
export function readHeader(bytes: Uint8Array, checksum = true): Header {
  if (!(bytes instanceof Uint8Array)) bad('expected a Uint8Array');
  if (bytes.length < SECTION_TABLE_END) bad(`truncated: ${bytes.length} bytes is shorter than the header`);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) bad('bad magic: not a binary graph');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  const version = view.getUint16(H.version, true);
  if (version !== FORMAT_VERSION) bad(`unsupported version ${version} (this reader knows ${FORMAT_VERSION})`);
  if (view.getUint16(H.flags, true) !== 0) bad('unknown flags set');
  if (u32(H.headerSize) !== HEADER_SIZE) bad('unexpected header size');
  const fileLength = u32(H.fileLength);
  if (fileLength !== bytes.length)
    bad(`length mismatch: header says ${fileLength} bytes, got ${bytes.length}`);
  if (checksum) {
    const sum = checksumOf(bytes);
    for (let i = 0; i < sum.length; i++) if (bytes[H.checksum + i] !== sum[i]) bad('checksum mismatch');
  }
  if (u32(H.sectionCount) !== SECTIONS.length) bad('unexpected section count');
  for (let at = H.reserved; at < HEADER_SIZE; at++) if (bytes[at] !== 0) bad('reserved header bytes set');

  const counts: Counts = {
    nodeCount: u32(H.nodeCount),
    edgeCount: u32(H.edgeCount),
    stringCount: u32(H.stringCount),
    stringBytes: u32(H.stringBytes),
    explanationCount: u32(H.explanationCount),
    observationCount: u32(H.observationCount),
    cveRefCount: u32(H.cveRefCount),
    batchRefCount: u32(H.batchRefCount),
  };
  if (counts.stringCount < counts.nodeCount) bad('fewer strings than nodes');
  const sectionOffsets: number[] = [];
  let end = SECTION_TABLE_END;
  SECTIONS.forEach((spec, i) => {
    const offset = u32(HEADER_SIZE + i * 8);
    const length = u32(HEADER_SIZE + i * 8 + 4);
    const expected = spec.count(counts) * ELEMENT_SIZE[spec.type];
    if (length !== expected) bad(`section ${spec.name}: length ${length}, counts imply ${expected}`);
    if (offset % SECTION_ALIGN !== 0) bad(`section ${spec.name} is not aligned`);
    if (offset < end) bad(`section ${spec.name} overlaps the previous one`);
    if (offset + length > bytes.length) bad(`truncated: section ${spec.name} ends past the end`);
    sectionOffsets.push(offset);
    end = offset + length;
  });
  let hex = '';
  for (let i = 0; i < 32; i++) hex += (bytes[H.digest + i] as number).toString(16).padStart(2, '0');
  return { counts, digest: `blake3:${hex}`, sectionOffsets };
}
