import { principalOf } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard, REACHGRAPH_PRINCIPAL } from '../access/access-rules.js';
import { findCallgraph, readSignedManifest, recordReference } from '../callgraphs/read-callgraph.js';
import type { AppContext } from '../context.js';
import { ulidParam } from './params.js';

/**
 * `GET /signals/callgraphs/{graphId}/manifest`: `{manifest, envelope}`, verified before it is
 * answered (contract §10.7). Manifests outlive retention, so this works for expired graphs too.
 */
export function mountGetCallgraphManifest(router: Router, ctx: AppContext): void {
  router.get('/callgraphs/:graphId/manifest', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const graphId = ulidParam(req, 'graphId');
    const { tenant, principal } = principalOf(req);
    const row = await findCallgraph(ctx, tenant, graphId, { includeExpired: true });
    const { manifest, envelope } = await readSignedManifest(ctx, row);
    if (principal === REACHGRAPH_PRINCIPAL && !row.deleted_at) {
      await recordReference(ctx, row.graph_id, `principal:${REACHGRAPH_PRINCIPAL}`);
    }
    res.json({ manifest, envelope });
  });
}
