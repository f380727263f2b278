import { type Graph, NO_OBSERVATION } from '../model/graph.js';
import type { ObservedFilter } from './types.js';

/**
 * The part of the graph a slice may use under an `observed` filter:
 * - none: everything;
 * - `only`: nodes observed at runtime, and the edges between two such nodes;
 * - `exclude`: nodes never observed, and the edges between two such nodes that were not observed
 *   themselves.
 */
export interface Admission {
  /** 1 for each admitted node, or null when every node is admitted. */
  readonly nodes: Uint8Array | null;
  /** Whether edges carrying an observation are left out. */
  readonly dropObservedEdges: boolean;
}

/** The admission of `filter` over `g`. */
export function admissionOf(g: Graph, filter: ObservedFilter | undefined): Admission {
  if (filter === undefined) return { nodes: null, dropObservedEdges: false };
  const want = filter === 'only';
  const nodes = new Uint8Array(g.nodeCount);
  const obs = g.nodes.observation;
  for (let i = 0; i < g.nodeCount; i++) nodes[i] = (obs[i] !== NO_OBSERVATION) === want ? 1 : 0;
  return { nodes, dropObservedEdges: !want };
}

/** Whether node `i` is admitted. */
export function nodeAdmitted(a: Admission, i: number): boolean {
  return a.nodes === null || a.nodes[i] === 1;
}

/** Whether forward edge `k` from `u` to `v` is admitted. */
export function edgeAdmitted(g: Graph, a: Admission, k: number, u: number, v: number): boolean {
  if (a.nodes !== null && (a.nodes[u] !== 1 || a.nodes[v] !== 1)) return false;
  return !a.dropObservedEdges || g.edges.observation[k] === NO_OBSERVATION;
}
