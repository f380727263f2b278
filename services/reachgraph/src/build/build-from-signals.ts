import { type BuildRequest, canonicalize, type ReachGraph, type VulnerableSink } from '@stella-ops/core';
import {
  buildReachGraphReport,
  type OsvDocument,
  type ReachGraphBuildInputs,
  sortSinks,
} from '@stella-ops/graph';
import { type StoredUpload, storeUpload } from '../api/upsert-graph.js';
import { type InputEvidence, InputEvidenceStore } from '../bundle/input-evidence-store.js';
import type { AppContext } from '../context.js';
import type { Actor } from '../store/graph-store.js';
import { inputProblem } from './input-problems.js';
import { InputDocuments } from './input-store.js';

/** What a build stored and what it could not place. */
export interface BuildOutcome {
  stored: StoredUpload;
  inputs: ReachGraph['provenance']['inputs'];
  unmatchedSinks: VulnerableSink[];
  unmatchedFacts: number;
}

/**
 * The builder's inputs (the request's parts plus the verified call graph and batches), and the
 * signed evidence they were verified against.
 */
async function fetchInputs(
  ctx: AppContext,
  tenant: string,
  req: BuildRequest,
): Promise<{ inputs: ReachGraphBuildInputs; evidence: InputEvidence[] }> {
  const [callgraph, batches] = await Promise.all([
    ctx.resolver.callgraph(tenant, { graphId: req.callgraphId }),
    Promise.all(
      (req.runtimeFactBatchIds ?? []).map((batchId) => ctx.resolver.runtimeFacts(tenant, { batchId })),
    ),
  ]);
  for (const b of batches) {
    if (b.callgraphId !== callgraph.graphId) {
      throw inputProblem(
        'INPUT_MISMATCH',
        `runtime-fact batch ${b.batchId} was reported against call graph ${b.callgraphId}, not ${callgraph.graphId}`,
      );
    }
  }
  const inputs: ReachGraphBuildInputs = {
    artifact: req.artifact,
    callgraph: { records: callgraph.records, digest: callgraph.digest, graphId: callgraph.graphId },
    runtimeFacts: batches.map((b) => ({
      provenanceHash: b.provenanceHash,
      batchId: b.batchId,
      facts: b.facts,
    })),
  };
  if (req.vulnerabilities) {
    // A bare array of OSV records is kept (and digested) as the document `{vulns: [...]}`.
    const v = req.vulnerabilities as unknown;
    inputs.vulnerabilities = (Array.isArray(v) ? { vulns: v } : v) as OsvDocument;
  } else {
    inputs.sinks = req.sinks ?? [];
  }
  if (req.scope) inputs.scope = req.scope;
  const evidence: InputEvidence[] = [];
  if (callgraph.evidence)
    evidence.push({ kind: 'callgraph', digest: callgraph.digest, content: callgraph.evidence });
  for (const b of batches) {
    if (b.evidence) evidence.push({ kind: 'runtime-facts', digest: b.provenanceHash, content: b.evidence });
  }
  return { inputs, evidence };
}

/**
 * `POST /v1/reachgraphs/build`: fetches the call graph and runtime-fact batches from Signals
 * (verified: digests, manifest signature, batch attestations), builds the graph, keeps the sink
 * list or OSV document by digest (so replay can fetch it back) and the signed evidence of the
 * Signals inputs (for offline evidence bundles), then stores the graph through the upsert path. Nothing is stored unless every input verified and the build succeeded; the input
 * document goes first (content-addressed, so a crash in between leaves only an unreferenced row).
 */
export async function buildFromSignals(
  ctx: AppContext,
  tenant: string,
  actor: Actor,
  req: BuildRequest,
): Promise<BuildOutcome> {
  const { inputs, evidence } = await fetchInputs(ctx, tenant, req);
  const report = buildReachGraphReport(inputs);
  const graph = report.graph;
  const named = graph.provenance.inputs.find((i) => i.kind === 'sinks' || i.kind === 'osv');
  const kind = inputs.vulnerabilities ? 'osv' : 'sinks';
  const canonical = canonicalize(inputs.vulnerabilities ?? sortSinks(inputs.sinks ?? []));
  const kept = await new InputDocuments(ctx.pool).put(tenant, kind, canonical);
  if (named?.kind !== kind || named.digest !== kept)
    throw new Error(`the ${kind} document kept (${kept}) is not the one provenance names`);
  await new InputEvidenceStore(ctx.pool).put(tenant, evidence);
  const body = Buffer.from(JSON.stringify(graph), 'utf8');
  const job = ctx.indexer.start(body);
  try {
    const stored = await storeUpload(ctx, { tenant, actor, expected: undefined, body, job });
    return {
      stored,
      inputs: graph.provenance.inputs,
      unmatchedSinks: report.unmatchedSinks,
      unmatchedFacts: report.unmatchedFacts,
    };
  } catch (err) {
    job.cancel();
    throw err;
  }
}
