import type { ReachGraphDiffSinkStatus, SlicePath, SliceResponse } from '@stella-ops/core';
import { fileGlob } from '../slice/file-glob.js';

/** A slice's sink lists; `gated` is optional (slices of engines without conditional guards lack it). */
interface SinkLists {
  reachable: readonly string[];
  gated?: readonly string[];
  unreachable: readonly string[];
}

/** A path with the guards the query's assumptions leave open (empty or absent: unconditional). */
interface GuardedPath {
  openGuards?: readonly string[];
}

/** The verdict of a slice of either kind a diff compares. */
export type DiffVerdict = 'reachable' | 'gated' | 'not_reachable' | 'unknown';

/** What a diff needs from one slice: the status of each of its sinks, and its verdict. */
export interface SliceSinks {
  status: Map<string, ReachGraphDiffSinkStatus>;
  verdict: DiffVerdict;
}

function isUnconditional(path: SlicePath): boolean {
  const open = (path as SlicePath & GuardedPath).openGuards;
  return open === undefined || open.length === 0;
}

/** CVE slices: the sinks as the slice lists them (a sink on no list is `absent`). */
function cveSinks(slice: SliceResponse): SliceSinks {
  const lists: SinkLists = slice.sinks ?? { reachable: [], unreachable: [] };
  const status = new Map<string, ReachGraphDiffSinkStatus>();
  for (const id of lists.unreachable) status.set(id, 'unreachable');
  for (const id of lists.gated ?? []) status.set(id, 'gated');
  for (const id of lists.reachable) status.set(id, 'reachable');
  return { status, verdict: slice.verdict ?? verdictOf(status, status.size) };
}

/**
 * File slices: the sinks are the nodes in matching files. A node some path reaches is `reachable`
 * when one of its paths is unconditional, else `gated`; a matching node of the answer that no path
 * reaches is `unreachable`.
 */
function fileSinks(slice: SliceResponse, glob: string): SliceSinks {
  const status = new Map<string, ReachGraphDiffSinkStatus>();
  for (const path of slice.paths ?? []) {
    if (isUnconditional(path)) status.set(path.target, 'reachable');
    else if (!status.has(path.target)) status.set(path.target, 'gated');
  }
  const matches = fileGlob(glob);
  for (const node of slice.nodes) {
    if (node.file !== undefined && !status.has(node.id) && matches(node.file)) {
      status.set(node.id, 'unreachable');
    }
  }
  return { status, verdict: slice.verdict ?? verdictOf(status, slice.counts.matched ?? status.size) };
}

function verdictOf(status: ReadonlyMap<string, ReachGraphDiffSinkStatus>, matched: number): DiffVerdict {
  const all = [...status.values()];
  if (all.includes('reachable')) return 'reachable';
  if (all.includes('gated')) return 'gated';
  return matched === 0 ? 'unknown' : 'not_reachable';
}

/** The sinks of a CVE or file slice with their status, and the slice's verdict. */
export function sliceSinks(slice: SliceResponse): SliceSinks {
  return slice.query.type === 'file' ? fileSinks(slice, slice.query.file ?? '') : cveSinks(slice);
}
