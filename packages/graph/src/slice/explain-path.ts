import type { SliceHop, SlicePath } from '@stella-ops/core';
import { GUARD_OPEN, type GuardStates } from '../guards/guard-states.js';
import { type Graph, NO_OBSERVATION, NO_STRING } from '../model/graph.js';
import { explanationAt } from '../model/materialize.js';
import type { Admission } from './admission.js';

/** A hop made for a response, and whether its guard is open under the query's assumptions. */
export interface MadeHop {
  hop: SliceHop;
  open: boolean;
  /** The explanation (index) of the edge the hop uses. */
  explanation: number;
}

/**
 * A node sequence as an explained path. Each hop u→v uses one admitted edge u→v: an unguarded one
 * when there is one, else one whose guard is not open (not conditional, or satisfied by the
 * assumptions), otherwise the first in edge order; `observed` says whether that edge was seen at
 * runtime; `guards` lists the hops' guards in order, `openGuards` those that are open. Hops are
 * made once per (u, v) and kept in `made`, so paths of one response share hop objects (responses
 * are read-only data); `made` is keyed by the position of the first forward edge u→v.
 */
export function explainPath(
  g: Graph,
  nodes: readonly number[],
  admission: Admission,
  guards: GuardStates,
  made: Map<number, MadeHop>,
): SlicePath {
  // sized once: pushing a path's ~20 hops would copy its backing store twice
  const hops = new Array<SliceHop>(nodes.length - 1);
  const all: string[] = [];
  const open: string[] = [];
  for (let i = 0; i + 1 < nodes.length; i++) {
    const u = nodes[i] as number;
    const v = nodes[i + 1] as number;
    // keyed by the position of u's first edge to v: a small integer, unlike u × nodeCount + v
    const first = firstEdge(g, u, v);
    let m = made.get(first);
    if (m === undefined) {
      const k = hopEdge(g, u, v, first, admission, guards);
      const x = g.edges.explanation[k] as number;
      m = {
        hop: {
          from: g.strings.get(u),
          to: g.strings.get(v),
          why: explanationAt(g, x),
          observed: g.edges.observation[k] !== NO_OBSERVATION,
        },
        open: guards.byExplanation[x] === GUARD_OPEN,
        explanation: x,
      };
      made.set(first, m);
    }
    const guard = m.hop.why.guard;
    if (guard !== undefined) {
      all.push(guard);
      if (m.open) open.push(guard);
    }
    hops[i] = m.hop;
  }
  return {
    entrypoint: g.strings.get(nodes[0] as number),
    target: g.strings.get(nodes[nodes.length - 1] as number),
    hops,
    guards: all,
    openGuards: open,
  };
}

/** The position of the first forward edge u→v (u's targets are ascending; one must exist). */
export function firstEdge(g: Graph, u: number, v: number): number {
  const targets = g.forward.targets;
  let lo = g.forward.offsets[u] as number;
  let hi = g.forward.offsets[u + 1] as number;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((targets[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The edge a hop u→v (whose first edge is at `from`) is explained by (see {@link explainPath}). */
function hopEdge(
  g: Graph,
  u: number,
  v: number,
  from: number,
  admission: Admission,
  guards: GuardStates,
): number {
  const targets = g.forward.targets;
  const end = g.forward.offsets[u + 1] as number;
  let first = -1;
  let settled = -1;
  for (let k = from; k < end && targets[k] === v; k++) {
    if (admission.dropObservedEdges && g.edges.observation[k] !== NO_OBSERVATION) continue;
    if (admission.pruned !== null && admission.pruned[k] === 1) continue;
    if (first < 0) first = k;
    const x = g.edges.explanation[k] as number;
    if (g.explanations.guard[x] === NO_STRING) return k;
    if (settled < 0 && guards.byExplanation[x] !== GUARD_OPEN) settled = k;
  }
  return settled >= 0 ? settled : first;
}
