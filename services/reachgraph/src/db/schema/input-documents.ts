import type { ColumnType } from 'kysely';

/** `reachgraph.input_documents`: sink lists and OSV documents graphs were built from, by digest. */
export interface InputDocumentRow {
  tenant: string;
  /** `sha256:` of the canonical JSON, as `provenance.inputs` names it. */
  digest: string;
  kind: 'sinks' | 'osv';
  content_size: number;
  content_zst: Buffer;
  created_at: ColumnType<Date, never, never>;
}
