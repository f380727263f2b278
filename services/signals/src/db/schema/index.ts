import type { CallgraphReferenceRow, CallgraphRow } from './callgraphs.js';
import type { RuntimeFactBatchRow } from './runtime-fact-batches.js';
import type { TenantRow } from './tenants.js';

export type { CallgraphReferenceRow, CallgraphRow } from './callgraphs.js';
export type { RuntimeFactBatchRow } from './runtime-fact-batches.js';
export type { TenantRow } from './tenants.js';

/** The tables of schema `signals`, as Kysely sees them. */
export interface Database {
  tenants: TenantRow;
  callgraphs: CallgraphRow;
  callgraph_references: CallgraphReferenceRow;
  runtime_fact_batches: RuntimeFactBatchRow;
}

/** The Postgres schema every table lives in. */
export const DB_SCHEMA = 'signals';
