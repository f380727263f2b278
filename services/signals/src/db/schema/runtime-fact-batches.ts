import type { ColumnType, Generated } from 'kysely';

/** `signals.runtime_fact_batches`: one ingested batch (facts blob, provenance, attestation). */
export interface RuntimeFactBatchRow {
  /** Feed position: assigned at insert, streamed in this order. */
  seq: ColumnType<string, never, never>;
  batch_id: string;
  tenant_id: string;
  callgraph_id: string;
  provenance_id: string;
  /** `sha256:` of the stored canonical NDJSON. */
  provenance_hash: string;
  source: string;
  fact_count: number;
  fact_types: string[];
  received_at: Date;
  ingested_at: Date;
  blob_key: string;
  provenance_key: string;
  attestation_key: string | null;
  /** The client's `Idempotency-Key` of the upload, unique per tenant (null: none sent). */
  idempotency_key: ColumnType<string | null, string | null | undefined, never>;
  size: ColumnType<string, number, never>;
  stored_size: ColumnType<string, number, never>;
  indexed_at: Generated<Date>;
  /** Set when retention GC removed the facts and provenance (the attestation stays). */
  deleted_at: ColumnType<Date | null, never, Date | null>;
  /** Set once retention GC removed the blobs (tombstoned rows without it are retried). */
  purged_at: ColumnType<Date | null, never, Date | null>;
}
