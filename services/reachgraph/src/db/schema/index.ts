import type { AuditLogRow } from './audit-log.js';
import type { InputDocumentRow } from './input-documents.js';
import type { InputEvidenceRow } from './input-evidence.js';
import type { ArtifactIndex, CveIndex, PurlIndex } from './lookups.js';
import type { ReplayLogRow } from './replay-log.js';
import type { SliceCacheRow } from './slice-cache.js';
import type { Subgraph } from './subgraphs.js';

export type { AuditLogRow } from './audit-log.js';
export type { InputDocumentRow } from './input-documents.js';
export type { InputEvidenceRow } from './input-evidence.js';
export type { ArtifactIndex, CveIndex, PurlIndex } from './lookups.js';
export type { ReplayLogRow } from './replay-log.js';
export type { SliceCacheRow } from './slice-cache.js';
export type { SignatureRow, Subgraph, SubgraphMeta } from './subgraphs.js';

/** The tables of schema `reachgraph`, as Kysely sees them. */
export interface Database {
  subgraphs: Subgraph;
  artifact_index: ArtifactIndex;
  purl_index: PurlIndex;
  cve_index: CveIndex;
  slice_cache: SliceCacheRow;
  replay_log: ReplayLogRow;
  audit_log: AuditLogRow;
  input_documents: InputDocumentRow;
  input_evidence: InputEvidenceRow;
}

/** The Postgres schema every table lives in. */
export const DB_SCHEMA = 'reachgraph';

/** Tables that hold tenant rows: row-level security is enabled and forced on each. */
export const TENANT_TABLES = [
  'subgraphs',
  'artifact_index',
  'purl_index',
  'cve_index',
  'slice_cache',
  'replay_log',
  'audit_log',
  'input_documents',
  'input_evidence',
] as const satisfies readonly (keyof Database)[];
