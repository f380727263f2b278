import {
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
  const nodes = [...cg.nodes.values()].map((r): ReachGraphNode => {
    const node: ReachGraphNode = { id: r.id, kind: r.kind ?? 'function' };
    if (r.purl !== undefined) node.purl = r.purl;
    if (r.symbol !== undefined) node.symbol = r.symbol;
    if (r.file !== undefined) node.file = r.file;
    if (r.line !== undefined) node.line = r.line;
    if (entrypoints.has(r.id)) node.isEntrypoint = true;
    const cves = placed.cves.get(r.id);
    if (cves) {
      node.isSink = true;
      node.cves = cves;
    }
    const seen = obs.nodes.get(r.id);
    if (seen) node.observed = seen;
    return node;
  });
  const { edges, unmatchedCalls } = edgesOf(cg, obs);

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
    graph: normalizeReachGraph(doc),
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

/** Edges (exact duplicates dropped; `why` defaults to DirectCall) with call observations attached. */
function edgesOf(cg: Callgraph, obs: Observations): { edges: ReachGraphEdge[]; unmatchedCalls: number } {
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
