import type { Graph } from '../model/graph.js';
import { type Admission, anyAdmittedEdge } from './admission.js';

/** Paths found for one (source, target) pair. */
export interface PairPaths {
  /** Node sequences source → … → target, shortest first, ties in lexicographic node order. */
  paths: number[][];
  /** True when the search stopped at its expansion budget before finding `k` paths or exhausting. */
  cut: boolean;
}

/**
 * Scratch space of a path search, reusable across calls on one graph: a per-node stamp marking the
 * nodes of the partial path being expanded, and the prefix tree of partial paths.
 */
export class PathSearchScratch {
  /** `mark[v] === stamp`: v is on the partial path being expanded (allocated on first use). */
  private marks: Int32Array | null = null;
  stamp = 0;
  /** Prefix tree: partial path `p` is `parent[p]`'s path followed by `node[p]`, `depth[p] + 1` nodes. */
  node = new Int32Array(1024);
  parent = new Int32Array(1024);
  depth = new Int32Array(1024);
  /** Path length so far plus the exact remaining distance ignoring simplicity (a lower bound). */
  f = new Int32Array(1024);
  /** Binary min-heap of partial paths by (f, node sequence). */
  heap = new Int32Array(1024);

  constructor(private readonly nodeCount: number) {}

  get mark(): Int32Array {
    this.marks ??= new Int32Array(this.nodeCount);
    return this.marks;
  }

  /** Room for `size` partial paths. */
  reserve(size: number): void {
    if (size <= this.node.length) return;
    const grow = (a: Int32Array) => {
      const b = new Int32Array(Math.max(size, a.length * 2));
      b.set(a);
      return b;
    };
    this.node = grow(this.node);
    this.parent = grow(this.parent);
    this.depth = grow(this.depth);
    this.f = grow(this.f);
    this.heap = grow(this.heap);
  }
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
 * `budget` expansions or once it has made `budget × 64` path entries (very long paths). Partial
 * paths share their prefixes (a prefix tree in `scratch`), so extending one copies nothing.
 */
export function kShortestPaths(
  g: Graph,
  source: number,
  toTarget: Int32Array,
  k: number,
  budget: number,
  admission: Admission,
  scratch: PathSearchScratch = new PathSearchScratch(g.nodeCount),
): PairPaths {
  const d0 = toTarget[source] as number;
  if (d0 < 0) return { paths: [], cut: false };
  const first = shortestPath(g, source, toTarget, admission);
  const paths: number[][] = [first];
  if (k <= 1) return { paths, cut: false };
  const s = scratch;
  const mark = s.mark;
  s.node[0] = source;
  s.parent[0] = -1;
  s.depth[0] = 0;
  s.f[0] = d0;
  s.heap[0] = 0;
  let made = 1;
  let size = 1;
  const { offsets, targets } = g.forward;
  const filtered = admission.dropObservedEdges || admission.pruned !== null;
  let expanded = 0;
  let copied = 0;
  let skippedFirst = false;
  while (size > 0 && paths.length < k) {
    if (expanded >= budget || copied >= budget * 64) return { paths, cut: true };
    expanded++;
    const p = s.heap[0] as number;
    size--;
    if (size > 0) {
      s.heap[0] = s.heap[size] as number;
      siftDown(s, size);
    }
    const u = s.node[p] as number;
    const len = (s.depth[p] as number) + 1;
    if (toTarget[u] === 0) {
      // the search meets the direct path first (it is the smallest key); keep it once
      if (skippedFirst) paths.push(pathOf(s, p));
      skippedFirst = true;
      continue;
    }
    const stamp = ++s.stamp;
    for (let x = p; x >= 0; x = s.parent[x] as number) mark[s.node[x] as number] = stamp;
    const end = offsets[u + 1] as number;
    let prev = -1;
    for (let e = offsets[u] as number; e < end; e++) {
      const v = targets[e] as number;
      if (v === prev) continue;
      prev = v;
      const dv = toTarget[v] as number;
      if (dv < 0 || mark[v] === stamp) continue;
      if (filtered && !anyAdmittedEdge(g, admission, e, end, v)) continue;
      s.reserve(made + 1);
      s.node[made] = v;
      s.parent[made] = p;
      s.depth[made] = len;
      s.f[made] = len + dv;
      copied += len + 1;
      s.heap[size] = made;
      siftUp(s, size);
      size++;
      made++;
    }
  }
  return { paths, cut: false };
}

/** The node sequence of partial path `p`. */
function pathOf(s: PathSearchScratch, p: number): number[] {
  const out = new Array<number>((s.depth[p] as number) + 1);
  for (let x = p, i = out.length - 1; x >= 0; x = s.parent[x] as number, i--) out[i] = s.node[x] as number;
  return out;
}

/** Whether partial path `a` comes before `b`: by f, then by node sequence (a prefix first). */
function less(s: PathSearchScratch, a: number, b: number): boolean {
  const fa = s.f[a] as number;
  const fb = s.f[b] as number;
  if (fa !== fb) return fa < fb;
  const { parent, depth, node } = s;
  let x = a;
  let y = b;
  let dx = depth[x] as number;
  let dy = depth[y] as number;
  while (dx > dy) {
    x = parent[x] as number;
    dx--;
  }
  while (dy > dx) {
    y = parent[y] as number;
    dy--;
  }
  // one is a prefix of the other: the shorter comes first
  if (x === y) return (depth[a] as number) < (depth[b] as number);
  while (parent[x] !== parent[y]) {
    x = parent[x] as number;
    y = parent[y] as number;
  }
  return (node[x] as number) < (node[y] as number);
}

function siftUp(s: PathSearchScratch, at: number): void {
  const heap = s.heap;
  const item = heap[at] as number;
  let i = at;
  while (i > 0) {
    const up = (i - 1) >> 1;
    const other = heap[up] as number;
    if (!less(s, item, other)) break;
    heap[i] = other;
    i = up;
  }
  heap[i] = item;
}

function siftDown(s: PathSearchScratch, size: number): void {
  const heap = s.heap;
  const item = heap[0] as number;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    let m = l;
    if (r < size && less(s, heap[r] as number, heap[l] as number)) m = r;
    if (!less(s, heap[m] as number, item)) break;
    heap[i] = heap[m] as number;
    i = m;
  }
  heap[i] = item;
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
