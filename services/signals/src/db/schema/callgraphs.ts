import type { CallgraphManifest } from '@stella-ops/core';
import type { ColumnType, Generated } from 'kysely';

/** `signals.callgraphs`: one stored call graph (blob, manifest, envelope) per row. */
export interface CallgraphRow {
  graph_id: string;
  tenant_id: string;
  /** `sha256:` of the stored canonical NDJSON. */
  digest: string;
  language: string;
  source: string;
  /** Canonical form of the header's purl. */
  component_purl: string;
  /** `type/namespace/name` of the purl: by-purl lookups without a version match on this. */
  purl_key: string;
  purl_version: string | null;
  node_count: number;
  edge_count: number;
  /** Uncompressed bytes (pg returns bigint as text). */
  size: ColumnType<string, number, never>;
  stored_size: ColumnType<string, number, never>;
  blob_key: string;
  meta_key: string;
  manifest_key: string;
  /** Absent when manifests were not signed at upload. */
  envelope_key: string | null;
  /** The client's `Idempotency-Key` of the upload, unique per tenant (null: none sent). */
  idempotency_key: ColumnType<string | null, string | null | undefined, never>;
  /** The signed manifest, as stored in `manifests/{graphId}.json`. */
  manifest: ColumnType<CallgraphManifest, string, never>;
  created_at: ColumnType<Date, Date, never>;
  /** Set when retention GC removed the blobs (the manifest stays). */
  deleted_at: ColumnType<Date | null, never, Date | null>;
  indexed_at: Generated<Date>;
  /** Set once retention GC removed the blobs (tombstoned rows without it are retried). */
  purged_at: ColumnType<Date | null, never, Date | null>;
}

/** `signals.callgraph_references`: who besides fact batches depends on a call graph (GC keeps it). */
export interface CallgraphReferenceRow {
  graph_id: string;
  /** e.g. `principal:reachgraph-service`. */
  referrer: string;
  first_seen_at: ColumnType<Date, never, never>;
}
