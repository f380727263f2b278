import { canonicalizeToBytes } from '@stella-ops/core';
import { allow, problems } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import { bundleFileName, createBundle } from '../bundle/create-bundle.js';
import type { AppContext } from '../context.js';
import { parseSliceRequest, sliceLimitsOf } from '../slice/query.js';
import type { CveSliceQuery } from '../vex/slice-evidence.js';
import { callerOf, graphDigestParam } from './params.js';

const KNOWN = new Set(['cve', 'assume', 'include']);

/** The bundle's query and options from `?cve=…[&assume=…][&include=graph]`; 400 with a stable code. */
function bundleRequest(
  params: Record<string, unknown>,
  ctx: AppContext,
): { query: CveSliceQuery; includeGraph: boolean } {
  for (const name of Object.keys(params)) {
    if (!KNOWN.has(name)) {
      throw problems.badRequest('QUERY_INVALID', `unknown parameter ?${name}`, [
        { pointer: `/${name}`, message: 'unknown parameter' },
      ]);
    }
  }
  if (params['cve'] === undefined) {
    throw problems.badRequest('QUERY_INVALID', '?cve is required: a bundle holds the evidence of one CVE', [
      { pointer: '/cve', message: 'required' },
    ]);
  }
  const include = params['include'];
  if (include !== undefined && include !== 'graph') {
    throw problems.badRequest('QUERY_INVALID', '?include takes one value: graph', [
      { pointer: '/include', message: 'not graph' },
    ]);
  }
  const slice = parseSliceRequest(
    { cve: params['cve'], ...(params['assume'] === undefined ? {} : { assume: params['assume'] }) },
    sliceLimitsOf(ctx.cfg.limits),
  );
  return { query: slice.query as CveSliceQuery, includeGraph: include === 'graph' };
}

/**
 * `GET /v1/reachgraphs/{digest}/bundle?cve=X[&assume=…][&include=graph]`: the offline evidence
 * bundle (`reachgraph.bundle@v1`) as a download — its canonical JSON, so the same graph, query and
 * keys give the same bytes. Another tenant's graph answers 404 like a missing one.
 */
export function getBundle(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const digest = graphDigestParam(req);
    const { tenant } = callerOf(req);
    const { query, includeGraph } = bundleRequest(req.query as Record<string, unknown>, ctx);
    const bundle = await createBundle(ctx, { tenant, digest, query, includeGraph });
    const bytes = canonicalizeToBytes(bundle);
    const name = bundleFileName(digest, query.cve, (query as { assume?: Record<string, string> }).assume);
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.type('application/json').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  };
}

export function mountGetBundle(router: Router, ctx: AppContext): void {
  router.get('/:digest/bundle', allow({ scope: 'reachgraph:read' }), getBundle(ctx));
}
