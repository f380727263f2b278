import {
  type CallgraphEdgeRecord,
  type CallgraphNodeRecord,
  canonicalize,
  isNormalizedReachGraph,
  normalizeReachGraph,
  type ReachGraph,
  type ReachGraphEdge,
  type ReachGraphNode,
  type VulnerableSink,
} from '@stella-ops/core';
import { fail } from '../error.js';
import { BUILDER_NAME, GRAPH_PACKAGE_VERSION } from '../version.js';
import { type Callgraph, readCallgraph } from './callgraph.js';
import { later, type Observations, observe } from './observe.js';
import { sinksFromOsv } from './osv.js';
import { callgraphDigest, osvDigest, provenanceInputs, type SinksInput, sinksDigest } from './provenance.js';
import { placeSinks, sortSinks } from './sinks.js';
import type { BuildReport, ReachGraphBuildInputs } from './types.js';

/**
 * Builds a reachgraph.min@v1 document from a call graph, runtime-fact batches and vulnerable sinks.
 * Pure and deterministic: no clock, no randomness; the same inputs give the same document (and
 * digest) whatever the order of facts, batches and sinks — and of records when the caller passes
 * the call graph digest (otherwise it is the digest of the records in the order given).
 * Inconsistent inputs are INPUT_INVALID.
 */
export function buildReachGraph(inputs: ReachGraphBuildInputs): ReachGraph {
  return buildReachGraphReport(inputs).graph;
}

/** {@link buildReachGraph}, also reporting the sinks and facts that matched nothing. */
export function buildReachGraphReport(inputs: ReachGraphBuildInputs): BuildReport {
  if (inputs === null || typeof inputs !== 'object') fail('INPUT_INVALID', 'build inputs must be an object');
  if (!inputs.artifact || typeof inputs.artifact !== 'object') fail('INPUT_INVALID', 'artifact is required');
  const cg = readCallgraph(inputs.callgraph?.records);
  const batches = inputs.runtimeFacts ?? [];
  const obs = observe(batches, new Set(cg.nodes.keys()));
  const { sinks, sinksInput, unmatchedOsv } = sinksOf(inputs, cg);
  const placed = placeSinks(sinks, cg.nodes.values());

  const entrypoints = entrypointsOf(cg);
  // Nodes in id order and members in key order, as the normalised document has them.
  const ids = [...cg.nodes.keys()].sort();
  const nodes = ids.map((id): ReachGraphNode => {
    const r = cg.nodes.get(id) as CallgraphNodeRecord;
    const node = {} as ReachGraphNode;
    const cves = placed.cves.get(id);
    if (cves) node.cves = cves;
    if (r.file !== undefined) node.file = r.file;
    node.id = id;
    if (entrypoints.has(id)) node.isEntrypoint = true;
    if (cves) node.isSink = true;
    node.kind = r.kind ?? 'function';
    if (r.line !== undefined) node.line = r.line;
    const seen = obs.nodes.get(id);
    if (seen) node.observed = { batches: seen.batches, hitCount: seen.hitCount };
    if (r.purl !== undefined) node.purl = r.purl;
    if (r.symbol !== undefined) node.symbol = r.symbol;
    return node;
  });
  // Ids with a NUL could make two edges' joined duplicate keys collide: keep that rule exactly.
  const { edges, unmatchedCalls } = ids.some((id) => id.includes('\u0000'))
    ? edgesByJoinedKey(cg, obs)
    : edgesOf(cg, obs, ids);

  let computedAt = cg.header.generatedAt;
  if (computedAt !== undefined) computedAt = later(undefined, computedAt, 'header.generatedAt');
  if (obs.latest !== undefined) computedAt = later(computedAt, obs.latest, 'observedAt');
  const digest = inputs.callgraph.digest ?? callgraphDigest(inputs.callgraph.records);
  const scopeCves = [...new Set([...placed.cves.values()].flat())].sort();
  const doc: ReachGraph = {
    schemaVersion: 'reachgraph.min@v1',
    artifact: inputs.artifact,
    scope: {
      entrypoints: [...new Set([...(cg.header.entryPoints ?? []), ...entrypoints])].sort(),
      selectors: [...new Set(inputs.scope?.selectors ?? [])].sort(),
      cves: scopeCves,
    },
    nodes,
    edges,
    provenance: {
      inputs: provenanceInputs({ digest, graphId: inputs.callgraph.graphId }, batches, sinksInput),
      analyzer: inputs.analyzer ?? { name: BUILDER_NAME, version: GRAPH_PACKAGE_VERSION },
      ...(computedAt !== undefined ? { computedAt } : {}),
    },
  };
  return {
    graph: normalized(doc),
    unmatchedSinks: sortSinks([...placed.unmatched, ...unmatchedOsv]),
    unmatchedFacts: obs.unknownSymbols + unmatchedCalls,
  };
}

/**
 * The sinks to place and the provenance input they come from: the inline list (`sinks`, by the
 * digest of its sorted form) or the OSV document (`osv`, by the digest of its canonical JSON).
 */
function sinksOf(
  inputs: ReachGraphBuildInputs,
  cg: Callgraph,
): { sinks: VulnerableSink[]; sinksInput: SinksInput; unmatchedOsv: VulnerableSink[] } {
  if (inputs.vulnerabilities === undefined) {
    const sinks = sortSinks(inputs.sinks as readonly VulnerableSink[]);
    return { sinks, sinksInput: { kind: 'sinks', digest: sinksDigest(sinks) }, unmatchedOsv: [] };
  }
  if (inputs.sinks !== undefined) fail('INPUT_INVALID', 'give sinks or vulnerabilities, not both');
  const osv = sinksFromOsv(inputs.vulnerabilities, cg.nodes.values());
  return {
    sinks: sortSinks(osv.sinks),
    sinksInput: { kind: 'osv', digest: osvDigest(inputs.vulnerabilities) },
    unmatchedOsv: osv.unmatched.map((u) => ({ cve: u.vulnerability, purl: u.purl, symbol: u.symbol })),
  };
}

/** Node ids that are entrypoints: named by the header's `entryPoints`, or flagged `isEntrypoint`. */
function entrypointsOf(cg: Callgraph): Set<string> {
  const out = new Set<string>();
  for (const id of cg.header.entryPoints ?? []) if (cg.nodes.has(id)) out.add(id);
  for (const n of cg.nodes.values()) if (n.isEntrypoint === true) out.add(n.id);
  return out;
}

/**
 * The document as {@link normalizeReachGraph} makes it. The builder lays nodes and edges out in
 * normalised order already, so only the small parts are copied and the whole is checked; anything
 * the check is not sure about takes the full normalisation.
 */
function normalized(doc: ReachGraph): ReachGraph {
  const out = normalizeReachGraph({ ...doc, nodes: [], edges: [] });
  out.nodes = doc.nodes;
  out.edges = doc.edges;
  return isNormalizedReachGraph(out) ? out : normalizeReachGraph(out);
}

/** How an edge record's field takes part in its duplicate key (`Array#join` turns absent into ''). */
function keyPart(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** An edge's explanation with the default applied, members in key order. */
function whyOf(r: CallgraphEdgeRecord): ReachGraphEdge['why'] {
  const w = r.why ?? { type: 'DirectCall' as const };
  const why = {} as ReachGraphEdge['why'];
  if (w.confidence !== undefined) why.confidence = w.confidence;
  if (w.guard !== undefined) why.guard = w.guard;
  if (w.loc !== undefined) why.loc = w.loc;
  why.type = w.type;
  return why;
}

/** The order of normalised edges between the same two nodes (the canonical JSON breaks ties). */
function compareParallel(a: ReachGraphEdge, b: ReachGraphEdge): number {
  const ta = a.why.type;
  const tb = b.why.type;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ga = a.why.guard;
  const gb = b.why.guard;
  if (ga !== gb) {
    if (typeof ga !== 'string') return -1;
    if (typeof gb !== 'string') return 1;
    return ga < gb ? -1 : 1;
  }
  const ca = canonicalize(a);
  const cb = canonicalize(b);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}

/**
 * Edges (exact duplicates dropped, the first kept; `why` defaults to DirectCall) with call
 * observations attached, in normalised order: by caller then callee id — a counting sort on the
 * nodes' ranks in `ids` (sorted) — then type, guard and canonical JSON.
 */
function edgesOf(
  cg: Callgraph,
  obs: Observations,
  ids: readonly string[],
): { edges: ReachGraphEdge[]; unmatchedCalls: number } {
  const records = cg.edges;
  const m = records.length;
  const rank = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) rank.set(ids[i] as string, i);
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const starts = new Int32Array(ids.length + 1);
  for (let i = 0; i < m; i++) {
    const r = records[i] as CallgraphEdgeRecord;
    const f = rank.get(r.from) as number;
    from[i] = f;
    to[i] = rank.get(r.to) as number;
    starts[f + 1] = (starts[f + 1] as number) + 1;
  }
  for (let n = 0; n < ids.length; n++) starts[n + 1] = (starts[n + 1] as number) + (starts[n] as number);
  // Stable counting sort by caller, then (stable) by callee within each caller.
  const order = new Int32Array(m);
  const next = starts.slice(0, ids.length);
  for (let i = 0; i < m; i++) {
    const f = from[i] as number;
    const at = next[f] as number;
    order[at] = i;
    next[f] = at + 1;
  }
  for (let n = 0; n < ids.length; n++) {
    const s = starts[n] as number;
    const e = starts[n + 1] as number;
    if (e - s < 2) continue;
    if (e - s > 16) {
      const run = Array.from(order.subarray(s, e));
      order.set(
        run.sort((a, b) => (to[a] as number) - (to[b] as number) || a - b),
        s,
      );
      continue;
    }
    for (let i = s + 1; i < e; i++) {
      const x = order[i] as number;
      const t = to[x] as number;
      let j = i - 1;
      while (j >= s && (to[order[j] as number] as number) > t) {
        order[j + 1] = order[j] as number;
        j--;
      }
      order[j + 1] = x;
    }
  }

  const edges: ReachGraphEdge[] = [];
  let matchedPairs = 0;
  let calls = 0;
  for (const callees of obs.calls.values()) calls += callees.size;
  const keys: string[] = [];
  const group: ReachGraphEdge[] = [];
  for (let g = 0; g < m; ) {
    const first = order[g] as number;
    let end = g + 1;
    while (end < m && to[order[end] as number] === to[first] && from[order[end] as number] === from[first])
      end++;
    const head = records[first] as CallgraphEdgeRecord;
    const seen = obs.calls.get(head.from)?.get(head.to);
    if (seen) matchedPairs++;
    keys.length = 0;
    group.length = 0;
    for (let k = g; k < end; k++) {
      const r = records[order[k] as number] as CallgraphEdgeRecord;
      const why = whyOf(r);
      if (end - g > 1) {
        // Between the same two nodes, records in their given order: drop a repeat of a kept one.
        const key = [keyPart(why.type), keyPart(why.guard), keyPart(why.loc), keyPart(why.confidence)].join(
          '\u0000',
        );
        if (keys.includes(key)) continue;
        keys.push(key);
      }
      const edge = { from: r.from } as ReachGraphEdge;
      if (seen) edge.observed = { batches: [...seen.batches], hitCount: seen.hitCount };
      edge.to = r.to;
      edge.why = why;
      group.push(edge);
    }
    if (group.length > 1) group.sort(compareParallel);
    for (const edge of group) edges.push(edge);
    g = end;
  }
  return { edges, unmatchedCalls: calls - matchedPairs };
}

/**
 * Edges (exact duplicates — same joined key — dropped; `why` defaults to DirectCall) with call
 * observations attached, in the order given.
 */
function edgesByJoinedKey(
  cg: Callgraph,
  obs: Observations,
): { edges: ReachGraphEdge[]; unmatchedCalls: number } {
  const byKey = new Map<string, ReachGraphEdge>();
  const pairs = new Set<string>();
  for (const r of cg.edges) {
    const w = r.why ?? { type: 'DirectCall' as const };
    const why: ReachGraphEdge['why'] = { type: w.type };
    if (w.loc !== undefined) why.loc = w.loc;
    if (w.guard !== undefined) why.guard = w.guard;
    if (w.confidence !== undefined) why.confidence = w.confidence;
    const key = [r.from, r.to, why.type, why.guard ?? '', why.loc ?? '', why.confidence ?? ''].join('\u0000');
    if (byKey.has(key)) continue;
    const edge: ReachGraphEdge = { from: r.from, to: r.to, why };
    const seen = obs.calls.get(r.from)?.get(r.to);
    if (seen) edge.observed = { hitCount: seen.hitCount, batches: [...seen.batches] };
    byKey.set(key, edge);
    pairs.add(`${r.from}\u0000${r.to}`);
  }
  let unmatchedCalls = 0;
  for (const [from, callees] of obs.calls) {
    for (const to of callees.keys()) if (!pairs.has(`${from}\u0000${to}`)) unmatchedCalls++;
  }
  return { edges: [...byKey.values()], unmatchedCalls };
}
