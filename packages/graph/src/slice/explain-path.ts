import type { SliceHop, SlicePath } from '@stella-ops/core';
import { type Graph, NO_OBSERVATION, NO_STRING } from '../model/graph.js';
import { explanationAt } from '../model/materialize.js';
import type { Admission } from './admission.js';

/**
 * A node sequence as an explained path. Each hop u→v uses one admitted edge u→v: an unguarded one
 * when there is one, otherwise the first in edge order; `observed` says whether that edge was seen
 * at runtime; `guards` lists the hops' guards in order. Hops are made once per (u, v) and kept in
 * `made`, so paths of one response share hop objects (responses are read-only data).
 */
export function explainPath(
  g: Graph,
  nodes: readonly number[],
  admission: Admission,
  made: Map<number, SliceHop>,
): SlicePath {
  const hops: SliceHop[] = [];
  const guards: string[] = [];
  for (let i = 0; i + 1 < nodes.length; i++) {
    const u = nodes[i] as number;
    const v = nodes[i + 1] as number;
    const key = u * g.nodeCount + v;
    let hop = made.get(key);
    if (hop === undefined) {
      const k = hopEdge(g, u, v, admission);
      hop = {
        from: g.strings.get(u),
        to: g.strings.get(v),
        why: explanationAt(g, g.edges.explanation[k] as number),
        observed: g.edges.observation[k] !== NO_OBSERVATION,
      };
      made.set(key, hop);
    }
    if (hop.why.guard !== undefined) guards.push(hop.why.guard);
    hops.push(hop);
  }
  return {
    entrypoint: g.strings.get(nodes[0] as number),
    target: g.strings.get(nodes[nodes.length - 1] as number),
    hops,
    guards,
  };
}

/** The edge a hop u→v is explained by (see {@link explainPath}). */
function hopEdge(g: Graph, u: number, v: number, admission: Admission): number {
  const { offsets, targets } = g.forward;
  let lo = offsets[u] as number;
  let hi = offsets[u + 1] as number;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((targets[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  const end = offsets[u + 1] as number;
  let first = -1;
  for (let k = lo; k < end && targets[k] === v; k++) {
    if (admission.dropObservedEdges && g.edges.observation[k] !== NO_OBSERVATION) continue;
    if (first < 0) first = k;
    if (g.explanations.guard[g.edges.explanation[k] as number] === NO_STRING) return k;
  }
  return first;
}
