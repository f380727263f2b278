import {
  blake3Canonical,
  canonicalizeToBytes,
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  type OpenVexDocument,
  type ReachabilitySlicePredicate,
  type ReachGraph,
  type SliceQuery,
  type SliceResponse,
  sha256Canonical,
  signEnvelope,
} from '@stella-ops/core';
import { GRAPH_PACKAGE_VERSION, type Graph } from '@stella-ops/graph';
import { graphNotFound } from '../api/params.js';
import type { AppContext } from '../context.js';
import { runSlice } from '../engine.js';
import { zstdDecompress } from '../zstd.js';
import { evidenceKey } from './evidence-signer.js';
import { buildOpenVex, type SliceVerdict } from './openvex.js';
import type { WitnessPath } from './path-summary.js';
import { type SliceStatement, slicePredicate, sliceStatement } from './slice-predicate.js';

/** The author OpenVEX documents name when `REACHGRAPH_VEX_AUTHOR` is not set. */
export const DEFAULT_VEX_AUTHOR = 'Stella Reach ReachGraph';

/** The engine named in the predicate and the VEX `tooling`. */
export const SLICE_ENGINE = { name: '@stella-ops/graph', version: GRAPH_PACKAGE_VERSION } as const;

/** A CVE slice query as `parseSliceRequest` normalises it (with `assume` when given). */
export type CveSliceQuery = SliceQuery & { type: 'cve'; cve: string };

/** Everything signed evidence of a CVE slice consists of. */
export interface SliceEvidence {
  /** The whole answer (every path, not one page): what {@link SliceEvidence.sliceDigest} covers. */
  slice: SliceResponse;
  /** `blake3:` of the canonical JSON of {@link SliceEvidence.slice}. */
  sliceDigest: string;
  vex: OpenVexDocument;
  /** `sha256:` of the canonical JSON of {@link SliceEvidence.vex} (its statement subject digest). */
  vexDigest: string;
  statement: SliceStatement;
  /** DSSE over the canonical JSON of the statement; null when the service has no signing key. */
  envelope: DsseEnvelope | null;
  /** The key id of the envelope's signature. */
  keyId?: string;
}

/** The parts of a stored graph evidence needs besides the slice engine's form. */
export interface GraphFacts {
  digest: string;
  artifact: { name: string; digest: string };
  provenance: Pick<ReachGraph['provenance'], 'inputs' | 'analyzer' | 'computedAt'>;
}

/** How evidence is computed and signed. */
export interface EvidenceOptions {
  author: string;
  limits: { maxNodes: number; maxPaths: number };
  /** Signs the statement; absent: `envelope` is null. */
  sign?: (payload: Uint8Array) => Promise<{ envelope: DsseEnvelope; keyId: string }>;
}

/**
 * Evidence from a graph already in memory (no I/O but signing): the whole CVE slice, its digest,
 * the OpenVEX document, the in-toto statement and its envelope. Deterministic: the same graph,
 * query, author and limits give byte-identical VEX and statement.
 */
export async function sliceEvidence(
  graph: Graph,
  facts: GraphFacts,
  query: CveSliceQuery,
  opts: EvidenceOptions,
): Promise<SliceEvidence> {
  const slice = runSlice(graph, query, { maxNodes: opts.limits.maxNodes, maxPaths: opts.limits.maxPaths });
  const sliceDigest = await blake3Canonical(slice);
  const assume = (query as { assume?: Readonly<Record<string, string>> }).assume;
  const vex = buildOpenVex({
    author: opts.author,
    tooling: `${SLICE_ENGINE.name}@${SLICE_ENGINE.version}`,
    graphDigest: facts.digest,
    artifact: facts.artifact,
    ...(facts.provenance.computedAt ? { computedAt: facts.provenance.computedAt } : {}),
    query: { cve: query.cve, ...(assume && Object.keys(assume).length > 0 ? { assume } : {}) },
    verdict: (slice.verdict ?? 'unknown') as SliceVerdict,
    sinks: (slice.sinks ?? { reachable: [], unreachable: [] }) as ReachabilitySlicePredicate['sinks'],
    paths: (slice.paths ?? []) as WitnessPath[],
    sliceDigest,
  });
  const vexDigest = sha256Canonical(vex);
  const statement = sliceStatement(
    slicePredicate({
      graphDigest: facts.digest,
      artifact: facts.artifact,
      provenance: facts.provenance,
      query,
      slice,
      limits: opts.limits,
      sliceDigest,
      vexDigest,
      engine: { ...SLICE_ENGINE },
    }),
  );
  const signed = opts.sign ? await opts.sign(canonicalizeToBytes(statement)) : undefined;
  return {
    slice,
    sliceDigest,
    vex,
    vexDigest,
    statement,
    envelope: signed?.envelope ?? null,
    ...(signed ? { keyId: signed.keyId } : {}),
  };
}

/** Provenance read from stored graphs, by digest (content-addressed: the same for every tenant). */
const provenanceCache = new Map<string, GraphFacts['provenance']>();
const PROVENANCE_CACHE_ENTRIES = 256;

/** The `provenance` of a stored graph (its canonical JSON is parsed once per digest and process). */
async function storedProvenance(
  ctx: AppContext,
  tenant: string,
  digest: string,
  canonicalSize: number,
): Promise<GraphFacts['provenance'] | undefined> {
  const cached = provenanceCache.get(digest);
  if (cached) return cached;
  const zst = await ctx.store.canonicalZst(tenant, digest);
  if (!zst) return undefined;
  const doc = JSON.parse(zstdDecompress(zst, canonicalSize).toString('utf8')) as ReachGraph;
  const { inputs, analyzer, computedAt } = doc.provenance;
  const provenance = { inputs, analyzer, ...(computedAt ? { computedAt } : {}) };
  if (provenanceCache.size >= PROVENANCE_CACHE_ENTRIES) {
    const oldest = provenanceCache.keys().next().value;
    if (oldest !== undefined) provenanceCache.delete(oldest);
  }
  provenanceCache.set(digest, provenance);
  return provenance;
}

/**
 * Signed, replayable evidence for a CVE slice of a tenant's stored graph: the whole slice computed
 * with the service's limits, the OpenVEX document its verdict implies, the in-toto statement
 * (reachability-slice predicate) and its DSSE envelope signed with the service's signing key
 * (null without one). 404 `GRAPH_NOT_FOUND` when the tenant has no such graph.
 * @param req.query a CVE slice query normalised by `parseSliceRequest` (with `assume` when given).
 */
export async function createSliceEvidence(
  ctx: AppContext,
  req: { tenant: string; digest: string; query: CveSliceQuery },
): Promise<SliceEvidence> {
  const { tenant, digest } = req;
  const meta = await ctx.store.meta(tenant, digest);
  if (!meta) throw graphNotFound(digest);
  const [loaded, provenance] = await Promise.all([
    ctx.graphs.loadForCve(tenant, digest),
    storedProvenance(ctx, tenant, digest, meta.canonicalSize),
  ]);
  if (!loaded || !provenance) throw graphNotFound(digest);
  const key = evidenceKey(ctx.cfg.signing);
  const facts = { digest, artifact: meta.artifact, provenance };
  const evidence = await sliceEvidence(loaded.graph, facts, req.query, {
    author: ctx.cfg.vexAuthor ?? DEFAULT_VEX_AUTHOR,
    limits: { maxNodes: ctx.cfg.limits.sliceMaxNodes, maxPaths: ctx.cfg.limits.sliceMaxPaths },
    ...(key
      ? {
          sign: async (payload: Uint8Array) => ({
            envelope: await signEnvelope(payload, IN_TOTO_PAYLOAD_TYPE, [key.signer]),
            keyId: key.keyId,
          }),
        }
      : {}),
  });
  // Slicing memoises on the graph: the LRU weighs that too.
  ctx.graphs.reweigh(loaded.graph);
  return evidence;
}
