import { principalOf } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import { findCallgraphByDigest } from '../callgraphs/read-callgraph.js';
import type { AppContext } from '../context.js';
import { sha256Value } from './params.js';
import { sendCallgraph } from './send-callgraph.js';

/** `GET /signals/callgraphs/by-digest/{digest}`: the call graph with that content (ReachGraph replay). */
export function mountGetCallgraphByDigest(router: Router, ctx: AppContext): void {
  router.get('/callgraphs/by-digest/:digest', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const digest = sha256Value(req.params['digest'], 'digest');
    const row = await findCallgraphByDigest(ctx, principalOf(req).tenant, digest);
    await sendCallgraph(ctx, req, res, row);
  });
}
