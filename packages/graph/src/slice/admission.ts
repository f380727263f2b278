import { type Graph, NO_OBSERVATION } from '../model/graph.js';
import type { ObservedFilter } from './types.js';

/**
 * The part of the graph a slice may use under an `observed` filter:
 * - none: everything;
 * - `only`: nodes observed at runtime, and the edges between two such nodes;
 * - `exclude`: nodes never observed, and the edges between two such nodes that were not observed
 *   themselves.
 * Under assumptions (`assume`), the edges they prune are left out as well.
 */
export interface Admission {
  /** 1 for each admitted node, or null when every node is admitted. */
  readonly nodes: Uint8Array | null;
  /** Whether edges carrying an observation are left out. */
  readonly dropObservedEdges: boolean;
  /** 1 for each edge (forward order) left out whatever its nodes, or null when none is. */
  readonly pruned: Uint8Array | null;
}

/** The admission of `filter` over `g`. */
export function admissionOf(g: Graph, filter: ObservedFilter | undefined): Admission {
  if (filter === undefined) return { nodes: null, dropObservedEdges: false, pruned: null };
  const want = filter === 'only';
  const nodes = new Uint8Array(g.nodeCount);
  const obs = g.nodes.observation;
  for (let i = 0; i < g.nodeCount; i++) nodes[i] = (obs[i] !== NO_OBSERVATION) === want ? 1 : 0;
  return { nodes, dropObservedEdges: !want, pruned: null };
}

/** Whether node `i` is admitted. */
export function nodeAdmitted(a: Admission, i: number): boolean {
  return a.nodes === null || a.nodes[i] === 1;
}

/** Whether forward edge `k` from `u` to `v` is admitted. */
export function edgeAdmitted(g: Graph, a: Admission, k: number, u: number, v: number): boolean {
  if (a.nodes !== null && (a.nodes[u] !== 1 || a.nodes[v] !== 1)) return false;
  if (a.pruned !== null && a.pruned[k] === 1) return false;
  return !a.dropObservedEdges || g.edges.observation[k] === NO_OBSERVATION;
}

/** `a` with the edges marked in `edges` (or none, when null) left out as well. */
export function withoutEdges(a: Admission, edges: Uint8Array | null): Admission {
  if (edges === null) return a;
  if (a.pruned === null) return { ...a, pruned: edges };
  const pruned = new Uint8Array(edges.length);
  for (let k = 0; k < edges.length; k++) pruned[k] = (a.pruned[k] as number) | (edges[k] as number);
  return { ...a, pruned };
}

/** Whether some admitted edge u→v starts at position `e` (parallel edges are adjacent) before `end`. */
export function anyAdmittedEdge(g: Graph, a: Admission, e: number, end: number, v: number): boolean {
  const targets = g.forward.targets;
  const obs = a.dropObservedEdges ? g.edges.observation : null;
  const pruned = a.pruned;
  for (let x = e; x < end && targets[x] === v; x++) {
    if (obs !== null && obs[x] !== NO_OBSERVATION) continue;
    if (pruned !== null && pruned[x] === 1) continue;
    return true;
  }
  return false;
}
