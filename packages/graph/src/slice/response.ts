import type { SlicePath, SliceQuery } from '@stella-ops/core';
import type { Graph } from '../model/graph.js';
import type { Limits } from './options.js';
import type { Selection } from './select.js';
import type { SliceResult } from './types.js';

/** What a slice adds to its node/edge selection. */
export interface ResponseExtras {
  matched: number;
  verdict?: SliceResult['verdict'];
  paths?: SlicePath[];
  pathsCut?: boolean;
  sinks?: SliceResult['sinks'];
}

/**
 * A slice-response.v1 document. `counts.nodes`/`counts.edges` describe the full answer (so they
 * exceed the array lengths when `truncated`); `counts.paths` is the number of paths returned.
 */
export function sliceResponse(
  g: Graph,
  query: SliceQuery,
  selection: Selection,
  extras: ResponseExtras,
  limits: Limits,
): SliceResult {
  const result: SliceResult = {
    schemaVersion: 'reachgraph.slice@v1',
    graphDigest: g.digest,
    query,
    nodes: selection.nodes,
    edges: selection.edges,
    counts: { nodes: selection.nodeTotal, edges: selection.edgeTotal, matched: extras.matched },
    truncated: selection.truncated || extras.pathsCut === true,
    limits: { maxNodes: limits.maxNodes, maxPaths: limits.maxPaths, pathsPerPair: limits.pathsPerPair },
  };
  if (extras.verdict !== undefined) result.verdict = extras.verdict;
  if (extras.paths !== undefined) {
    result.paths = extras.paths;
    result.counts.paths = extras.paths.length;
  }
  if (extras.sinks !== undefined) result.sinks = extras.sinks;
  return result;
}
