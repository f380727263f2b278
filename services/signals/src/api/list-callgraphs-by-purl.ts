import { principalOf, problems } from '@stella-ops/service-kit';
import type { Router } from 'express';
import { ACCESS, guard } from '../access/access-rules.js';
import { listByPurl } from '../callgraphs/list-by-purl.js';
import type { AppContext } from '../context.js';
import { limitParam, queryParam } from './params.js';

/**
 * `GET /signals/callgraphs/by-purl/{purl}?cursor=&limit=`: every call graph of a component
 * (`{items: [manifest...], nextCursor?}`). The purl is URL-encoded as one segment; unencoded
 * slashes are accepted too.
 */
export function mountListCallgraphsByPurl(router: Router, ctx: AppContext): void {
  router.get('/callgraphs/by-purl/*purl', ...guard(ACCESS.read, ctx.tenants), async (req, res) => {
    const raw = (req.params as Record<string, unknown>)['purl'];
    const purl = Array.isArray(raw) ? raw.join('/') : String(raw ?? '');
    if (purl === '') throw problems.badRequest('PURL_INVALID', 'a purl is required');
    const limit = limitParam(req, ctx.cfg.limits.pageSizeDefault, ctx.cfg.limits.pageSizeMax);
    const cursor = queryParam(req, 'cursor');
    const page = await listByPurl(ctx, principalOf(req).tenant, purl, {
      limit,
      ...(cursor ? { cursor } : {}),
    });
    res.json(page);
  });
}
