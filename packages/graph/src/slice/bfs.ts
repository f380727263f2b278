import type { Graph, ReverseAdjacency } from '../model/graph.js';
import { NO_OBSERVATION } from '../model/graph.js';
import type { Admission } from './admission.js';

/** The outcome of a breadth-first search. */
export interface Reach {
  /** Hops from the nearest seed, or -1 when not reached. */
  readonly dist: Int32Array;
  /** Reached nodes by (hops, node index): seeds first. */
  readonly order: Uint32Array;
}

/**
 * A part of the graph searched many times (the forward reach of a slice's entrypoints), prepared
 * once: see {@link searchRegion}.
 */
export interface SearchRegion {
  /** A bitmap with the bit of every node outside the region set. */
  readonly blocked: Int32Array;
  /**
   * The reverse adjacency restricted to edges between two nodes of the region (about half of the
   * edges into it, at 100k nodes), or null when not prepared.
   */
  readonly reverse: ReverseAdjacency | null;
}

/**
 * The {@link SearchRegion} of the nodes marked 1 in `mask` (all admitted), with its restricted
 * reverse adjacency when `withReverse` (worth it when the region is searched backward many times).
 */
export function searchRegion(g: Graph, mask: Uint8Array, withReverse: boolean): SearchRegion {
  const n = g.nodeCount;
  const blocked = new Int32Array((n + 31) >>> 5).fill(-1);
  for (let v = 0; v < n; v++) {
    if (mask[v] === 1) blocked[v >>> 5] = (blocked[v >>> 5] as number) & ~(1 << (v & 31));
  }
  if (!withReverse) return { blocked, reverse: null };
  const { offsets, sources, edges } = g.reverse;
  const inOffsets = new Uint32Array(n + 1);
  let count = 0;
  for (let v = 0; v < n; v++) {
    inOffsets[v] = count;
    if (mask[v] !== 1) continue;
    const end = offsets[v + 1] as number;
    for (let p = offsets[v] as number; p < end; p++) if (mask[sources[p] as number] === 1) count++;
  }
  inOffsets[n] = count;
  const inSources = new Uint32Array(count);
  const inEdges = new Uint32Array(count);
  for (let v = 0, at = 0; v < n; v++) {
    if (mask[v] !== 1) continue;
    const end = offsets[v + 1] as number;
    for (let p = offsets[v] as number; p < end; p++) {
      const u = sources[p] as number;
      if (mask[u] !== 1) continue;
      inSources[at] = u;
      inEdges[at++] = edges[p] as number;
    }
  }
  return { blocked, reverse: { offsets: inOffsets, sources: inSources, edges: inEdges } };
}

/**
 * Breadth-first search from `seeds` over admitted edges, `forward` (callees) or backward (callers),
 * up to `maxDepth` hops; with `within`, only through nodes marked 1 there. Seeds must be admitted
 * (and inside `within`); duplicates are fine.
 */
export function bfs(
  g: Graph,
  seeds: ArrayLike<number>,
  forward: boolean,
  maxDepth: number,
  admission: Admission,
  within: Uint8Array | null = null,
): Reach {
  const dist = new Int32Array(g.nodeCount).fill(-1);
  const queue = new Uint32Array(g.nodeCount);
  const count = bfsInto(g, seeds, forward, maxDepth, admission, within, dist, queue);
  return { dist, order: queue.subarray(0, count) };
}

/**
 * {@link bfs} into caller-owned buffers: `dist` must hold -1 for every node on entry; the reached
 * nodes end up in `queue[0 … count)`, ordered by (hops, node index). Returns `count`;
 * {@link clearReach} restores `dist`. `region`, when given, must describe `within` under
 * `admission` (callers that search one region many times keep it).
 *
 * The search goes layer by layer, expands each layer in ascending node order and tests "seen" in a
 * bitmap: on large graphs this turns random reads of the adjacency arrays into mostly forward ones
 * and keeps the random reads inside a bitmap that fits in cache (about 2× faster at 1M nodes).
 */
export function bfsInto(
  g: Graph,
  seeds: ArrayLike<number>,
  forward: boolean,
  maxDepth: number,
  admission: Admission,
  within: Uint8Array | null,
  dist: Int32Array,
  queue: Uint32Array,
  region: SearchRegion | null = null,
): number {
  const words = (g.nodeCount + 31) >>> 5;
  const allowed = admission.nodes;
  // With a region, nodes outside `allowed` or `within` start out "seen": one bit test per edge
  // checks all three.
  const seen = region !== null ? region.blocked.slice() : new Int32Array(words);
  const masks = region === null && (allowed !== null || within !== null);
  let tail = 0;
  for (let s = 0; s < seeds.length; s++) {
    const v = seeds[s] as number;
    if (dist[v] === -1) {
      dist[v] = 0;
      seen[v >>> 5] = (seen[v >>> 5] as number) | (1 << (v & 31));
      queue[tail++] = v;
    }
  }
  const reverse = region?.reverse ?? g.reverse;
  const offsets = forward ? g.forward.offsets : reverse.offsets;
  const next = forward ? g.forward.targets : reverse.sources;
  const edgeOf = forward ? null : reverse.edges;
  const edgeObs = admission.dropObservedEdges ? g.edges.observation : null;
  const pruned = admission.pruned;
  const plain = !masks && edgeObs === null && pruned === null;
  let layer: Int32Array | null = null;
  let head = 0;
  for (let depth = 0; head < tail && depth < maxDepth; depth++) {
    const end = tail;
    if (end - head > 1) {
      if ((end - head) * 8 > words) {
        layer ??= new Int32Array(words);
        sortByBitmap(queue, head, end, layer);
      } else {
        queue.subarray(head, end).sort();
      }
    }
    const d = depth + 1;
    for (; head < end; head++) {
      const u = queue[head] as number;
      const stop = offsets[u + 1] as number;
      for (let p = offsets[u] as number; p < stop; p++) {
        const v = next[p] as number;
        const w = v >>> 5;
        const bit = 1 << (v & 31);
        if (((seen[w] as number) & bit) !== 0) continue;
        if (!plain) {
          if (masks) {
            if (allowed !== null && allowed[v] !== 1) continue;
            if (within !== null && within[v] !== 1) continue;
          }
          if (edgeObs !== null || pruned !== null) {
            const k = edgeOf === null ? p : (edgeOf[p] as number);
            if (edgeObs !== null && edgeObs[k] !== NO_OBSERVATION) continue;
            if (pruned !== null && pruned[k] === 1) continue;
          }
        }
        seen[w] = (seen[w] as number) | bit;
        dist[v] = d;
        queue[tail++] = v;
      }
    }
  }
  if (tail - head > 1) queue.subarray(head, tail).sort();
  return tail;
}

/** Sorts `queue[from, to)` (distinct nodes) by setting their bits in `bits`, then reading them back. */
function sortByBitmap(queue: Uint32Array, from: number, to: number, bits: Int32Array): void {
  for (let k = from; k < to; k++) {
    const v = queue[k] as number;
    bits[v >>> 5] = (bits[v >>> 5] as number) | (1 << (v & 31));
  }
  let at = from;
  for (let w = 0; w < bits.length && at < to; w++) {
    let b = bits[w] as number;
    if (b === 0) continue;
    bits[w] = 0;
    while (b !== 0) {
      const low = b & -b;
      queue[at++] = w * 32 + (31 - Math.clz32(low));
      b ^= low;
    }
  }
}

/** Sets `dist` back to -1 for the `count` nodes in `queue` (after {@link bfsInto}). */
export function clearReach(dist: Int32Array, queue: Uint32Array, count: number): void {
  for (let k = 0; k < count; k++) dist[queue[k] as number] = -1;
}
