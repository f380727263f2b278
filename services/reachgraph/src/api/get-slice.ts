import { allow } from '@stella-ops/service-kit';
import type { RequestHandler, Response, Router } from 'express';
import { cachedAnswer, rememberAnswer } from '../cache/slice-answers.js';
import type { SliceKey } from '../cache/slice-cache.js';
import type { AppContext } from '../context.js';
import { runSlice } from '../engine.js';
import { paginate } from '../slice/paginate.js';
import { parseSliceRequest, sliceLimitsOf } from '../slice/query.js';
import { answerEvidence } from '../vex/evidence-response.js';
import type { CveSliceQuery } from '../vex/slice-evidence.js';
import { checkEvidenceRequest, takeSliceFormat } from '../vex/slice-format.js';
import { endWithJsonText } from './json-text.js';
import { callerOf, graphDigestParam, graphNotFound } from './params.js';

/** Sends a slice's JSON: a cached answer's bytes as they are, a computed one's text encoded once. */
function send(res: Response, json: Buffer | string, source: string): void {
  res.setHeader('X-Slice-Source', source);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (typeof json === 'string') {
    endWithJsonText(res, json);
    return;
  }
  res.setHeader('Content-Length', json.length);
  res.end(json);
}

/**
 * `GET /v1/reachgraphs/{digest}/slice`: answered from the hot cache (Redis or in-process), then the
 * durable cache (`slice_cache`), then the engine on the decoded graph. `Cache-Control: no-cache` on
 * the request skips both caches (and does not refill them). `?format=openvex` / `openvex-dsse` (CVE
 * slices) answer the slice's OpenVEX document / signed in-toto statement instead (see `../vex`).
 */
export function getSlice(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const started = performance.now();
    const digest = graphDigestParam(req);
    const { tenant } = callerOf(req);
    const { format, rest: params } = takeSliceFormat(req.query as Record<string, unknown>);
    const slice = parseSliceRequest(params, sliceLimitsOf(ctx.cfg.limits));
    const type = slice.query.type;
    checkEvidenceRequest(format, type);
    const done = (source: string) =>
      ctx.metrics.sliceDuration.observe({ type, source }, (performance.now() - started) / 1000);
    const useCache = !/\bno-cache\b/i.test(req.get('cache-control') ?? '');
    if (format !== 'json') {
      const query = slice.query as CveSliceQuery;
      const source = await answerEvidence(ctx, req, res, { tenant, digest, query, format, useCache });
      done(`${format}-${source}`);
      return;
    }
    const key: SliceKey = { tenant, digest, queryKey: slice.cacheKey };

    if (useCache) {
      const hit = await cachedAnswer(ctx, key);
      if (hit) {
        send(res, hit.bytes, hit.source);
        done(hit.source);
        await hit.afterSend();
        return;
      }
    }

    // A CVE slice reads only the graph's CVE core when the whole graph is not in memory.
    const loaded = await (type === 'cve'
      ? ctx.graphs.loadForCve(tenant, digest)
      : ctx.graphs.load(tenant, digest));
    if (!loaded) throw graphNotFound(digest);
    const full = runSlice(loaded.graph, slice.query, {
      maxNodes: ctx.cfg.limits.sliceMaxNodes,
      maxPaths: ctx.cfg.limits.sliceMaxPaths,
      // A CVE page always carries just what its paths traverse: the engine materialises only that.
      ...(type === 'cve' ? { pathPage: { offset: slice.offset, limit: slice.limit } } : {}),
    });
    // The slice may have memoised facts, strings and buffers on the graph: the LRU weighs them too.
    ctx.graphs.reweigh(loaded.graph);
    const json = JSON.stringify(paginate(full, slice.limit, slice.offset, slice.queryHash, type === 'cve'));
    send(res, json, loaded.source === 'memory' ? 'computed-warm' : 'computed-cold');
    done(loaded.source === 'memory' ? 'computed-warm' : 'computed-cold');
    // A request that bypassed the caches does not refill them (its answer is what they would hold).
    if (useCache) await rememberAnswer(ctx, key, slice.query, Buffer.from(json));
  };
}

export function mountGetSlice(router: Router, ctx: AppContext): void {
  router.get('/:digest/slice', allow({ scope: 'reachgraph:read' }), getSlice(ctx));
}
