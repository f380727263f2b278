import { type ReachGraph, reachGraphDigest } from '@stella-ops/core';
import { createGraph } from './create-graph.js';
import type { Graph } from './graph.js';

/**
 * Indexes a reachgraph.min@v1 document for slicing, computing its digest with core's
 * `reachGraphDigest` (use {@link createGraph} when the digest is already known).
 */
export async function loadGraph(doc: ReachGraph): Promise<Graph> {
  return createGraph(doc, { digest: await reachGraphDigest(doc) });
}
