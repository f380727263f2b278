// Layout constants of the binary graph format, version 1. BINARY_FORMAT.md is the specification;
// keep the two in step.

/** The 8 magic bytes that start every binary graph: `\x89SRG\r\n\x1a\n`. */
export const MAGIC: readonly number[] = [0x89, 0x53, 0x52, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The format version this library writes and reads. */
export const FORMAT_VERSION = 1;
/** Size of the fixed header in bytes. */
export const HEADER_SIZE = 128;
/** First byte covered by the checksum (everything after the checksum field). */
export const CHECKSUM_START = 48;
/** Sections start at multiples of this. */
export const SECTION_ALIGN = 8;

/** Byte offsets of the header fields (all little-endian). */
export const H = {
  magic: 0,
  version: 8,
  flags: 10,
  headerSize: 12,
  checksum: 16,
  fileLength: 48,
  nodeCount: 52,
  edgeCount: 56,
  stringCount: 60,
  stringBytes: 64,
  explanationCount: 68,
  observationCount: 72,
  cveRefCount: 76,
  batchRefCount: 80,
  sectionCount: 84,
  digest: 88,
  reserved: 120,
} as const;

/** Element types of sections. */
export type SectionType = 'u8' | 'u32' | 'i32' | 'f64';

/** The header counts a section's length is derived from. */
export interface Counts {
  nodeCount: number;
  edgeCount: number;
  stringCount: number;
  stringBytes: number;
  explanationCount: number;
  observationCount: number;
  cveRefCount: number;
  batchRefCount: number;
}

/** One section: its name, element type and element count as a function of the header counts. */
export interface SectionSpec {
  readonly name: string;
  readonly type: SectionType;
  readonly count: (c: Counts) => number;
}

/** The sections of version 1, in file order. */
export const SECTIONS: readonly SectionSpec[] = [
  { name: 'stringOffsets', type: 'u32', count: (c) => c.stringCount + 1 },
  { name: 'stringBlob', type: 'u8', count: (c) => c.stringBytes },
  { name: 'nodeKind', type: 'u8', count: (c) => c.nodeCount },
  { name: 'nodeFlags', type: 'u8', count: (c) => c.nodeCount },
  { name: 'nodePurl', type: 'u32', count: (c) => c.nodeCount },
  { name: 'nodeSymbol', type: 'u32', count: (c) => c.nodeCount },
  { name: 'nodeFile', type: 'u32', count: (c) => c.nodeCount },
  { name: 'nodeLine', type: 'u32', count: (c) => c.nodeCount },
  { name: 'nodeObservation', type: 'i32', count: (c) => c.nodeCount },
  { name: 'cveOffsets', type: 'u32', count: (c) => c.nodeCount + 1 },
  { name: 'cves', type: 'u32', count: (c) => c.cveRefCount },
  { name: 'forwardOffsets', type: 'u32', count: (c) => c.nodeCount + 1 },
  { name: 'forwardTargets', type: 'u32', count: (c) => c.edgeCount },
  { name: 'edgeExplanation', type: 'u32', count: (c) => c.edgeCount },
  { name: 'edgeObservation', type: 'i32', count: (c) => c.edgeCount },
  { name: 'reverseOffsets', type: 'u32', count: (c) => c.nodeCount + 1 },
  { name: 'reverseSources', type: 'u32', count: (c) => c.edgeCount },
  { name: 'reverseEdges', type: 'u32', count: (c) => c.edgeCount },
  { name: 'explanationType', type: 'u8', count: (c) => c.explanationCount },
  { name: 'explanationGuard', type: 'u32', count: (c) => c.explanationCount },
  { name: 'explanationLoc', type: 'u32', count: (c) => c.explanationCount },
  { name: 'explanationConfidence', type: 'f64', count: (c) => c.explanationCount },
  { name: 'observationHitCount', type: 'f64', count: (c) => c.observationCount },
  { name: 'observationBatchOffsets', type: 'u32', count: (c) => c.observationCount + 1 },
  { name: 'observationBatches', type: 'u32', count: (c) => c.batchRefCount },
];

/** Bytes per element of a section type. */
export const ELEMENT_SIZE: Readonly<Record<SectionType, number>> = { u8: 1, u32: 4, i32: 4, f64: 8 };

/** End of the section table: where the first section may start. */
export const SECTION_TABLE_END = HEADER_SIZE + SECTIONS.length * 8;

/** `n` rounded up to a multiple of {@link SECTION_ALIGN}. */
export function align(n: number): number {
  return Math.ceil(n / SECTION_ALIGN) * SECTION_ALIGN;
}
