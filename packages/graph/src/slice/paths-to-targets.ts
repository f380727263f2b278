import type { SlicePath } from '@stella-ops/core';
import type { Graph } from '../model/graph.js';
import { bfsInto, clearReach, type Reach } from './bfs.js';
import { entrypointReach, type FilterFacts } from './derived.js';
import { explainPath, type MadeHop } from './explain-path.js';
import { kShortestPaths } from './k-shortest.js';
import type { Limits } from './options.js';
import { borrowSearchBuffers, returnSearchBuffers } from './search-buffers.js';

/** Entrypoint→target reachability with explained paths (CVE and file slices). */
export interface TargetPaths {
  /** Forward reach from the admitted entrypoints (shared: do not modify). */
  fwd: Reach;
  /** 1 for every node on some entrypoint→target path. */
  onPath: Uint8Array;
  /**
   * For every target: 0 when no such path exists, 1 when one does, 2 when moreover a listed path
   * depends on no open guard.
   */
  reached: Uint8Array;
  /** Explained paths, ordered by (target id, entrypoint id, length, node sequence). */
  paths: SlicePath[];
  /** The node sequence of each path in `paths`. */
  sequences: number[][];
  /** The hops of `paths`, by the position of the first forward edge u→v (see {@link explainPath}). */
  hops: ReadonlyMap<number, MadeHop>;
  /** True when a limit left paths out (`maxPaths` or a pair's expansion budget). */
  pathsCut: boolean;
}

/**
 * Every node on an entrypoint→target path (forward-reachable from the admitted entrypoints and
 * backward-reachable from `targets`) and up to `pathsPerPair` shortest simple paths per
 * (entrypoint, target) pair, `maxPaths` in all. `targets` must be admitted nodes, ascending.
 *
 * One backward BFS per target (inside the forward reach) gives both its share of the subgraph and
 * the exact distance-to-target the path search needs; once `maxPaths` is reached the remaining
 * targets share a single BFS.
 */
export function pathsToTargets(
  g: Graph,
  facts: FilterFacts,
  targets: readonly number[],
  limits: Limits,
): TargetPaths {
  const n = g.nodeCount;
  const { admission, entries, guards } = facts;
  const { reach: fwd, mask: fwdMask, region } = entrypointReach(g, facts);
  const reachedTargets = targets.filter((t) => fwdMask[t] === 1);
  const reached = new Uint8Array(n);
  for (const t of reachedTargets) reached[t] = 1;
  const onPath = new Uint8Array(n);
  const buffers = borrowSearchBuffers(g);
  const { dist, queue, paths: scratch } = buffers;
  const paths: SlicePath[] = [];
  const sequences: number[][] = [];
  const hops = new Map<number, MadeHop>();
  let pathsCut = false;
  const want = limits.maxPaths + 1; // one more than allowed tells whether the limit cut anything
  let next = 0;
  for (; next < reachedTargets.length && paths.length < want; next++) {
    const t = reachedTargets[next] as number;
    const count = bfsInto(g, [t], false, Number.POSITIVE_INFINITY, admission, fwdMask, dist, queue, region);
    for (let k = 0; k < count; k++) onPath[queue[k] as number] = 1;
    for (const e of entries) {
      if ((dist[e] as number) < 0) continue;
      const k = Math.min(limits.pathsPerPair, want - paths.length);
      const found = kShortestPaths(g, e, dist, k, limits.maxExpansionsPerPair, admission, scratch);
      if (found.cut) pathsCut = true;
      for (const p of found.paths) {
        const path = explainPath(g, p, admission, guards, hops);
        if (path.openGuards?.length === 0) reached[t] = 2;
        paths.push(path);
        sequences.push(p);
      }
      if (paths.length >= want) break;
    }
    clearReach(dist, queue, count);
  }
  if (next < reachedTargets.length) {
    const rest = reachedTargets.slice(next);
    const count = bfsInto(g, rest, false, Number.POSITIVE_INFINITY, admission, fwdMask, dist, queue, region);
    for (let k = 0; k < count; k++) onPath[queue[k] as number] = 1;
    clearReach(dist, queue, count);
  }
  returnSearchBuffers(g, buffers);
  if (paths.length > limits.maxPaths) {
    paths.length = limits.maxPaths;
    sequences.length = limits.maxPaths;
    pathsCut = true;
  }
  return { fwd, onPath, reached, paths, sequences, hops, pathsCut };
}
