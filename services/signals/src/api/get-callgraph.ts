import { principalOf } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import { findCallgraph } from '../callgraphs/read-callgraph.js';
import type { AppContext } from '../context.js';
import { ulidParam } from './params.js';
import { sendCallgraph } from './send-callgraph.js';

/** `GET /signals/callgraphs/{graphId}`: the stored call graph (canonical NDJSON, verified). */
export function mountGetCallgraph(router: Router, ctx: AppContext): void {
  router.get('/callgraphs/:graphId', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const graphId = ulidParam(req, 'graphId');
    const row = await findCallgraph(ctx, principalOf(req).tenant, graphId);
    await sendCallgraph(ctx, req, res, row);
  });
}
