import { arrayBytes, objectBytes } from '../memory/estimate.js';
import type { Graph } from '../model/graph.js';
import { PathSearchScratch } from './k-shortest.js';

/**
 * Node-sized buffers of one path search: `dist` (all -1 between searches), `queue`, and the
 * k-shortest search's scratch.
 */
export interface SearchBuffers {
  readonly dist: Int32Array;
  readonly queue: Uint32Array;
  readonly paths: PathSearchScratch;
}

/** Buffers kept per graph (graphs are immutable, so their size never changes). */
const pools = new WeakMap<Graph, SearchBuffers[]>();
/** Slices are synchronous, so a graph's searches never overlap: one set of buffers is enough. */
const KEEP = 1;

/**
 * Buffers for a path search of `g`: kept ones when there are, else new ones. A warm graph answers
 * query after query, and allocating ~1.2 MB of typed arrays per query (at 100k nodes) costs more in
 * the garbage collections the external memory triggers than in the allocation itself (bench graph,
 * typical CVE: 0.5–0.9 ms of ~6 per query). The kept set lives as long as the graph (~5% of its
 * binary size).
 */
export function borrowSearchBuffers(g: Graph): SearchBuffers {
  const kept = pools.get(g)?.pop();
  if (kept !== undefined) return kept;
  const n = g.nodeCount;
  return { dist: new Int32Array(n).fill(-1), queue: new Uint32Array(n), paths: new PathSearchScratch(n) };
}

/**
 * Keeps `buffers` for the next search of `g`. Only for buffers left as borrowed: `dist` all -1
 * again. A search that failed midway does not give its buffers back.
 */
export function returnSearchBuffers(g: Graph, buffers: SearchBuffers): void {
  let pool = pools.get(g);
  if (pool === undefined) {
    pool = [];
    pools.set(g, pool);
  }
  if (pool.length < KEEP) pool.push(buffers);
}

/**
 * Bytes of the buffers kept for `g`'s next search (none while a search has them borrowed). A few
 * arrays per kept set, read by their byteLength.
 */
export function searchBuffersBytes(g: Graph): number {
  const pool = pools.get(g);
  if (pool === undefined) return 0;
  let bytes = arrayBytes(pool.length);
  for (const b of pool) bytes += objectBytes(3) + b.dist.byteLength + b.queue.byteLength + b.paths.byteLength;
  return bytes;
}
