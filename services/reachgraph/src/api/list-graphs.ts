import type { ReachGraphList } from '@stella-ops/core';
import { allow } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import type { AppContext } from '../context.js';
import { listCursor, parseListRequest } from './list-query.js';
import { callerOf } from './params.js';
import { graphView } from './views.js';

/**
 * `GET /v1/reachgraphs`: a page of the tenant's graphs, newest first, that match every filter given
 * (artifact digest or name, a package URL or every version of one, a vulnerability): which stored
 * graphs to slice when a new CVE is published. Answers reachgraph.list@v1.
 */
export function listGraphs(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const { tenant } = callerOf(req);
    const request = parseListRequest(req.query as Record<string, unknown>);
    const page = await ctx.store.list(tenant, request.filter, {
      limit: request.query.limit,
      ...(request.after ? { after: request.after } : {}),
    });
    const body: ReachGraphList = {
      schemaVersion: 'reachgraph.list@v1',
      query: request.query,
      graphs: page.graphs.map(graphView),
      ...(page.next ? { nextCursor: listCursor(request.query, page.next) } : {}),
    };
    res.json(body);
  };
}

export function mountListGraphs(router: Router, ctx: AppContext): void {
  router.get('/', allow({ scope: 'reachgraph:read' }), listGraphs(ctx));
}
