import type { EdgeExplanation, ReachGraph, ReachGraphEdge, ReachGraphNode } from '@stella-ops/core';
import { createGraph } from '../model/create-graph.js';
import type { Graph } from '../model/graph.js';

/** A stand-in digest for graphs built in tests. */
export const DIGEST = `blake3:${'0'.repeat(64)}`;

/** A function node with `id` and optional fields. */
export function fn(id: string, extra: Partial<ReachGraphNode> = {}): ReachGraphNode {
  return { id, kind: 'function', ...extra };
}

/** An edge; `why` defaults to a DirectCall. */
export function edge(
  from: string,
  to: string,
  why: Partial<EdgeExplanation> = {},
  extra: Partial<ReachGraphEdge> = {},
): ReachGraphEdge {
  return { from, to, why: { type: 'DirectCall', ...why }, ...extra };
}

/** A reachgraph.min@v1 document around `nodes` and `edges`. */
export function doc(nodes: ReachGraphNode[], edges: ReachGraphEdge[]): ReachGraph {
  return {
    schemaVersion: 'reachgraph.min@v1',
    artifact: { name: 'test', digest: `sha256:${'1'.repeat(64)}` },
    scope: {},
    nodes,
    edges,
    provenance: { inputs: [], analyzer: { name: 'test', version: '1' } },
  };
}

/** A graph over `nodes` and `edges`. */
export function graph(nodes: ReachGraphNode[], edges: ReachGraphEdge[]): Graph {
  return createGraph(doc(nodes, edges), { digest: DIGEST });
}

/** A `sha256:` digest made of one repeated hex digit. */
export function sha(digit: string): string {
  return `sha256:${digit.repeat(64)}`;
}
