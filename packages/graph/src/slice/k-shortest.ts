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
 * Scratch space of a path search, reusable across calls on one graph: a per-node mark of the nodes
 * on the partial path being expanded, the prefix tree of partial paths, and the queue's buckets.
 */
export class PathSearchScratch {
  /** `marks[v] === search`: v is on the partial path being expanded (allocated on first use). */
  private marks: Int32Array | null = null;
  /** Numbers the searches, so marks left by an earlier one mean nothing (no clearing). */
  search = 0;
  /** Prefix tree: partial path `p` is `parent[p]`'s path followed by `node[p]`, `depth[p] + 1` nodes. */
  node: Int32Array = new Int32Array(1024);
  parent: Int32Array = new Int32Array(1024);
  depth: Int32Array = new Int32Array(1024);
  /** The partial path queued after `p` in the same bucket (-1: none). */
  next: Int32Array = new Int32Array(1024);
  /** Bucket `b` (f = first f + b) starts at partial path `head[b]` (-1: empty). */
  head: Int32Array = new Int32Array(64);
  /** Partial paths waiting in the current bucket: extensions of the last one expanded, top last. */
  stack: Int32Array = new Int32Array(64);
  /** The current bucket's partial paths, sorted. */
  sorted: Int32Array = new Int32Array(1024);

  constructor(private readonly nodeCount: number) {}

  get mark(): Int32Array {
    this.marks ??= new Int32Array(this.nodeCount);
    return this.marks;
  }

  /** Bytes of the typed arrays the scratch holds now (they grow with the searches it serves). */
  get byteLength(): number {
    const arrays = [
      this.marks,
      this.node,
      this.parent,
      this.depth,
      this.next,
      this.head,
      this.stack,
      this.sorted,
    ];
    let bytes = 0;
    for (const a of arrays) if (a !== null) bytes += a.byteLength;
    return bytes;
  }

  /** Room for `size` partial paths. */
  reserve(size: number): void {
    if (size <= this.node.length) return;
    this.node = grow(this.node, size);
    this.parent = grow(this.parent, size);
    this.depth = grow(this.depth, size);
    this.next = grow(this.next, size);
  }
}

function grow(a: Int32Array, size: number): Int32Array {
  if (size <= a.length) return a;
  const b = new Int32Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

/**
 * The `k` shortest simple paths from `source` to a target, by best-first search with the exact
 * distance-to-target as heuristic (`toTarget`, from a backward BFS; -1 = cannot reach the target).
 * Partial paths are expanded in (lower bound f, node sequence) order; since extending a path never
 * lowers its key, complete paths come out ordered by (length, lexicographic node order) —
 * deterministic, with ties broken by node index.
 *
 * The first path is found directly (always step to the lowest-indexed neighbour one hop closer),
 * so the shortest path is returned however long it is. The search for more stops, with `cut`, after
 * `budget` expansions or once it has made `budget × 64` path entries (very long paths). Partial
 * paths share their prefixes (a prefix tree in `scratch`), so extending one copies nothing.
 *
 * The queue is a bucket per f (the heuristic is consistent: f never falls along a path). A bucket
 * is sorted by node sequence once, when the search reaches it; the extensions of a partial path that
 * stay in the current bucket come right after it in that order (they extend the smallest
 * sequence left, and nothing queued before extends it), so they go on a stack expanded first.
 * Most partial paths are made in later buckets the search never reaches, and cost no ordering.
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
  const search = ++s.search;
  s.node[0] = source;
  s.parent[0] = -1;
  s.depth[0] = 0;
  s.head.fill(-1);
  let made = 1;
  let stacked = 1;
  s.stack[0] = 0;
  let sortedAt = 0;
  let sortedEnd = 0;
  let bucket = 0; // the current bucket: f = d0 + bucket
  let tip = -1; // the partial path whose nodes are marked
  const { offsets, targets } = g.forward;
  const filtered = admission.dropObservedEdges || admission.pruned !== null;
  let expanded = 0;
  let copied = 0;
  let skippedFirst = false;
  while (paths.length < k) {
    let p: number;
    if (stacked > 0) p = s.stack[--stacked] as number;
    else if (sortedAt < sortedEnd) p = s.sorted[sortedAt++] as number;
    else {
      const next = firstBucket(s, bucket + 1);
      if (next < 0) break;
      bucket = next;
      sortedEnd = takeBucket(s, next);
      sortedAt = 0;
      continue;
    }
    if (expanded >= budget || copied >= budget * 64) return { paths, cut: true };
    expanded++;
    const u = s.node[p] as number;
    const len = (s.depth[p] as number) + 1;
    if (toTarget[u] === 0) {
      // the search meets the direct path first (it is the smallest key); keep it once
      if (skippedFirst) paths.push(pathOf(s, p));
      skippedFirst = true;
      continue;
    }
    tip = moveMarks(s, mark, search, tip, p);
    const end = offsets[u + 1] as number;
    const stackedBefore = stacked;
    let prev = -1;
    for (let e = offsets[u] as number; e < end; e++) {
      const v = targets[e] as number;
      if (v === prev) continue;
      prev = v;
      const dv = toTarget[v] as number;
      if (dv < 0 || mark[v] === search) continue;
      if (filtered && !anyAdmittedEdge(g, admission, e, end, v)) continue;
      s.reserve(made + 1);
      s.node[made] = v;
      s.parent[made] = p;
      s.depth[made] = len;
      copied += len + 1;
      const b = len + dv - d0;
      if (b === bucket) {
        if (stacked === s.stack.length) s.stack = grow(s.stack, stacked + 1);
        s.stack[stacked++] = made;
      } else {
        if (b >= s.head.length) {
          const from = s.head.length;
          s.head = grow(s.head, b + 1);
          s.head.fill(-1, from);
        }
        s.next[made] = s.head[b] as number;
        s.head[b] = made;
      }
      made++;
    }
    // the smallest extension is expanded first: it goes on top
    for (let i = stackedBefore, j = stacked - 1; i < j; i++, j--) {
      const x = s.stack[i] as number;
      s.stack[i] = s.stack[j] as number;
      s.stack[j] = x;
    }
  }
  return { paths, cut: false };
}
/** The first non-empty bucket from `from` on, or -1. */
function firstBucket(s: PathSearchScratch, from: number): number {
  for (let b = from; b < s.head.length; b++) if (s.head[b] !== -1) return b;
  return -1;
}

/** Empties bucket `b` into `s.sorted`, sorted by node sequence; the number of partial paths. */
function takeBucket(s: PathSearchScratch, b: number): number {
  let count = 0;
  for (let p = s.head[b] as number; p !== -1; p = s.next[p] as number) {
    if (count === s.sorted.length) s.sorted = grow(s.sorted, count + 1);
    s.sorted[count++] = p;
  }
  s.head[b] = -1;
  s.sorted.subarray(0, count).sort((x, y) => (before(s, x, y) ? -1 : 1));
  return count;
}

/**
 * Marks the nodes of partial path `p` (and unmarks those of `tip`, the one marked before, that it
 * does not share): only the parts below their common prefix change, which is short when the search
 * goes on from a partial path to its extension. Returns `p`, the new tip.
 */
function moveMarks(s: PathSearchScratch, mark: Int32Array, search: number, tip: number, p: number): number {
  const { parent, depth, node } = s;
  const level = Math.min(tip < 0 ? -1 : (depth[tip] as number), depth[p] as number);
  let a = ancestorAt(s, tip, level);
  let b = ancestorAt(s, p, level);
  while (a !== b) {
    a = parent[a] as number;
    b = parent[b] as number;
  }
  // unmark first: a node may sit on both sides, at different positions
  for (let x = tip; x !== a; x = parent[x] as number) mark[node[x] as number] = 0;
  for (let x = p; x !== a; x = parent[x] as number) mark[node[x] as number] = search;
  return p;
}

/** The partial path of `depth` that `p` extends (p itself at its own depth; -1 above the root). */
function ancestorAt(s: PathSearchScratch, p: number, depth: number): number {
  let x = p;
  for (let d = x < 0 ? -1 : (s.depth[x] as number); d > depth; d--) x = s.parent[x] as number;
  return x;
}

/** The node sequence of partial path `p`. */
function pathOf(s: PathSearchScratch, p: number): number[] {
  const out = new Array<number>((s.depth[p] as number) + 1);
  for (let x = p, i = out.length - 1; x >= 0; x = s.parent[x] as number, i--) out[i] = s.node[x] as number;
  return out;
}

/** Whether partial path `a`'s node sequence comes before `b`'s (a prefix first). */
function before(s: PathSearchScratch, a: number, b: number): boolean {
  const { parent, depth, node } = s;
  const level = Math.min(depth[a] as number, depth[b] as number);
  let x = ancestorAt(s, a, level);
  let y = ancestorAt(s, b, level);
  // one is a prefix of the other: the shorter comes first
  if (x === y) return (depth[a] as number) < (depth[b] as number);
  while (parent[x] !== parent[y]) {
    x = parent[x] as number;
    y = parent[y] as number;
  }
  return (node[x] as number) < (node[y] as number);
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
