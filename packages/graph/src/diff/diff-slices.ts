import {
  canonicalize,
  type ReachGraphDiff,
  type ReachGraphDiffSinkChange,
  type ReachGraphDiffSinkStatus,
  type SliceResponse,
} from '@stella-ops/core';
import { fail } from '../error.js';
import { DEFAULT_LIMITS } from '../slice/options.js';
import { keyedPaths, pathsMissingFrom } from './path-key.js';
import { sliceSinks } from './sink-status.js';

/** Options of {@link diffSlices}. */
export interface DiffOptions {
  /** Most paths listed in `paths.added` and in `paths.removed` each (default 1,000); a cut sets `truncated`. */
  maxPaths?: number;
}

function sortedIds(ids: Iterable<string>): string[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function checkComparable(base: SliceResponse, head: SliceResponse): void {
  for (const s of [base, head]) {
    if (s.query.type !== 'cve' && s.query.type !== 'file') {
      fail('QUERY_INVALID', `only cve and file slices can be diffed, not ${s.query.type} slices`);
    }
  }
  if (canonicalize(base.query) !== canonicalize(head.query)) {
    fail('QUERY_INVALID', 'the two slices answer different queries');
  }
}

function maxPathsOf(options: DiffOptions): number {
  const v = options.maxPaths ?? DEFAULT_LIMITS.maxPaths;
  if (!Number.isSafeInteger(v) || v < 1) fail('QUERY_INVALID', 'maxPaths must be a positive integer');
  return v;
}

/**
 * What changed between the answers of one CVE (or file) query on a base graph and on a head graph:
 * a reachgraph.diff@v1 document. Pure and deterministic: every list is sorted, so the same two
 * slices always give the same bytes.
 *
 * Sinks are matched by node id and classified by their status in each slice (`reachable`, `gated`,
 * `unreachable`, `absent`): `newlyReachable` is reachable in head but not in base — also a sink
 * that was only gated — and `newlyGated` gated in head but not in base — also a sink that was
 * reachable; `noLonger…` are the same with base and head swapped; `changed` lists every sink whose
 * status differs. Paths are matched by their hop sequence (from, to, why.type, why.guard).
 *
 * Pass complete slices (every path, not one page): a path missing from a page would read as
 * removed. A slice cut by a limit makes the diff `truncated`.
 *
 * @throws GraphError `QUERY_INVALID` when the slices are not both cve or both file slices of the
 *   same query, or `maxPaths` is not a positive integer.
 */
export function diffSlices(
  base: SliceResponse,
  head: SliceResponse,
  options: DiffOptions = {},
): ReachGraphDiff {
  checkComparable(base, head);
  const maxPaths = maxPathsOf(options);
  const before = sliceSinks(base);
  const after = sliceSinks(head);

  const newlyReachable: string[] = [];
  const noLongerReachable: string[] = [];
  const stillReachable: string[] = [];
  const newlyGated: string[] = [];
  const noLongerGated: string[] = [];
  const changed: ReachGraphDiffSinkChange[] = [];
  for (const node of sortedIds(new Set([...before.status.keys(), ...after.status.keys()]))) {
    const was: ReachGraphDiffSinkStatus = before.status.get(node) ?? 'absent';
    const is: ReachGraphDiffSinkStatus = after.status.get(node) ?? 'absent';
    if (was === is) {
      if (is === 'reachable') stillReachable.push(node);
      continue;
    }
    changed.push({ node, base: was, head: is });
    if (is === 'reachable') newlyReachable.push(node);
    if (was === 'reachable') noLongerReachable.push(node);
    if (is === 'gated') newlyGated.push(node);
    if (was === 'gated') noLongerGated.push(node);
  }

  const basePaths = keyedPaths(base.paths ?? []);
  const headPaths = keyedPaths(head.paths ?? []);
  const added = pathsMissingFrom(headPaths, basePaths);
  const removed = pathsMissingFrom(basePaths, headPaths);
  const pathsCut = added.length > maxPaths || removed.length > maxPaths;

  return {
    schemaVersion: 'reachgraph.diff@v1',
    digest: head.graphDigest,
    baseDigest: base.graphDigest,
    query: head.query,
    verdict: { base: before.verdict, head: after.verdict },
    sinks: { newlyReachable, noLongerReachable, stillReachable, newlyGated, noLongerGated, changed },
    paths: { added: added.slice(0, maxPaths), removed: removed.slice(0, maxPaths), truncated: pathsCut },
    counts: {
      newlyReachable: newlyReachable.length,
      noLongerReachable: noLongerReachable.length,
      stillReachable: stillReachable.length,
      newlyGated: newlyGated.length,
      noLongerGated: noLongerGated.length,
      pathsAdded: added.length,
      pathsRemoved: removed.length,
      basePaths: basePaths.size,
      headPaths: headPaths.size,
    },
    truncated: base.truncated || head.truncated || pathsCut,
  };
}
