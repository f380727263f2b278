import { fail } from '../error.js';
import type { Graph } from '../model/graph.js';

import { bfs } from './bfs.js';
import { checkObserved } from './check-query.js';
import { filterFacts } from './derived.js';
import type { ObservedFilter } from './types.js';

/** Options of {@link reachableNodes}. */
export interface ReachableOptions {
  /** `downstream` (callees, default) or `upstream` (callers). */
  direction?: 'downstream' | 'upstream';
  /** Most hops (default: unbounded). */
  maxDepth?: number;
  observed?: ObservedFilter;
}

/**
 * The nodes reachable from `seeds` (node indexes, included themselves), ascending — the reachable
 * set without building a slice response. Seeds the `observed` filter excludes are skipped.
 */
export function reachableNodes(
  g: Graph,
  seeds: readonly number[],
  options: ReachableOptions = {},
): Uint32Array {
  const { admission } = filterFacts(g, checkObserved(options.observed));
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  if (!(maxDepth >= 0)) fail('QUERY_INVALID', 'maxDepth must be a non-negative number');
  const start = seeds.filter((s) => {
    if (!Number.isInteger(s) || s < 0 || s >= g.nodeCount) fail('QUERY_INVALID', `no node ${s}`);
    return admission.nodes === null || admission.nodes[s] === 1;
  });
  const forward = options.direction !== 'upstream';
  const reach = bfs(g, start, forward, maxDepth, admission);
  const out = new Uint32Array(reach.order.length);
  for (let i = 0, at = 0; i < g.nodeCount; i++) if (reach.dist[i] !== -1) out[at++] = i;
  return out;
}

/** The entrypoint nodes (`isEntrypoint`), ascending. */
export function entrypointNodes(g: Graph): number[] {
  return [...filterFacts(g, undefined).entries];
}
