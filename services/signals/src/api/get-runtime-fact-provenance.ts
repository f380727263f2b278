import { principalOf } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import type { AppContext } from '../context.js';
import { findBatch, readProvenance } from '../facts/read-batch.js';
import { ulidParam } from './params.js';

/** `GET /signals/runtime-facts/{batchId}/provenance`: `{provenance, attestation}`, verified. */
export function mountGetRuntimeFactProvenance(router: Router, ctx: AppContext): void {
  router.get('/runtime-facts/:batchId/provenance', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const batchId = ulidParam(req, 'batchId');
    const row = await findBatch(ctx, principalOf(req).tenant, batchId);
    res.json(await readProvenance(ctx, row));
  });
}
