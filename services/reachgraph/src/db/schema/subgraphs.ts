import type { ColumnType, Selectable } from 'kysely';

/** `reachgraph.subgraphs`: one stored graph per tenant and digest (DESIGN §5). */
export interface Subgraph {
  tenant: string;
  /** `blake3:` of the canonical JSON without signatures. */
  digest: string;
  artifact_name: string;
  artifact_digest: string;
  node_count: number;
  edge_count: number;
  /** Uncompressed size of the canonical JSON. */
  canonical_size: ColumnType<string, number, never>;
  /** The canonical JSON (without `signatures`), zstd. */
  canonical_zst: Buffer;
  /** Uncompressed size of the engine's binary form. */
  binary_size: ColumnType<string, number, never>;
  /** The engine's binary graph, zstd. */
  binary_zst: Buffer;
  /** The binary form of the graph's CVE core (large graphs only), zstd; what cold CVE slices read. */
  core_zst: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  /** `signatures[]` of the uploaded document(s) that verified, and the service's own. */
  signatures: ColumnType<SignatureRow[], string, string>;
  created_by: string;
  created_at: ColumnType<Date, never, never>;
}

/** One DSSE signature over PAE(payloadType, canonical JSON). */
export interface SignatureRow {
  keyid: string;
  sig: string;
}

/** The graph without its blobs: what listings and metadata reads return. */
export type SubgraphMeta = Omit<Selectable<Subgraph>, 'canonical_zst' | 'binary_zst' | 'core_zst'>;
