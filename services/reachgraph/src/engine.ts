import {
  blake3,
  canonicalizeToBytes,
  normalizedReachGraphView,
  type ReachGraph,
  type SliceQuery,
  type SliceResponse,
} from '@stella-ops/core';
import { createGraph, cveCore, decodeGraph, encodeGraph, type Graph, sliceGraph } from '@stella-ops/graph';
import { BINARY_GRAPH_ZSTD_LEVEL, zstdCompress, zstdDecompress } from './zstd.js';

/**
 * The one place the service meets the core library's canonical form and the graph engine: what is
 * hashed, what is stored, and how slices are computed.
 */

/** A validated document with its normalised form, canonical bytes and digest. */
export interface DigestedGraph {
  /** Normalised, without `signatures`: exactly what the digest covers. */
  doc: ReachGraph;
  /** RFC 8785 canonical JSON of {@link DigestedGraph.doc} (UTF-8): what is stored and signed. */
  canonical: Buffer;
  /** `blake3:` + hex of BLAKE3-256 over {@link DigestedGraph.canonical}. */
  digest: string;
  /** The document was normalised as sent (normalising it only dropped `signatures`). */
  normalizedAsSent: boolean;
}

/** What is stored next to the canonical JSON: the binary form (plain and zstd) and its counts. */
export interface IndexedGraph {
  nodeCount: number;
  edgeCount: number;
  binary: Uint8Array;
  binaryZst: Buffer;
  /** The binary form of the graph's CVE core, zstd, when the graph is large enough to want one. */
  coreZst?: Buffer;
}

/** A graph's lookup keys: the purls of its nodes and the CVEs of its sinks and scope, sorted. */
export function lookupKeys(doc: ReachGraph): { purls: string[]; cves: string[] } {
  const purls = new Set<string>();
  const cves = new Set<string>(doc.scope.cves ?? []);
  for (const n of doc.nodes) {
    if (n.purl) purls.add(n.purl);
    for (const c of n.cves ?? []) cves.add(c);
  }
  return { purls: [...purls].sort(), cves: [...cves].sort() };
}

/**
 * From this binary size on, a graph also stores its CVE core: a cold CVE slice then reads and decodes
 * only that (at 100k nodes / 300k edges of the bench graph, 6.0 of 22.1 MB; 1.8 of 6.8 MB stored).
 * Below it a cold load costs a few milliseconds anyway and the extra work would slow every upload.
 */
export const CORE_MIN_BINARY_BYTES = 4 * 1024 * 1024;

/**
 * Normalises, canonicalises and hashes a document (signatures excluded, DESIGN §4). `sizeHint`: the
 * length of the JSON it was parsed from, which the canonical form rarely exceeds (one buffer, no
 * copy; any value gives the same bytes).
 */
export async function digestGraph(doc: ReachGraph, sizeHint?: number): Promise<DigestedGraph> {
  const unsigned = unsignedNormalized(doc);
  const digested = await digestNormalized(unsigned, sizeHint);
  // The normalised view of a normalised document shares its arrays; a normalised copy has its own.
  return { ...digested, normalizedAsSent: unsigned.nodes === doc.nodes };
}

/**
 * {@link digestGraph} for a document that is normalised already (the builder's output: normalising
 * it again costs ~1 s at 100k nodes and changes nothing).
 */
export async function digestNormalized(unsigned: ReachGraph, sizeHint?: number): Promise<DigestedGraph> {
  const bytes = canonicalizeToBytes(unsigned, sizeHint === undefined ? {} : { sizeHint });
  const canonical = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { doc: unsigned, canonical, digest: await blake3(canonical), normalizedAsSent: true };
}

/**
 * The normalised document without signatures, as {@link digestGraph} makes it. Read-only: a
 * document normalised already (what clients and the builder send) comes back as a shallow view
 * sharing its parts with `doc` rather than as a deep copy.
 */
export function unsignedNormalized(doc: ReachGraph): ReachGraph {
  return normalizedReachGraphView(doc) as ReachGraph;
}

/**
 * Indexes a normalised document for slicing and encodes it (GRAPH_INVALID for dangling edges,
 * duplicate ids, …). `digest` may be a promise: indexing, the slow part, starts before the digest
 * is known (a worker thread does this while the request thread hashes).
 */
export async function indexDocument(
  doc: ReachGraph,
  digest: string | Promise<string>,
): Promise<IndexedGraph> {
  const placeholder = `blake3:${'0'.repeat(64)}`;
  const graph = createGraph(doc, { digest: placeholder });
  // The digest is only the binary header's: the index is the same whatever it is.
  const digested = { ...graph, digest: await digest };
  const binary = encodeGraph(digested);
  return {
    nodeCount: graph.nodeCount,
    edgeCount: graph.edgeCount,
    binary,
    binaryZst: zstdCompress(binary, BINARY_GRAPH_ZSTD_LEVEL),
    ...(binary.length >= CORE_MIN_BINARY_BYTES ? { coreZst: compressedCore(digested) } : {}),
  };
}

/** The stored form of a graph's CVE core: its binary form, zstd. */
function compressedCore(graph: Graph): Buffer {
  return zstdCompress(encodeGraph(cveCore(graph)), BINARY_GRAPH_ZSTD_LEVEL);
}

/**
 * The CVE core a stored graph (its binary form, zstd, as stored) should have, as its upsert would
 * have stored it: the same bytes. Undefined when the graph is too small to want one.
 */
export function coreOfStoredGraph(compressed: Uint8Array): Buffer | undefined {
  const { graph, bytes } = decodeStoredGraph(compressed);
  return bytes >= CORE_MIN_BINARY_BYTES ? compressedCore(graph) : undefined;
}

/**
 * The graph as the LRU keeps it: decoded from its binary form (typed-array views over one buffer),
 * so the LRU's byte weight is what the graph really holds — unlike the index built from JSON.
 * `binary` was just encoded by this process (or its index worker): no checksum to verify.
 */
export function compactGraph(binary: Uint8Array): Graph {
  return decodeGraph(binary, { verify: 'ranges' });
}

/** Largest decompressed binary graph accepted from the store. */
const MAX_BINARY_BYTES = 4 * 1024 * 1024 * 1024 - 1;

/**
 * Whether a stored blob is a zstd frame that carries a content checksum (Frame_Header_Descriptor
 * bit 2). The service writes every blob as one such frame, and decompressing it verifies that
 * checksum over the whole output.
 */
export function hasContentChecksum(compressed: Uint8Array): boolean {
  return (
    compressed.length > 4 &&
    compressed[0] === 0x28 &&
    compressed[1] === 0xb5 &&
    compressed[2] === 0x2f &&
    compressed[3] === 0xfd &&
    ((compressed[4] as number) & 0x04) !== 0
  );
}

/**
 * A stored binary graph (zstd) decoded for slicing; `bytes` is its weight in the LRU. When the
 * frame's content checksum was verified by decompression, the graph's own SHA-256 over the same
 * bytes is not computed again (every structural and range check still runs).
 */
export function decodeStoredGraph(compressed: Uint8Array): { graph: Graph; bytes: number } {
  const bytes = zstdDecompress(compressed, MAX_BINARY_BYTES);
  const verify = hasContentChecksum(compressed) ? 'ranges' : 'checksum';
  return { graph: decodeGraph(bytes, { verify }), bytes: bytes.length };
}

/** Limits a slice answer must respect, and the page of paths a response carries. */
export interface SliceOptions {
  maxNodes: number;
  maxPaths: number;
  /** Materialise only the nodes and edges these paths traverse (see the engine's `pathPage`). */
  pathPage?: { offset: number; limit: number };
}

/** The engine's answer to a normalised query. */
export function runSlice(graph: Graph, query: SliceQuery, opts: SliceOptions): SliceResponse {
  return sliceGraph(graph, query, opts);
}
