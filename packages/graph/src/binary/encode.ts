import { fail } from '../error.js';
import type { Graph } from '../model/graph.js';
import { checksumOf } from './checksum.js';
import {
  align,
  type Counts,
  ELEMENT_SIZE,
  FORMAT_VERSION,
  H,
  HEADER_SIZE,
  MAGIC,
  SECTION_TABLE_END,
  SECTIONS,
} from './format.js';
import { type SectionArray, writeSection } from './typed-io.js';
import { utf8Strings } from './utf8.js';

/**
 * The binary form of a graph (BINARY_FORMAT.md, version 1): a checksummed header, then every
 * column as a little-endian array. Deterministic: the same graph always gives the same bytes.
 * Fails with GRAPH_INVALID when the graph holds a string UTF-8 cannot carry or exceeds 4 GiB.
 */
export function encodeGraph(g: Graph): Uint8Array {
  const strings = utf8Strings(g.strings);
  const counts: Counts = {
    nodeCount: g.nodeCount,
    edgeCount: g.edgeCount,
    stringCount: g.strings.size,
    stringBytes: strings.blob.length,
    explanationCount: g.explanations.type.length,
    observationCount: g.observations.hitCount.length,
    cveRefCount: g.nodes.cves.length,
    batchRefCount: g.observations.batches.length,
  };
  const arrays: SectionArray[] = [
    strings.offsets,
    strings.blob,
    g.nodes.kind,
    g.nodes.flags,
    g.nodes.purl,
    g.nodes.symbol,
    g.nodes.file,
    g.nodes.line,
    g.nodes.observation,
    g.nodes.cveOffsets,
    g.nodes.cves,
    g.forward.offsets,
    g.forward.targets,
    g.edges.explanation,
    g.edges.observation,
    g.reverse.offsets,
    g.reverse.sources,
    g.reverse.edges,
    g.explanations.type,
    g.explanations.guard,
    g.explanations.loc,
    g.explanations.confidence,
    g.observations.hitCount,
    g.observations.batchOffsets,
    g.observations.batches,
  ];
  const offsets: number[] = [];
  let end = SECTION_TABLE_END;
  SECTIONS.forEach((spec, i) => {
    const length = spec.count(counts) * ELEMENT_SIZE[spec.type];
    if ((arrays[i] as SectionArray).byteLength !== length) {
      fail('GRAPH_INVALID', `graph column ${spec.name} has the wrong length`);
    }
    const at = align(end);
    offsets.push(at);
    end = at + length;
  });
  if (end > 0xffffffff) fail('GRAPH_INVALID', 'the binary form would exceed 4 GiB');

  const bytes = new Uint8Array(end);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, H.magic);
  view.setUint16(H.version, FORMAT_VERSION, true);
  view.setUint16(H.flags, 0, true);
  view.setUint32(H.headerSize, HEADER_SIZE, true);
  view.setUint32(H.fileLength, end, true);
  view.setUint32(H.nodeCount, counts.nodeCount, true);
  view.setUint32(H.edgeCount, counts.edgeCount, true);
  view.setUint32(H.stringCount, counts.stringCount, true);
  view.setUint32(H.stringBytes, counts.stringBytes, true);
  view.setUint32(H.explanationCount, counts.explanationCount, true);
  view.setUint32(H.observationCount, counts.observationCount, true);
  view.setUint32(H.cveRefCount, counts.cveRefCount, true);
  view.setUint32(H.batchRefCount, counts.batchRefCount, true);
  view.setUint32(H.sectionCount, SECTIONS.length, true);
  bytes.set(digestBytes(g.digest), H.digest);
  SECTIONS.forEach((spec, i) => {
    const at = offsets[i] as number;
    view.setUint32(HEADER_SIZE + i * 8, at, true);
    view.setUint32(HEADER_SIZE + i * 8 + 4, spec.count(counts) * ELEMENT_SIZE[spec.type], true);
    writeSection(bytes, at, arrays[i] as SectionArray);
  });
  bytes.set(checksumOf(bytes), H.checksum);
  return bytes;
}

/** The 32 raw bytes of a `blake3:<hex>` digest. */
function digestBytes(digest: string): Uint8Array {
  const m = /^blake3:([a-f0-9]{64})$/.exec(digest);
  if (!m) fail('GRAPH_INVALID', 'the graph digest is not a blake3:<64 hex> digest');
  return Uint8Array.from(Buffer.from(m[1] as string, 'hex'));
}
