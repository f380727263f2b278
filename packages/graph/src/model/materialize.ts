import type { EdgeExplanation, ReachGraphEdge, ReachGraphNode, RuntimeObservation } from '@stella-ops/core';
import { EDGE_TYPES, NODE_KINDS } from './enums.js';
import { FLAG_ENTRYPOINT, FLAG_SINK, type Graph, NO_LINE, NO_OBSERVATION, NO_STRING } from './graph.js';

// Turn rows of the typed columns back into the JSON shapes of reachgraph.min@v1 (normalised form:
// absent fields omitted, `isEntrypoint`/`isSink` only when true, sets sorted).

/** The id of node `i`. */
export function nodeId(g: Graph, i: number): string {
  return g.strings.get(i);
}

/** Node `i` as a reachgraph.min@v1 node. */
export function nodeAt(g: Graph, i: number): ReachGraphNode {
  const c = g.nodes;
  const s = g.strings;
  const id = s.get(i);
  const kind = NODE_KINDS[c.kind[i] as number] ?? 'function';
  const purl = c.purl[i] as number;
  const symbol = c.symbol[i] as number;
  const file = c.file[i] as number;
  const line = c.line[i] as number;
  let node: ReachGraphNode;
  if (purl !== NO_STRING && symbol !== NO_STRING && file !== NO_STRING && line !== NO_LINE) {
    // the usual node, made as one literal (cheaper than adding the fields one by one)
    node = { id, kind, purl: s.get(purl), symbol: s.get(symbol), file: s.get(file), line };
  } else {
    node = { id, kind };
    if (purl !== NO_STRING) node.purl = s.get(purl);
    if (symbol !== NO_STRING) node.symbol = s.get(symbol);
    if (file !== NO_STRING) node.file = s.get(file);
    if (line !== NO_LINE) node.line = line;
  }
  const flags = c.flags[i] as number;
  if (flags & FLAG_ENTRYPOINT) node.isEntrypoint = true;
  if (flags & FLAG_SINK) node.isSink = true;
  const lo = c.cveOffsets[i] as number;
  const hi = c.cveOffsets[i + 1] as number;
  if (hi > lo) {
    const cves: string[] = [];
    for (let k = lo; k < hi; k++) cves.push(g.strings.get(c.cves[k] as number));
    node.cves = cves;
  }
  const obs = c.observation[i] as number;
  if (obs !== NO_OBSERVATION) node.observed = observationAt(g, obs);
  return node;
}

/** Forward edge `k` (whose source is node `from`) as a reachgraph.min@v1 edge. */
export function edgeAt(g: Graph, k: number, from: number): ReachGraphEdge {
  const edge: ReachGraphEdge = {
    from: g.strings.get(from),
    to: g.strings.get(g.forward.targets[k] as number),
    why: explanationAt(g, g.edges.explanation[k] as number),
  };
  const obs = g.edges.observation[k] as number;
  if (obs !== NO_OBSERVATION) edge.observed = observationAt(g, obs);
  return edge;
}

/** Explanation `x` as an edge `why`. */
export function explanationAt(g: Graph, x: number): EdgeExplanation {
  const t = g.explanations;
  const type = EDGE_TYPES[t.type[x] as number] ?? 'DirectCall';
  const loc = t.loc[x] as number;
  const guard = t.guard[x] as number;
  const confidence = t.confidence[x] as number;
  // Object literals per combination of fields (same key order): much cheaper to make than adding
  // properties one by one, and a slice makes tens of thousands of these.
  const shape =
    (loc !== NO_STRING ? 1 : 0) | (guard !== NO_STRING ? 2 : 0) | (Number.isNaN(confidence) ? 0 : 4);
  const s = g.strings;
  switch (shape) {
    case 0:
      return { type };
    case 1:
      return { type, loc: s.get(loc) };
    case 2:
      return { type, guard: s.get(guard) };
    case 3:
      return { type, loc: s.get(loc), guard: s.get(guard) };
    case 4:
      return { type, confidence };
    case 5:
      return { type, loc: s.get(loc), confidence };
    case 6:
      return { type, guard: s.get(guard), confidence };
    default:
      return { type, loc: s.get(loc), guard: s.get(guard), confidence };
  }
}

/** Observation `o` as `{hitCount, batches}`. */
export function observationAt(g: Graph, o: number): RuntimeObservation {
  const t = g.observations;
  const batches: string[] = [];
  const hi = t.batchOffsets[o + 1] as number;
  for (let k = t.batchOffsets[o] as number; k < hi; k++) batches.push(g.strings.get(t.batches[k] as number));
  return { hitCount: t.hitCount[o] as number, batches };
}

/** The index of the node with id `id`, or -1 (binary search over the sorted ids). */
export function findNode(g: Graph, id: string): number {
  let lo = 0;
  let hi = g.nodeCount - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const s = g.strings.get(mid);
    if (s === id) return mid;
    if (s < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Every node of the graph, in id order (a reachgraph.min@v1 `nodes` array). */
export function allNodes(g: Graph): ReachGraphNode[] {
  const out: ReachGraphNode[] = new Array(g.nodeCount);
  for (let i = 0; i < g.nodeCount; i++) out[i] = nodeAt(g, i);
  return out;
}

/** Every edge of the graph, in (from, to, type, guard, loc, confidence) order. */
export function allEdges(g: Graph): ReachGraphEdge[] {
  const out: ReachGraphEdge[] = [];
  for (let u = 0; u < g.nodeCount; u++) {
    const hi = g.forward.offsets[u + 1] as number;
    for (let k = g.forward.offsets[u] as number; k < hi; k++) out.push(edgeAt(g, k, u));
  }
  return out;
}
