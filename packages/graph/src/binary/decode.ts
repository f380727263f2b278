import { isAscii, isUtf8 } from 'node:buffer';
import { fail } from '../error.js';
import type { Graph } from '../model/graph.js';
import { BlobStringTable } from '../model/string-table.js';
import { checkColumns, checkOffsets } from './check-columns.js';
import { SECTION_ALIGN, SECTIONS } from './format.js';
import { readHeader } from './read-header.js';
import { readSection, type SectionArray } from './typed-io.js';
import { verifyGraph } from './verify.js';

/** Options of {@link decodeGraph}. */
export interface DecodeOptions {
  /**
   * `'checksum'` (default): header, checksum and every index range are checked — enough to reject
   * any corruption. `'full'` also re-derives what the checksum vouches for (ids sorted and unique,
   * reverse adjacency equal to the forward one, each node's targets ascending): use it for bytes
   * from a party that could have forged a matching checksum. `'ranges'` skips the checksum but
   * checks everything else it checks (no slice can read out of bounds): only for bytes whose
   * integrity something else has just verified, such as the content checksum of the zstd frame
   * they were stored in.
   */
  verify?: 'checksum' | 'full' | 'ranges';
}

/**
 * A graph from its binary form (BINARY_FORMAT.md). No JSON is parsed: the columns are views of
 * `bytes` (copied once only when `bytes` is not 8-byte aligned), strings are decoded lazily.
 * Do not modify `bytes` afterwards. Any malformed input — bad magic, unknown version, checksum
 * mismatch, truncation, offsets or indexes out of range — is a GRAPH_BINARY_INVALID error.
 */
export function decodeGraph(bytes: Uint8Array, options: DecodeOptions = {}): Graph {
  const verify = options.verify ?? 'checksum';
  if (verify !== 'checksum' && verify !== 'full' && verify !== 'ranges') {
    fail('GRAPH_BINARY_INVALID', `unknown verify option ${JSON.stringify(verify)}`);
  }
  const header = readHeader(bytes, verify !== 'ranges');
  // `new Uint8Array(view)` copies (a Buffer's `slice` would not)
  const data = bytes.byteOffset % SECTION_ALIGN === 0 ? bytes : new Uint8Array(bytes);
  const sections = new Map<string, SectionArray>();
  SECTIONS.forEach((spec, i) => {
    sections.set(
      spec.name,
      readSection(data, header.sectionOffsets[i] as number, spec.type, spec.count(header.counts)),
    );
  });
  const u32 = (name: string) => sections.get(name) as Uint32Array;
  const i32 = (name: string) => sections.get(name) as Int32Array;
  const u8 = (name: string) => sections.get(name) as Uint8Array;
  const f64 = (name: string) => sections.get(name) as Float64Array;

  const blob = u8('stringBlob');
  const stringOffsets = u32('stringOffsets');
  checkOffsets(stringOffsets, blob.length, 'stringOffsets');
  checkUtf8(blob, stringOffsets);

  const c = header.counts;
  const graph: Graph = {
    digest: header.digest,
    nodeCount: c.nodeCount,
    edgeCount: c.edgeCount,
    strings: new BlobStringTable(blob, stringOffsets),
    nodes: {
      kind: u8('nodeKind'),
      flags: u8('nodeFlags'),
      purl: u32('nodePurl'),
      symbol: u32('nodeSymbol'),
      file: u32('nodeFile'),
      line: u32('nodeLine'),
      observation: i32('nodeObservation'),
      cveOffsets: u32('cveOffsets'),
      cves: u32('cves'),
    },
    edges: { explanation: u32('edgeExplanation'), observation: i32('edgeObservation') },
    forward: { offsets: u32('forwardOffsets'), targets: u32('forwardTargets') },
    reverse: { offsets: u32('reverseOffsets'), sources: u32('reverseSources'), edges: u32('reverseEdges') },
    explanations: {
      type: u8('explanationType'),
      guard: u32('explanationGuard'),
      loc: u32('explanationLoc'),
      confidence: f64('explanationConfidence'),
    },
    observations: {
      hitCount: f64('observationHitCount'),
      batchOffsets: u32('observationBatchOffsets'),
      batches: u32('observationBatches'),
    },
  };
  checkColumns(graph);
  if (verify === 'full') verifyGraph(graph);
  return graph;
}

/**
 * The blob is valid UTF-8 and every string starts on a character boundary, so lazy decoding of
 * any single string cannot fail later. Both blob checks are node:buffer's (SIMD, ~20× faster than a
 * JavaScript loop over the 7 MB blob of a 100k-node graph).
 */
function checkUtf8(blob: Uint8Array, offsets: Uint32Array): void {
  if (isAscii(blob)) return;
  if (!isUtf8(blob)) fail('GRAPH_BINARY_INVALID', 'the string table is not valid UTF-8');
  for (let i = 0; i < offsets.length - 1; i++) {
    const b = blob[offsets[i] as number];
    if (b !== undefined && (b & 0xc0) === 0x80)
      fail('GRAPH_BINARY_INVALID', `string ${i} starts inside a character`);
  }
}
