import { fail } from '../error.js';
import type { Graph } from '../model/graph.js';
import { NO_OBSERVATION } from '../model/graph.js';
import type { Admission } from './admission.js';

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
  if (maxDepth === Number.POSITIVE_INFINITY) return closure(g, start, forward, admission);
  const reach = bfs(g, start, forward, maxDepth, admission);
  const out = new Uint32Array(reach.order.length);
  for (let i = 0, at = 0; i < g.nodeCount; i++) if (reach.dist[i] !== -1) out[at++] = i;
  return out;
}

/**
 * The unbounded closure: with no depth to track, a depth-first walk that marks a bitmap, read back
 * in ascending order — no distances, no layer sorting (about twice as fast as {@link bfs} here).
 */
function closure(g: Graph, seeds: readonly number[], forward: boolean, admission: Admission): Uint32Array {
  const seen = new Int32Array((g.nodeCount + 31) >>> 5);
  const stack = new Uint32Array(g.nodeCount);
  const offsets = forward ? g.forward.offsets : g.reverse.offsets;
  const next = forward ? g.forward.targets : g.reverse.sources;
  const edgeOf = forward ? null : g.reverse.edges;
  const allowed = admission.nodes;
  const edgeObs = admission.dropObservedEdges ? g.edges.observation : null;
  const pruned = admission.pruned;
  let count = 0;
  let top = 0;
  for (const v of seeds) {
    if (((seen[v >>> 5] as number) & (1 << (v & 31))) !== 0) continue;
    seen[v >>> 5] = (seen[v >>> 5] as number) | (1 << (v & 31));
    stack[top++] = v;
    count++;
  }
  while (top > 0) {
    const u = stack[--top] as number;
    const stop = offsets[u + 1] as number;
    for (let p = offsets[u] as number; p < stop; p++) {
      const v = next[p] as number;
      const w = v >>> 5;
      const bit = 1 << (v & 31);
      if (((seen[w] as number) & bit) !== 0) continue;
      if (allowed !== null && allowed[v] !== 1) continue;
      if (edgeObs !== null || pruned !== null) {
        const k = edgeOf === null ? p : (edgeOf[p] as number);
        if (edgeObs !== null && edgeObs[k] !== NO_OBSERVATION) continue;
        if (pruned !== null && pruned[k] === 1) continue;
      }
      seen[w] = (seen[w] as number) | bit;
      stack[top++] = v;
      count++;
    }
  }
  const out = new Uint32Array(count);
  for (let w = 0, at = 0; at < count; w++) {
    let b = seen[w] as number;
    while (b !== 0) {
      const low = b & -b;
      out[at++] = w * 32 + (31 - Math.clz32(low));
      b ^= low;
    }
  }
  return out;
}

/** The entrypoint nodes (`isEntrypoint`), ascending. */
export function entrypointNodes(g: Graph): number[] {
  return [...filterFacts(g, undefined).entries];
}
