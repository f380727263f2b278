import { allow } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import type { AppContext } from '../context.js';
import { diffGraphs } from '../diff/diff-graphs.js';
import { parseDiffRequest } from '../diff/diff-request.js';
import { callerOf, graphDigestParam } from './params.js';

/**
 * `GET /v1/reachgraphs/{digest}/diff/{baseDigest}?cve=X|file=GLOB[&assume=…][&observed=…]`: what
 * changed in the query's reachability from the base graph to the head graph (reachgraph.diff@v1).
 */
export function getDiff(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const digest = graphDigestParam(req, 'digest');
    const baseDigest = graphDigestParam(req, 'baseDigest');
    const query = parseDiffRequest(req.query as Record<string, unknown>);
    const { tenant } = callerOf(req);
    const diff = await diffGraphs(ctx, { tenant, digest, baseDigest, query });
    ctx.metrics.diffs.inc({
      type: query.type,
      outcome: diff.sinks.newlyReachable.length > 0 ? 'newly_reachable' : 'unchanged',
    });
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(diff);
  };
}

export function mountGetDiff(router: Router, ctx: AppContext): void {
  router.get('/:digest/diff/:baseDigest', allow({ scope: 'reachgraph:read' }), getDiff(ctx));
}
