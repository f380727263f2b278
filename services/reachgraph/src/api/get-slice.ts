import { allow } from '@stella-ops/service-kit';
import type { RequestHandler, Response, Router } from 'express';
import type { SliceKey } from '../cache/slice-cache.js';
import type { AppContext } from '../context.js';
import { runSlice } from '../engine.js';
import { paginate } from '../slice/paginate.js';
import { parseSliceRequest } from '../slice/query.js';
import { answerEvidence } from '../vex/evidence-response.js';
import type { CveSliceQuery } from '../vex/slice-evidence.js';
import { checkEvidenceRequest, takeSliceFormat } from '../vex/slice-format.js';
import { zstdCompress, zstdDecompress } from '../zstd.js';
import { callerOf, graphDigestParam, graphNotFound } from './params.js';

const MAX_SLICE_BYTES = 512 * 1024 * 1024;

function send(res: Response, json: Buffer, source: string): void {
  res.setHeader('X-Slice-Source', source);
  res.setHeader('Cache-Control', 'private, no-cache');
  res.type('application/json').send(json);
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
    const slice = parseSliceRequest(params, {
      defaultLimit: ctx.cfg.limits.sliceDefaultLimit,
      maxLimit: ctx.cfg.limits.sliceMaxLimit,
    });
    const type = slice.query.type;
    checkEvidenceRequest(format, type);
    if (format !== 'json') {
      await answerEvidence(ctx, req, res, { tenant, digest, query: slice.query as CveSliceQuery, format });
      ctx.metrics.sliceDuration.observe({ type, source: format }, (performance.now() - started) / 1000);
      return;
    }
    const done = (source: string) =>
      ctx.metrics.sliceDuration.observe({ type, source }, (performance.now() - started) / 1000);
    const key: SliceKey = { tenant, digest, queryKey: slice.cacheKey };
    const useCache = !/\bno-cache\b/i.test(req.get('cache-control') ?? '');

    if (useCache) {
      const hot = await ctx.sliceCache.get(key);
      ctx.metrics.sliceCache.inc({ level: 'hot', result: hot === undefined ? 'miss' : 'hit' });
      if (hot !== undefined) {
        send(res, hot, ctx.sliceCache.kind);
        done(ctx.sliceCache.kind);
        return;
      }
      const durable = await ctx.store.getSlice(tenant, digest, slice.cacheKey);
      ctx.metrics.sliceCache.inc({ level: 'durable', result: durable === undefined ? 'miss' : 'hit' });
      if (durable !== undefined) {
        const json = zstdDecompress(durable, MAX_SLICE_BYTES);
        send(res, json, 'durable');
        done('durable');
        await ctx.sliceCache.set(key, json);
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
    const json = Buffer.from(
      JSON.stringify(paginate(full, slice.limit, slice.offset, slice.queryHash, type === 'cve')),
    );
    send(res, json, loaded.source === 'memory' ? 'computed-warm' : 'computed-cold');
    done(loaded.source === 'memory' ? 'computed-warm' : 'computed-cold');
    // A request that bypassed the caches does not refill them (its answer is what they would hold).
    if (useCache) await remember(ctx, key, slice.query, json);
  };
}

/** Stores an answer in both cache levels; a failure only costs a future recomputation. */
async function remember(ctx: AppContext, key: SliceKey, query: unknown, json: Buffer): Promise<void> {
  await ctx.sliceCache.set(key, json);
  try {
    const zst = zstdCompress(json);
    await ctx.store.putSlice(key.tenant, key.digest, key.queryKey, query, zst);
  } catch (err) {
    ctx.logger.warn({ err, digest: key.digest }, 'could not store a slice in the durable cache');
  }
}

export function mountGetSlice(router: Router, ctx: AppContext): void {
  router.get('/:digest/slice', allow({ scope: 'reachgraph:read' }), getSlice(ctx));
}
