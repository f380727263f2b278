import { allow, problems } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import type { AppContext } from '../context.js';
import { listCursor, MAX_LIST_LIMIT, parseListRequest } from './list-query.js';
import { artifactDigestParam, callerOf } from './params.js';
import { graphView } from './views.js';

/**
 * `GET /v1/reachgraphs/by-artifact/{artifactDigest}`: the tenant's graphs of one artifact, newest
 * first, `?limit` (1..500, default 500) at a time; `nextCursor` when there are more (`?cursor`).
 * Its cursors are those of `GET /v1/reachgraphs?artifactDigest=`, the same listing.
 */
export function listByArtifact(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const artifactDigest = artifactDigestParam(req);
    const { tenant } = callerOf(req);
    const params = req.query as Record<string, unknown>;
    for (const name of Object.keys(params)) {
      if (name !== 'limit' && name !== 'cursor') {
        throw problems.badRequest('QUERY_INVALID', `unknown parameter ?${name}`, [
          { pointer: `/${name}`, message: 'unknown parameter' },
        ]);
      }
    }
    // An artifact rarely has more graphs than one page holds: by default, a page as large as allowed.
    const request = parseListRequest({ ...params, artifactDigest }, MAX_LIST_LIMIT);
    const page = await ctx.store.list(tenant, request.filter, {
      limit: request.query.limit,
      ...(request.after ? { after: request.after } : {}),
    });
    res.json({
      artifactDigest,
      graphs: page.graphs.map(graphView),
      ...(page.next ? { nextCursor: listCursor(request.query, page.next) } : {}),
    });
  };
}

export function mountListByArtifact(router: Router, ctx: AppContext): void {
  router.get('/by-artifact/:artifactDigest', allow({ scope: 'reachgraph:read' }), listByArtifact(ctx));
}
