import type { ReachGraphEdge, ReachGraphNode } from '@stella-ops/core';
import type { Graph } from '../model/graph.js';
import { NO_OBSERVATION } from '../model/graph.js';
import { explanationAt, nodeAt, observationAt } from '../model/materialize.js';
import type { Admission } from './admission.js';
import { firstEdge, type MadeHop } from './explain-path.js';
import type { TargetPaths } from './paths-to-targets.js';

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
 * What the paths of one page traverse: their nodes (a mask) and their hops, as the explanation of
 * each hop by the position of the first forward edge u→v (a response explains a hop u→v one way).
 */
export interface PathRestriction {
  readonly nodes: Uint8Array;
  readonly hops: ReadonlyMap<number, number>;
}

/** The nodes and hops of the paths `offset … offset + limit - 1` of `found`. */
export function pathRestriction(
  g: Graph,
  found: TargetPaths,
  offset: number,
  limit: number,
): PathRestriction {
  const nodes = new Uint8Array(g.nodeCount);
  const hops = new Map<number, number>();
  for (const seq of found.sequences.slice(offset, offset + limit)) {
    for (let i = 0; i < seq.length; i++) {
      const v = seq[i] as number;
      nodes[v] = 1;
      if (i === 0) continue;
      const first = firstEdge(g, seq[i - 1] as number, v);
      if (!hops.has(first)) hops.set(first, (found.hops.get(first) as MadeHop).explanation);
    }
  }
  return { nodes, hops };
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
  const all = membersOf(member);
  const total = all.length;
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
    // the paths' nodes are all in the answer: unless the limit cut it, they are the ones shown
    let shownMask = restriction.nodes;
    if (truncated) {
      shown = kept.filter((i) => restriction.nodes[i] === 1);
      shownMask = new Uint8Array(n);
      for (let k = 0; k < shown.length; k++) shownMask[shown[k] as number] = 1;
    } else {
      shown = membersOf(restriction.nodes);
    }
    collectEdges(g, shown, shownMask, admission, edges, restriction.hops, null);
  }
  const nodes: ReachGraphNode[] = new Array(shown.length);
  for (let k = 0; k < shown.length; k++) nodes[k] = nodeAt(g, shown[k] as number);
  return { nodes, edges, nodeTotal: total, edgeTotal, truncated };
}

/**
 * The indexes of the 1s of `mask` (0 or 1 per node), ascending. Reads four bytes at a time: a
 * slice's nodes are a small part of a large graph.
 */
function membersOf(mask: Uint8Array): Uint32Array {
  const n = mask.length;
  const words = mask.byteOffset % 4 === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, n >>> 2) : null;
  const tail = words === null ? 0 : words.length * 4;
  let total = 0;
  if (words !== null) {
    // times 0x01010101, a word of 0/1 bytes sums them into its top byte
    for (let w = 0; w < words.length; w++) total += Math.imul(words[w] as number, 0x01010101) >>> 24;
  }
  for (let i = tail; i < n; i++) total += mask[i] as number;
  const out = new Uint32Array(total);
  let at = 0;
  if (words !== null) {
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let i = w * 4; i < w * 4 + 4; i++) if (mask[i] === 1) out[at++] = i;
    }
  }
  for (let i = tail; i < n; i++) if (mask[i] === 1) out[at++] = i;
  return out;
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
 * `hops`, only those whose why.type and why.guard are those of the hop u→v in `hops` (then only those
 * are counted).
 */
function collectEdges(
  g: Graph,
  nodes: Uint32Array,
  mask: Uint8Array,
  admission: Admission,
  out: ReachGraphEdge[] | null,
  hops: ReadonlyMap<number, number> | null,
  shown: Uint8Array | null,
): number {
  const { offsets, targets } = g.forward;
  const allowed = admission.nodes;
  const edgeObs = g.edges.observation;
  const explanation = g.edges.explanation;
  const { type: whyType, guard: whyGuard } = g.explanations;
  const dropObserved = admission.dropObservedEdges;
  const pruned = admission.pruned;
  let count = 0;
  for (let a = 0; a < nodes.length; a++) {
    const u = nodes[a] as number;
    if (allowed !== null && allowed[u] !== 1) continue;
    const end = offsets[u + 1] as number;
    const showFrom = out !== null && (shown === null || shown[u] === 1);
    let from: string | undefined;
    let prev = -1;
    let firstOfRun = -1; // the position of the first edge u→v (parallel edges are adjacent)
    for (let k = offsets[u] as number; k < end; k++) {
      const v = targets[k] as number;
      if (v !== prev) {
        prev = v;
        firstOfRun = k;
      }
      if (mask[v] !== 1 || (allowed !== null && allowed[v] !== 1)) continue;
      const obs = edgeObs[k] as number;
      if (dropObserved && obs !== NO_OBSERVATION) continue;
      if (pruned !== null && pruned[k] === 1) continue;
      if (!showFrom || (shown !== null && shown[v] !== 1)) {
        if (hops === null) count++;
        continue;
      }
      const x = explanation[k] as number;
      if (hops !== null) {
        const hx = hops.get(firstOfRun);
        if (hx === undefined || whyType[x] !== whyType[hx] || whyGuard[x] !== whyGuard[hx]) continue;
      }
      const why = explanationAt(g, x);
      count++;
      from ??= g.strings.get(u);
      const edge: ReachGraphEdge = { from, to: g.strings.get(v), why };
      if (obs !== NO_OBSERVATION) edge.observed = observationAt(g, obs);
      (out as ReachGraphEdge[]).push(edge);
    }
  }
  return count;
}
