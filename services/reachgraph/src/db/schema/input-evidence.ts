import type { ColumnType } from 'kysely';

/** `reachgraph.input_evidence`: signed evidence of the Signals inputs graphs were built from. */
export interface InputEvidenceRow {
  tenant: string;
  /** `callgraph`: `{manifest, envelope}`; `runtime-facts`: `{provenance, attestation}`. */
  kind: 'callgraph' | 'runtime-facts';
  /** The digest `provenance.inputs` names: the call graph's digest, the batch's provenance hash. */
  digest: string;
  content_size: number;
  content_zst: Buffer;
  created_at: ColumnType<Date, never, never>;
}
