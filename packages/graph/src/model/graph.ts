import type { StringTable } from './string-table.js';

/** Marks "no string" in a string-index column (the field is absent). */
export const NO_STRING = 0xffffffff;
/** Marks "no line" in the line column. */
export const NO_LINE = 0xffffffff;
/** The largest line number a graph can hold (one less than {@link NO_LINE}). */
export const MAX_LINE = NO_LINE - 1;
/** Marks "not observed at runtime" in an observation column. */
export const NO_OBSERVATION = -1;

/** Node flag bit: the node is an entrypoint (`isEntrypoint: true`). */
export const FLAG_ENTRYPOINT = 1;
/** Node flag bit: the node is a vulnerable sink (`isSink: true`). */
export const FLAG_SINK = 2;
/** Every node flag bit defined by this version. */
export const FLAG_MASK = FLAG_ENTRYPOINT | FLAG_SINK;

/**
 * Per-node columns. Node `i` is the i-th node in ascending id order (UTF-16 code unit order), and its
 * id is string `i` of the string table, so node ids need no column of their own.
 */
export interface NodeColumns {
  /** Index into {@link NODE_KINDS}. */
  readonly kind: Uint8Array;
  /** {@link FLAG_ENTRYPOINT} | {@link FLAG_SINK}. */
  readonly flags: Uint8Array;
  /** String index of the purl, or {@link NO_STRING}. */
  readonly purl: Uint32Array;
  /** String index of the symbol, or {@link NO_STRING}. */
  readonly symbol: Uint32Array;
  /** String index of the file, or {@link NO_STRING}. */
  readonly file: Uint32Array;
  /** Line number, or {@link NO_LINE}. */
  readonly line: Uint32Array;
  /** Index into the observation table, or {@link NO_OBSERVATION}. */
  readonly observation: Int32Array;
  /** CSR offsets (nodeCount + 1) into {@link NodeColumns.cves}. */
  readonly cveOffsets: Uint32Array;
  /** String indexes of each node's CVEs, sorted and unique per node. */
  readonly cves: Uint32Array;
}

/**
 * Forward adjacency (callee lists). Edges are numbered in this order: edge `k` goes from the node
 * whose offset range holds `k` to `targets[k]`; edges are sorted by (from, to, type, guard, loc,
 * confidence), so each node's targets are ascending.
 */
export interface ForwardAdjacency {
  /** nodeCount + 1 offsets into `targets`. */
  readonly offsets: Uint32Array;
  /** Target node of each edge. */
  readonly targets: Uint32Array;
}

/** Reverse adjacency (caller lists); each node's sources are ascending. */
export interface ReverseAdjacency {
  /** nodeCount + 1 offsets into `sources` / `edges`. */
  readonly offsets: Uint32Array;
  /** Source node of each incoming edge. */
  readonly sources: Uint32Array;
  /** Edge number (forward order) of each incoming edge. */
  readonly edges: Uint32Array;
}

/** Per-edge columns, in forward order. */
export interface EdgeColumns {
  /** Index into the explanation table. */
  readonly explanation: Uint32Array;
  /** Index into the observation table, or {@link NO_OBSERVATION}. */
  readonly observation: Int32Array;
}

/** Distinct edge explanations (`why`), shared by edges. */
export interface ExplanationTable {
  /** Index into {@link EDGE_TYPES}. */
  readonly type: Uint8Array;
  /** String index of the guard, or {@link NO_STRING}. */
  readonly guard: Uint32Array;
  /** String index of the location, or {@link NO_STRING}. */
  readonly loc: Uint32Array;
  /** Confidence 0..1, or NaN when absent. */
  readonly confidence: Float64Array;
}

/** Runtime observations (`observed`) of nodes and edges. */
export interface ObservationTable {
  /** Total hits. */
  readonly hitCount: Float64Array;
  /** CSR offsets (count + 1) into `batches`. */
  readonly batchOffsets: Uint32Array;
  /** String indexes of the batches' provenance hashes, sorted and unique per observation. */
  readonly batches: Uint32Array;
}

/**
 * A reachgraph.min@v1 document indexed for slicing: compact forward and reverse adjacency (CSR on
 * typed arrays), node columns, an explanation table, an observation table and one string table.
 * Built from JSON by `createGraph` or decoded from bytes by `decodeGraph`; immutable.
 */
export interface Graph {
  /** `blake3:` digest of the document the graph was built from (slice responses carry it). */
  readonly digest: string;
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Every string of the graph; strings `0 … nodeCount-1` are the node ids in node order. */
  readonly strings: StringTable;
  readonly nodes: NodeColumns;
  readonly edges: EdgeColumns;
  readonly forward: ForwardAdjacency;
  readonly reverse: ReverseAdjacency;
  readonly explanations: ExplanationTable;
  readonly observations: ObservationTable;
}
