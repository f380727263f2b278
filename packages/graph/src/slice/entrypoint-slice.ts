import { checkAssume } from '../guards/assume.js';
import type { Graph } from '../model/graph.js';
import { FLAG_ENTRYPOINT, FLAG_SINK, NO_STRING } from '../model/graph.js';
import { findNode } from '../model/materialize.js';
import { type Admission, nodeAdmitted } from './admission.js';
import { bfs } from './bfs.js';
import { checkDepth, checkFlag, checkKeys, checkObserved, checkText } from './check-query.js';
import { sliceFacts } from './derived.js';
import { resolveLimits } from './options.js';
import { sliceResponse } from './response.js';
import { selectAnswer } from './select.js';
import type { EntrypointSliceQuery, SliceOptions, SliceResult } from './types.js';

/**
 * Entrypoint slice: everything reachable within `depth` hops (default 10) from the entrypoint —
 * the node with id `query.entrypoint`, or else every entrypoint node whose symbol or file equals it.
 * With `sinksOnly`, only the nodes that reach a sink (a node with `isSink` or CVEs) inside that
 * region, and the edges between them.
 */
export function entrypointSlice(g: Graph, query: EntrypointSliceQuery, options?: SliceOptions): SliceResult {
  const q = checkKeys(query, ['entrypoint', 'depth', 'sinksOnly', 'observed', 'assume'], 'entrypoint');
  const entrypoint = checkText(q['entrypoint'], 'entrypoint');
  const depth = checkDepth(q['depth'], 10);
  const sinksOnly = checkFlag(q['sinksOnly'], 'sinksOnly');
  const observed = checkObserved(q['observed']);
  const assume = checkAssume(q['assume']);
  const limits = resolveLimits(options);
  const { admission } = sliceFacts(g, observed, assume);

  const starts = resolveEntrypoint(g, entrypoint, admission);
  const reach = bfs(g, starts, true, depth, admission);
  let member = new Uint8Array(g.nodeCount);
  for (const v of reach.order) member[v] = 1;
  if (sinksOnly) {
    const sinks = Array.from(reach.order).filter((v) => isSink(g, v));
    const back = bfs(g, sinks, false, Number.POSITIVE_INFINITY, admission, member);
    member = new Uint8Array(g.nodeCount);
    for (const v of back.order) member[v] = 1;
  }

  const echo = {
    type: 'entrypoint' as const,
    entrypoint,
    depth,
    ...(sinksOnly ? { sinksOnly } : {}),
    ...(observed ? { observed } : {}),
    ...(assume ? { assume } : {}),
  };
  const selection = selectAnswer(g, member, reach.dist, admission, limits.maxNodes);
  return sliceResponse(g, echo, selection, { matched: starts.length }, limits);
}

/** The admitted start nodes an entrypoint string names, ascending. */
export function resolveEntrypoint(g: Graph, entrypoint: string, admission: Admission): number[] {
  const byId = findNode(g, entrypoint);
  if (byId >= 0) return nodeAdmitted(admission, byId) ? [byId] : [];
  const out: number[] = [];
  const { symbol, file, flags } = g.nodes;
  for (let i = 0; i < g.nodeCount; i++) {
    if (!((flags[i] as number) & FLAG_ENTRYPOINT) || !nodeAdmitted(admission, i)) continue;
    const s = symbol[i] as number;
    const f = file[i] as number;
    if (
      (s !== NO_STRING && g.strings.get(s) === entrypoint) ||
      (f !== NO_STRING && g.strings.get(f) === entrypoint)
    ) {
      out.push(i);
    }
  }
  return out;
}

/** A sink: flagged `isSink` or carrying CVEs. */
export function isSink(g: Graph, i: number): boolean {
  return (
    ((g.nodes.flags[i] as number) & FLAG_SINK) !== 0 || g.nodes.cveOffsets[i + 1] !== g.nodes.cveOffsets[i]
  );
}
