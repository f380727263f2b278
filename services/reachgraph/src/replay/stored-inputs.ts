import type { ReachGraph, VulnerableSink } from '@stella-ops/core';
import {
  type OsvDocument,
  type ReachGraphBuildInputs,
  type RuntimeFactBatchInput,
  sinksDigest,
  sortSinks,
} from '@stella-ops/graph';
import { HttpProblem } from '@stella-ops/service-kit';
import { inputProblem } from '../build/input-problems.js';
import { InputDocuments } from '../build/input-store.js';
import type { AppContext } from '../context.js';

type ProvenanceInput = ReachGraph['provenance']['inputs'][number];

/** The sinks a graph's nodes carry, as `{cve, purl, symbol}` (one per node and CVE). */
function sinksOnNodes(doc: ReachGraph): VulnerableSink[] {
  return doc.nodes.flatMap((n) =>
    n.isSink && n.purl && n.symbol
      ? (n.cves ?? []).map((cve) => ({ cve, purl: n.purl as string, symbol: n.symbol as string }))
      : [],
  );
}

/**
 * The sink list a `sinks` input names: the document stored when the graph was built, or — for a
 * graph uploaded whole — the sinks on its nodes, but only if they hash to the digest named (so a
 * list that cannot be reproduced is `INPUT_NOT_FOUND`, never a guess that could falsely match).
 */
async function sinkList(ctx: AppContext, tenant: string, doc: ReachGraph, input: ProvenanceInput) {
  try {
    return (await new InputDocuments(ctx.pool).get(tenant, 'sinks', input.digest)) as VulnerableSink[];
  } catch (err) {
    if (!(err instanceof HttpProblem) || err.code !== 'INPUT_NOT_FOUND') throw err;
    const fromNodes = sortSinks(sinksOnNodes(doc));
    if (sinksDigest(fromNodes) === input.digest) return fromNodes;
    throw inputProblem(
      'INPUT_NOT_FOUND',
      `the sink list ${input.digest} is not stored and the graph's sinks do not reproduce it`,
    );
  }
}

/**
 * Everything a stored graph was built from, fetched by the digests its `provenance.inputs` name:
 * the call graph and runtime-fact batches from Signals (verified), the sink list or OSV document
 * from ReachGraph's input store (verified), plus the artifact, analyzer and selectors it records.
 */
export async function storedInputs(
  ctx: AppContext,
  tenant: string,
  doc: ReachGraph,
): Promise<ReachGraphBuildInputs> {
  const inputs = doc.provenance.inputs;
  const cg = inputs.find((i) => i.kind === 'callgraph');
  if (!cg) throw inputProblem('INPUT_NOT_FOUND', 'the graph names no call graph among its provenance inputs');
  const sinkInputs = inputs.filter((i) => i.kind === 'sinks' || i.kind === 'osv');
  const unsupported = inputs.find((i) => !['callgraph', 'runtime-facts', 'sinks', 'osv'].includes(i.kind));
  if (unsupported || sinkInputs.length !== 1) {
    throw inputProblem(
      'INPUT_NOT_FOUND',
      unsupported
        ? `replay cannot fetch ${unsupported.kind} inputs (${unsupported.digest})`
        : 'the graph must name exactly one sink list or OSV document among its provenance inputs',
    );
  }
  const callgraph = await ctx.resolver.callgraph(tenant, {
    digest: cg.digest,
    ...(cg.id ? { graphId: cg.id } : {}),
  });
  const runtimeFacts: RuntimeFactBatchInput[] = [];
  for (const input of inputs.filter((i) => i.kind === 'runtime-facts')) {
    const batch = await ctx.resolver.runtimeFacts(tenant, {
      provenanceHash: input.digest,
      ...(input.id ? { batchId: input.id } : {}),
    });
    runtimeFacts.push({
      provenanceHash: batch.provenanceHash,
      ...(input.id ? { batchId: input.id } : {}),
      facts: batch.facts,
    });
  }
  const out: ReachGraphBuildInputs = {
    artifact: doc.artifact,
    callgraph: { records: callgraph.records, digest: callgraph.digest, ...(cg.id ? { graphId: cg.id } : {}) },
    runtimeFacts,
    analyzer: doc.provenance.analyzer,
  };
  const sinks = sinkInputs[0] as ProvenanceInput;
  if (sinks.kind === 'osv') {
    out.vulnerabilities = (await new InputDocuments(ctx.pool).get(
      tenant,
      'osv',
      sinks.digest,
    )) as OsvDocument;
  } else {
    out.sinks = await sinkList(ctx, tenant, doc, sinks);
  }
  if (doc.scope.selectors) out.scope = { selectors: doc.scope.selectors };
  return out;
}
