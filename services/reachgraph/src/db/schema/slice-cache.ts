import type { ColumnType } from 'kysely';

/** `reachgraph.slice_cache`: the durable second level of the slice cache. */
export interface SliceCacheRow {
  tenant: string;
  digest: string;
  /** sha256 of the canonical JSON of the normalised query (with page). */
  query_key: string;
  query: ColumnType<unknown, string, string>;
  /** The slice response JSON, zstd. */
  response_zst: Buffer;
  created_at: ColumnType<Date, never, never>;
}
