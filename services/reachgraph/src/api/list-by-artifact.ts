import { allow } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import type { AppContext } from '../context.js';
import { artifactDigestParam, callerOf } from './params.js';
import { graphView } from './views.js';

/** `GET /v1/reachgraphs/by-artifact/{artifactDigest}`: the tenant's graphs of one artifact, newest first. */
export function listByArtifact(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const artifactDigest = artifactDigestParam(req);
    const { tenant } = callerOf(req);
    const graphs = await ctx.store.byArtifact(tenant, artifactDigest);
    res.json({ artifactDigest, graphs: graphs.map(graphView) });
  };
}

export function mountListByArtifact(router: Router, ctx: AppContext): void {
  router.get('/by-artifact/:artifactDigest', allow({ scope: 'reachgraph:read' }), listByArtifact(ctx));
}
