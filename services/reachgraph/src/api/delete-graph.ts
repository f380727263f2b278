import { allow } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import type { AppContext } from '../context.js';
import { subsystemLogger } from '../logger.js';
import { callerOf, graphDigestParam, graphNotFound } from './params.js';

/**
 * `DELETE /v1/reachgraphs/{digest}` (admin scope): removes the graph, its lookups and durable
 * slices, and writes `audit_log` in the same transaction; then drops the hot caches.
 */
export function deleteGraph(ctx: AppContext): RequestHandler {
  const audit = subsystemLogger(ctx.logger, 'audit');
  return async (req, res) => {
    const digest = graphDigestParam(req);
    const { tenant, actor } = callerOf(req);
    const deleted = await ctx.store.delete(tenant, digest, actor);
    if (!deleted) throw graphNotFound(digest);
    audit.info(
      { action: 'graph.delete', tenant, digest, principal: actor.principal, subject: actor.subject },
      'graph deleted',
    );
    ctx.graphs.forget(digest);
    await ctx.sliceCache.forgetGraph(tenant, digest);
    res.status(204).end();
  };
}

export function mountDeleteGraph(router: Router, ctx: AppContext): void {
  router.delete('/:digest', allow({ scope: 'reachgraph:admin' }), deleteGraph(ctx));
}
