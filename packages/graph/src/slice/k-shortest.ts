import type { Graph } from '../model/graph.js';
import { type Admission, anyAdmittedEdge } from './admission.js';
import { MinHeap } from './min-heap.js';

/** Paths found for one (source, target) pair. */
export interface PairPaths {
  /** Node sequences source → … → target, shortest first, ties in lexicographic node order. */
  paths: number[][];
  /** True when the search stopped at its expansion budget before finding `k` paths or exhausting. */
  cut: boolean;
}

interface Partial {
  nodes: number[];
  /** Path length so far plus the exact remaining distance ignoring simplicity (a lower bound). */
  f: number;
}

/**
 * The `k` shortest simple paths from `source` to a target, by best-first search with the exact
 * distance-to-target as heuristic (`toTarget`, from a backward BFS; -1 = cannot reach the target).
 * Partial paths are expanded in (lower bound, node sequence) order; since extending a path never
 * lowers its key, complete paths come out ordered by (length, lexicographic node order) —
 * deterministic, with ties broken by node index.
 *
 * The first path is found directly (always step to the lowest-indexed neighbour one hop closer),
 * so the shortest path is returned however long it is. The search for more stops, with `cut`, after
 * `budget` expansions or once it has copied `budget × 64` path entries (very long paths).
 */
export function kShortestPaths(
  g: Graph,
  source: number,
  toTarget: Int32Array,
  k: number,
  budget: number,
  admission: Admission,
): PairPaths {
  const d0 = toTarget[source] as number;
  if (d0 < 0) return { paths: [], cut: false };
  const first = shortestPath(g, source, toTarget, admission);
  const paths: number[][] = [first];
  if (k <= 1) return { paths, cut: false };
  const heap = new MinHeap<Partial>(lessPartial);
  heap.push({ nodes: [source], f: d0 });
  const { offsets, targets } = g.forward;
  const filtered = admission.dropObservedEdges || admission.pruned !== null;
  let expanded = 0;
  let copied = 0;
  let skippedFirst = false;
  while (heap.size > 0 && paths.length < k) {
    if (expanded >= budget || copied >= budget * 64) return { paths, cut: true };
    expanded++;
    const p = heap.pop() as Partial;
    const len = p.nodes.length;
    const u = p.nodes[len - 1] as number;
    if (toTarget[u] === 0) {
      // the search meets the direct path first (it is the smallest key); keep it once
      if (skippedFirst) paths.push(p.nodes);
      skippedFirst = true;
      continue;
    }
    const end = offsets[u + 1] as number;
    let prev = -1;
    for (let e = offsets[u] as number; e < end; e++) {
      const v = targets[e] as number;
      if (v === prev) continue;
      prev = v;
      const dv = toTarget[v] as number;
      if (dv < 0 || p.nodes.includes(v)) continue;
      if (filtered && !anyAdmittedEdge(g, admission, e, end, v)) continue;
      const nodes = p.nodes.slice();
      nodes.push(v);
      copied += len + 1;
      heap.push({ nodes, f: len + dv });
    }
  }
  return { paths, cut: false };
}

/**
 * The lexicographically smallest shortest path: from `source`, always the lowest-indexed admitted
 * neighbour one hop closer to the target (distances strictly fall, so the path is simple).
 */
function shortestPath(g: Graph, source: number, toTarget: Int32Array, admission: Admission): number[] {
  const { offsets, targets } = g.forward;
  const filtered = admission.dropObservedEdges || admission.pruned !== null;
  const path = [source];
  let u = source;
  while (toTarget[u] !== 0) {
    const want = (toTarget[u] as number) - 1;
    const end = offsets[u + 1] as number;
    let next = -1;
    for (let e = offsets[u] as number; e < end && next < 0; e++) {
      const v = targets[e] as number;
      if (toTarget[v] !== want) continue;
      if (filtered && !anyAdmittedEdge(g, admission, e, end, v)) continue;
      next = v;
    }
    path.push(next);
    u = next;
  }
  return path;
}

function lessPartial(a: Partial, b: Partial): boolean {
  if (a.f !== b.f) return a.f < b.f;
  const x = a.nodes;
  const y = b.nodes;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number);
  return x.length < y.length;
}
