import type { ReachGraphEdge, ReachGraphNode, SlicePath } from '@stella-ops/core';
import type { Graph } from '../model/graph.js';
import { NO_OBSERVATION } from '../model/graph.js';
import { explanationAt, findNode, nodeAt, observationAt } from '../model/materialize.js';
import type { Admission } from './admission.js';

/** The nodes and edges of a slice answer after the node limit. */
export interface Selection {
  /** Node objects in id order. */
  nodes: ReachGraphNode[];
  /** Admitted edges between returned nodes, in (from, to, type, guard) order. */
  edges: ReachGraphEdge[];
  /** Nodes in the full answer (before the limit). */
  nodeTotal: number;
  /** Edges in the full answer (before the limit). */
  edgeTotal: number;
  /** True when the node limit cut the answer. */
  truncated: boolean;
}

/**
 * What the paths of one page traverse: their nodes (a mask) and their hops as
 * (from index, to index, why.type, why.guard) keys.
 */
export interface PathRestriction {
  readonly nodes: Uint8Array;
  readonly hops: ReadonlySet<string>;
}

/** The nodes and hops of `paths` (paths of a slice of `g`, so every id names a node). */
export function pathRestriction(g: Graph, paths: readonly SlicePath[]): PathRestriction {
  const nodes = new Uint8Array(g.nodeCount);
  const hops = new Set<string>();
  // Paths share most of their nodes: look each id up once.
  const found = new Map<string, number>();
  const mark = (id: string): number => {
    let i = found.get(id);
    if (i === undefined) {
      i = findNode(g, id);
      found.set(id, i);
      if (i >= 0) nodes[i] = 1;
    }
    return i;
  };
  for (const p of paths) {
    mark(p.entrypoint);
    mark(p.target);
    for (const h of p.hops) hops.add(hopKey(mark(h.from), mark(h.to), h.why.type, h.why.guard));
  }
  return { nodes, hops };
}

function hopKey(u: number, v: number, type: string, guard: string | undefined): string {
  return `${u}\u0000${v}\u0000${type}\u0000${guard ?? ''}`;
}

/**
 * The answer made of the nodes marked in `member` and the admitted edges between them. When there
 * are more than `maxNodes`, the nodes with the lowest `rank` (hops from the query's start; -1 = last)
 * are kept, ties by id. With `restriction`, only the kept nodes it marks and the edges between them
 * that match one of its hops are materialised (the totals still count the whole answer).
 */
export function selectAnswer(
  g: Graph,
  member: Uint8Array,
  rank: Int32Array | null,
  admission: Admission,
  maxNodes: number,
  restriction?: PathRestriction,
): Selection {
  const n = g.nodeCount;
  let total = 0;
  for (let i = 0; i < n; i++) total += member[i] as number;
  const all = new Uint32Array(total);
  for (let i = 0, at = 0; i < n; i++) if (member[i] === 1) all[at++] = i;
  let kept: Uint32Array = all;
  let keptMask = member;
  const truncated = total > maxNodes;
  if (truncated) {
    kept = nearest(all, rank, maxNodes);
    keptMask = new Uint8Array(n);
    for (let k = 0; k < kept.length; k++) keptMask[kept[k] as number] = 1;
  }
  const edges: ReachGraphEdge[] = [];
  let shown = kept;
  let edgeTotal: number;
  if (restriction === undefined) {
    // one pass counts the whole answer's edges and materialises those between kept nodes
    edgeTotal = collectEdges(g, all, member, admission, edges, null, truncated ? keptMask : null);
  } else {
    edgeTotal = collectEdges(g, all, member, admission, null, null, null);
    shown = kept.filter((i) => restriction.nodes[i] === 1);
    const shownMask = new Uint8Array(n);
    for (let k = 0; k < shown.length; k++) shownMask[shown[k] as number] = 1;
    collectEdges(g, shown, shownMask, admission, edges, restriction.hops, null);
  }
  const nodes: ReachGraphNode[] = new Array(shown.length);
  for (let k = 0; k < shown.length; k++) nodes[k] = nodeAt(g, shown[k] as number);
  return { nodes, edges, nodeTotal: total, edgeTotal, truncated };
}

/**
 * The `max` nodes of `all` (ascending) with the lowest (rank, index), ascending by index: a
 * histogram of ranks finds the cut-off rank, then one pass keeps everything below it and the
 * lowest-indexed nodes at it.
 */
function nearest(all: Uint32Array, rank: Int32Array | null, max: number): Uint32Array {
  if (rank === null) return all.slice(0, max);
  let top = 0;
  for (let k = 0; k < all.length; k++) top = Math.max(top, rank[all[k] as number] as number);
  const bucketOf = (i: number) => {
    const d = rank[i] as number;
    return d < 0 ? top + 1 : d;
  };
  const counts = new Uint32Array(top + 2);
  for (let k = 0; k < all.length; k++) {
    const b = bucketOf(all[k] as number);
    counts[b] = (counts[b] as number) + 1;
  }
  let cut = 0;
  let below = 0;
  while (below + (counts[cut] as number) < max) below += counts[cut++] as number;
  let room = max - below;
  const kept = new Uint32Array(max);
  let at = 0;
  for (let k = 0; k < all.length && at < max; k++) {
    const i = all[k] as number;
    const b = bucketOf(i);
    if (b < cut || (b === cut && room-- > 0)) kept[at++] = i;
  }
  return kept;
}

/**
 * Counts the admitted edges between nodes of `mask` (`nodes`: those nodes, ascending) and appends
 * to `out`, when given, those whose ends are both in `shown` as well (null: all of them) — with
 * `hops`, only those whose (from, to, type, guard) is one of them (then only those are counted).
 */
function collectEdges(
  g: Graph,
  nodes: Uint32Array,
  mask: Uint8Array,
  admission: Admission,
  out: ReachGraphEdge[] | null,
  hops: ReadonlySet<string> | null,
  shown: Uint8Array | null,
): number {
  const { offsets, targets } = g.forward;
  const allowed = admission.nodes;
  const edgeObs = g.edges.observation;
  const explanation = g.edges.explanation;
  const dropObserved = admission.dropObservedEdges;
  const pruned = admission.pruned;
  let count = 0;
  for (let a = 0; a < nodes.length; a++) {
    const u = nodes[a] as number;
    if (allowed !== null && allowed[u] !== 1) continue;
    const end = offsets[u + 1] as number;
    const showFrom = out !== null && (shown === null || shown[u] === 1);
    let from: string | undefined;
    for (let k = offsets[u] as number; k < end; k++) {
      const v = targets[k] as number;
      if (mask[v] !== 1 || (allowed !== null && allowed[v] !== 1)) continue;
      const obs = edgeObs[k] as number;
      if (dropObserved && obs !== NO_OBSERVATION) continue;
      if (pruned !== null && pruned[k] === 1) continue;
      if (!showFrom || (shown !== null && shown[v] !== 1)) {
        if (hops === null) count++;
        continue;
      }
      const why = explanationAt(g, explanation[k] as number);
      if (hops !== null && !hops.has(hopKey(u, v, why.type, why.guard))) continue;
      count++;
      from ??= g.strings.get(u);
      const edge: ReachGraphEdge = { from, to: g.strings.get(v), why };
      if (obs !== NO_OBSERVATION) edge.observed = observationAt(g, obs);
      (out as ReachGraphEdge[]).push(edge);
    }
  }
  return count;
}
