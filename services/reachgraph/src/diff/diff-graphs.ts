import type { ReachGraphDiff, SliceQuery } from '@stella-ops/core';
import { diffSlices } from '@stella-ops/graph';
import { graphNotFound } from '../api/params.js';
import type { AppContext } from '../context.js';
import { runSlice } from '../engine.js';

/** A diff of one query between two graphs of a tenant. */
export interface DiffRequest {
  tenant: string;
  /** The head graph. */
  digest: string;
  /** The base graph. */
  baseDigest: string;
  /** A normalised cve or file query. */
  query: SliceQuery;
}

/**
 * Slices both graphs with the whole path set (bounded by the configured `SLICE_MAX_NODES` and
 * `SLICE_MAX_PATHS`, never one page) and diffs them. A graph the tenant cannot see is 404
 * `GRAPH_NOT_FOUND`, exactly like a missing one.
 */
export async function diffGraphs(ctx: AppContext, req: DiffRequest): Promise<ReachGraphDiff> {
  // A CVE diff needs only each graph's CVE core (see GraphCache.loadForCve).
  const load = (digest: string) =>
    req.query.type === 'cve'
      ? ctx.graphs.loadForCve(req.tenant, digest)
      : ctx.graphs.load(req.tenant, digest);
  const head = await load(req.digest);
  if (!head) throw graphNotFound(req.digest);
  const base = req.baseDigest === req.digest ? head : await load(req.baseDigest);
  if (!base) throw graphNotFound(req.baseDigest);
  const limits = { maxNodes: ctx.cfg.limits.sliceMaxNodes, maxPaths: ctx.cfg.limits.sliceMaxPaths };
  const baseSlice = runSlice(base.graph, req.query, limits);
  const headSlice = runSlice(head.graph, req.query, limits);
  // Slicing memoises on the graphs: the LRU weighs that too.
  ctx.graphs.reweigh(base.graph);
  ctx.graphs.reweigh(head.graph);
  return diffSlices(baseSlice, headSlice, { maxPaths: ctx.cfg.limits.sliceMaxPaths });
}
