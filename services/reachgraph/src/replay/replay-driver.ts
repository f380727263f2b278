import {
  type BuildInputs,
  blake3Canonical,
  canonicalize,
  newUlid,
  type ReachGraph,
  type ReplayRequest,
  type ReplayResponse,
  type RuntimeFact,
  sha256,
} from '@stella-ops/core';
import {
  buildReachGraph,
  isGraphError,
  type ReachGraphBuildInputs,
  type RuntimeFactBatchInput,
} from '@stella-ops/graph';
import { HttpProblem } from '@stella-ops/service-kit';
import { graphNotFound } from '../api/params.js';
import type { AppContext } from '../context.js';
import type { Actor } from '../store/graph-store.js';
import { zstdDecompress } from '../zstd.js';
import { diffGraphs } from './diff.js';
import { storedInputs } from './stored-inputs.js';

/** The stored graph of `digest` as a document, or undefined when the tenant has none. */
async function storedDocument(
  ctx: AppContext,
  tenant: string,
  digest: string,
): Promise<ReachGraph | undefined> {
  const meta = await ctx.store.meta(tenant, digest);
  if (!meta) return undefined;
  const zst = await ctx.store.canonicalZst(tenant, digest);
  if (!zst) return undefined;
  return JSON.parse(zstdDecompress(zst, meta.canonicalSize).toString('utf8')) as ReachGraph;
}

/**
 * What replay_log records about the inputs: references and sizes, never megabytes of records (the
 * digests of what was actually built from are the rebuilt graph's provenance inputs, logged too).
 */
function inputsSummary(inputs: BuildInputs): Record<string, unknown> {
  const cg = inputs.callgraph;
  return {
    artifact: inputs.artifact,
    callgraph: {
      ...(cg.graphId ? { graphId: cg.graphId } : {}),
      ...(cg.digest ? { digest: cg.digest } : {}),
      ...(cg.records ? { inlineRecords: cg.records.length } : {}),
    },
    runtimeFacts: (inputs.runtimeFacts ?? []).map((b) => ({
      ...(b.batchId ? { batchId: b.batchId } : {}),
      ...(b.provenanceHash ? { provenanceHash: b.provenanceHash } : {}),
      ...(b.facts ? { inlineFacts: b.facts.length } : {}),
    })),
    sinks: inputs.sinks.length,
    ...(inputs.analyzer ? { analyzer: inputs.analyzer } : {}),
  };
}

/** sha256 of the canonical JSON of inline facts: the batch hash when the client gives none. */
function inlineBatchHash(facts: readonly RuntimeFact[]): string {
  return sha256(new TextEncoder().encode(canonicalize(facts)));
}

/** The builder's inputs when everything is inline (nothing to fetch), else undefined. */
export function inlineBuilderInputs(inputs: BuildInputs): ReachGraphBuildInputs | undefined {
  const cg = inputs.callgraph;
  if (!cg.records || (inputs.runtimeFacts ?? []).some((b) => !b.facts)) return undefined;
  const callgraph: ReachGraphBuildInputs['callgraph'] = { records: cg.records };
  if (cg.graphId) callgraph.graphId = cg.graphId;
  const runtimeFacts = (inputs.runtimeFacts ?? []).map(
    (batch): RuntimeFactBatchInput => ({
      provenanceHash: batch.provenanceHash ?? inlineBatchHash(batch.facts ?? []),
      ...(batch.batchId ? { batchId: batch.batchId } : {}),
      facts: batch.facts ?? [],
    }),
  );
  const out: ReachGraphBuildInputs = {
    artifact: inputs.artifact,
    callgraph,
    runtimeFacts,
    sinks: inputs.sinks,
  };
  if (inputs.analyzer) out.analyzer = inputs.analyzer;
  if (inputs.scope) out.scope = inputs.scope;
  return out;
}

/** The builder's inputs: inline parts as given, references fetched (and verified) by the resolver. */
async function resolve(ctx: AppContext, tenant: string, inputs: BuildInputs): Promise<ReachGraphBuildInputs> {
  const inline = inlineBuilderInputs(inputs);
  if (inline) return inline;
  const cg = inputs.callgraph;
  let callgraph: ReachGraphBuildInputs['callgraph'];
  if (cg.records) callgraph = { records: cg.records };
  else {
    const fetched = await ctx.resolver.callgraph(tenant, {
      ...(cg.graphId ? { graphId: cg.graphId } : {}),
      ...(cg.digest ? { digest: cg.digest } : {}),
    });
    callgraph = { records: fetched.records, digest: fetched.digest };
  }
  if (cg.graphId) callgraph.graphId = cg.graphId;
  const runtimeFacts: RuntimeFactBatchInput[] = [];
  for (const batch of inputs.runtimeFacts ?? []) {
    let facts: readonly RuntimeFact[] | undefined = batch.facts;
    let provenanceHash = batch.provenanceHash;
    if (!facts) {
      const fetched = await ctx.resolver.runtimeFacts(tenant, {
        ...(batch.batchId ? { batchId: batch.batchId } : {}),
        ...(batch.provenanceHash ? { provenanceHash: batch.provenanceHash } : {}),
      });
      facts = fetched.facts;
      provenanceHash = fetched.provenanceHash;
    }
    runtimeFacts.push({
      provenanceHash: provenanceHash ?? inlineBatchHash(facts as readonly RuntimeFact[]),
      ...(batch.batchId ? { batchId: batch.batchId } : {}),
      facts: facts as readonly RuntimeFact[],
    });
  }
  const out: ReachGraphBuildInputs = {
    artifact: inputs.artifact,
    callgraph,
    runtimeFacts,
    sinks: inputs.sinks,
  };
  if (inputs.analyzer) out.analyzer = inputs.analyzer;
  if (inputs.scope) out.scope = inputs.scope;
  return out;
}

/** A graph rebuilt ahead of time from inline inputs (or why it could not be). */
export type Prebuilt = { graph: ReachGraph } | { error: unknown };

/**
 * Rebuilds from inline inputs before the request is known to be valid — called only while the
 * worker validates it; the result is used only once validation passed. Undefined when inputs must
 * be fetched first.
 */
export function prebuild(request: unknown): Prebuilt | undefined {
  try {
    const inputs = (request as ReplayRequest | null)?.inputs;
    const builderInputs = inputs ? inlineBuilderInputs(inputs) : undefined;
    return builderInputs ? { graph: buildReachGraph(builderInputs) } : undefined;
  } catch (error) {
    return { error };
  }
}

function errorCodeOf(err: unknown): string {
  if (err instanceof HttpProblem) return err.code;
  if (isGraphError(err)) return err.code;
  return 'INTERNAL';
}

/**
 * The Replay Driver: rebuilds the graph from its inputs with the deterministic builder, compares
 * digests, explains a mismatch against the stored graph, and records every attempt in replay_log
 * (failures too, with their code).
 */
export async function replay(
  ctx: AppContext,
  tenant: string,
  actor: Actor,
  request: ReplayRequest,
  prebuilt?: Prebuilt,
): Promise<ReplayResponse> {
  const id = newUlid();
  const started = performance.now();
  const inputs = request.inputs;
  const source = inputs ? 'request' : 'provenance';
  let expectedDoc: ReachGraph | undefined;
  let builtFrom: unknown;
  let logged = false;
  const log = async (
    entry: Omit<
      Parameters<typeof ctx.store.logReplay>[1],
      'id' | 'actor' | 'expectedDigest' | 'durationMs' | 'inputs'
    >,
  ) => {
    logged = true;
    await ctx.store.logReplay(tenant, {
      id,
      actor,
      expectedDigest: request.expectedDigest,
      inputs: {
        source,
        ...(inputs ? inputsSummary(inputs) : {}),
        // By digest alone: the inputs the stored graph names (what was fetched, or failed to be).
        ...(!inputs && expectedDoc ? { named: expectedDoc.provenance.inputs } : {}),
        ...(builtFrom ? { builtFrom } : {}),
      },
      durationMs: performance.now() - started,
      ...entry,
    });
  };
  try {
    let built: ReachGraph;
    if (!inputs) {
      // By digest alone: every input the stored graph names, fetched by digest and verified.
      expectedDoc = await storedDocument(ctx, tenant, request.expectedDigest);
      if (!expectedDoc) throw graphNotFound(request.expectedDigest);
      built = buildReachGraph(await storedInputs(ctx, tenant, expectedDoc));
    } else if (prebuilt && request.inputs) {
      if ('error' in prebuilt) throw prebuilt.error;
      built = prebuilt.graph;
    } else {
      built = buildReachGraph(await resolve(ctx, tenant, inputs));
    }
    // buildReachGraph returns the normalised document: hashed as it is, its canonical JSON streamed
    // into BLAKE3 (replay needs the digest, never the bytes).
    const computed = { doc: built, digest: await blake3Canonical(built) };
    builtFrom = computed.doc.provenance.inputs;
    const match = computed.digest === request.expectedDigest;
    const response: ReplayResponse = {
      match,
      expectedDigest: request.expectedDigest,
      computedDigest: computed.digest,
      replayId: id,
      inputs: computed.doc.provenance.inputs,
    };
    if (!match) {
      expectedDoc ??= await storedDocument(ctx, tenant, request.expectedDigest);
      if (expectedDoc) response.diff = diffGraphs(expectedDoc, computed.doc);
    }
    await log({ computedDigest: computed.digest, match, ...(response.diff ? { diff: response.diff } : {}) });
    ctx.metrics.replays.inc({ result: match ? 'match' : 'mismatch' });
    return response;
  } catch (err) {
    ctx.metrics.replays.inc({ result: 'error' });
    if (!logged) {
      try {
        await log({ errorCode: errorCodeOf(err) });
      } catch (logErr) {
        ctx.logger.error({ err: logErr }, 'could not record a failed replay');
      }
    }
    throw err;
  }
}
