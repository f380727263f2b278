import { allow, problems } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import type { AppContext } from '../context.js';
import { zstdDecompress } from '../zstd.js';
import { callerOf, graphDigestParam, graphNotFound } from './params.js';

/**
 * `GET /v1/reachgraphs/{digest}/dsse`: the DSSE envelope of the graph: payload = the canonical JSON,
 * signatures = those recorded (uploaded ones that verified, and the service's with SignGraphs).
 * 404 `SIGNATURES_NOT_FOUND` when the graph exists but nobody signed it.
 */
export function getDsse(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const digest = graphDigestParam(req);
    const { tenant } = callerOf(req);
    const meta = await ctx.store.meta(tenant, digest);
    if (!meta) throw graphNotFound(digest);
    if (meta.signatures.length === 0) {
      throw problems.notFound('SIGNATURES_NOT_FOUND', `reachgraph ${digest} has no signatures`);
    }
    const stored = await ctx.store.canonicalZst(tenant, digest);
    if (!stored) throw graphNotFound(digest);
    const canonical = zstdDecompress(stored, meta.canonicalSize);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.json(ctx.signatures.envelope(canonical, meta.signatures));
  };
}

export function mountGetDsse(router: Router, ctx: AppContext): void {
  router.get('/:digest/dsse', allow({ scope: 'reachgraph:read' }), getDsse(ctx));
}
