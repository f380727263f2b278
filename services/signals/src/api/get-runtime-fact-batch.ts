import { principalOf } from '@stella-ops/service-kit';
import type { Response, Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import type { AppContext } from '../context.js';
import { type BatchIndexRow, findBatch, findBatchByHash, readFacts } from '../facts/read-batch.js';
import { sha256Value, ulidParam } from './params.js';

async function sendFacts(ctx: AppContext, res: Response, row: BatchIndexRow): Promise<void> {
  const bytes = await readFacts(ctx, row);
  res
    .status(200)
    .type('application/x-ndjson')
    .setHeader('ETag', `"${row.provenance_hash}"`)
    .setHeader('X-Batch-Id', row.batch_id)
    .setHeader('X-Provenance-Hash', row.provenance_hash)
    .send(bytes);
}

/**
 * `GET /signals/runtime-facts/{batchId}` and `GET /signals/runtime-facts/by-hash/{sha256}`: the
 * batch's stored canonical NDJSON, verified against its provenance hash (ReachGraph replay).
 */
export function mountGetRuntimeFactBatch(router: Router, ctx: AppContext): void {
  router.get('/runtime-facts/by-hash/:hash', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const hash = sha256Value(req.params['hash'], 'provenance hash');
    await sendFacts(ctx, res, await findBatchByHash(ctx, principalOf(req).tenant, hash));
  });
  router.get('/runtime-facts/:batchId', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const batchId = ulidParam(req, 'batchId');
    await sendFacts(ctx, res, await findBatch(ctx, principalOf(req).tenant, batchId));
  });
}
