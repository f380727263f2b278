import type { DsseEnvelope, RuntimeFactProvenance } from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import type { AppContext } from '../context.js';
import type { PreparedBatch } from './prepare-batch.js';
import { readProvenance } from './read-batch.js';

/**
 * The batch an earlier upload with the same `Idempotency-Key` stored for `tenant` (its verified
 * provenance and attestation), if any. The same key with other facts or another call graph is the
 * client's mistake: 422 `IDEMPOTENCY_KEY_REUSED`.
 */
export async function priorBatch(
  ctx: AppContext,
  tenant: string,
  key: string,
  batch: PreparedBatch,
): Promise<
  { provenance: RuntimeFactProvenance; attestation: DsseEnvelope | null; merged: number } | undefined
> {
  const row = await ctx.db
    .selectFrom('runtime_fact_batches')
    .selectAll()
    .where('tenant_id', '=', tenant)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.provenance_hash !== batch.provenanceHash || row.callgraph_id !== batch.callgraphId) {
    throw problems.unprocessable(
      'IDEMPOTENCY_KEY_REUSED',
      'this Idempotency-Key was used for another batch; use a new key for new facts',
    );
  }
  // the same bytes merge the same facts
  return { ...(await readProvenance(ctx, row)), merged: batch.merged };
}
