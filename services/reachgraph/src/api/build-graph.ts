import { type BuildRequest, validate } from '@stella-ops/core';
import { allow, parseJsonBody, readBody } from '@stella-ops/service-kit';
import type { RequestHandler, Router } from 'express';
import { buildFromSignals } from '../build/build-from-signals.js';
import type { AppContext } from '../context.js';
import { callerOf, requireJsonBody } from './params.js';

/**
 * `POST /v1/reachgraphs/build`: a build-request@v1 (Signals call graph id, batch ids, sinks or an
 * OSV document, artifact) → the graph built from the verified Signals inputs, stored: 201 the
 * first time, 200 when the same inputs were built before (same digest). The answer is the upsert
 * answer plus the inputs by digest and what the builder could not place.
 */
export function buildGraph(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const { tenant, actor } = callerOf(req);
    requireJsonBody(req, 'a build-request@v1 document');
    const body = await readBody(req, { maxBytes: ctx.cfg.limits.maxReplayBytes });
    const request = validate('build-request@v1', parseJsonBody(body)) as BuildRequest;
    const out = await buildFromSignals(ctx, tenant, actor, request);
    res
      .status(out.stored.status)
      .location(`/v1/reachgraphs/${out.stored.digest}`)
      .json({
        ...out.stored.body,
        inputs: out.inputs,
        unmatchedSinks: out.unmatchedSinks,
        unmatchedFacts: out.unmatchedFacts,
      });
  };
}

export function mountBuildGraph(router: Router, ctx: AppContext): void {
  router.post('/build', allow({ scope: 'reachgraph:write' }), buildGraph(ctx));
}
