import { type DsseEnvelope, type ReachGraph, type SliceResponse, sha256 } from '@stella-ops/core';
import { createEvidenceBundle, type EvidenceBundle } from '@stella-ops/graph';
import { graphNotFound } from '../api/params.js';
import { InputDocuments } from '../build/input-store.js';
import type { AppContext } from '../context.js';
import { type CveSliceQuery, createSliceEvidence, SLICE_ENGINE } from '../vex/slice-evidence.js';
import { zstdDecompress } from '../zstd.js';
import { signerKeys } from './bundle-keys.js';
import { InputEvidenceStore } from './input-evidence-store.js';

/** What a bundle is asked for. */
export interface BundleRequest {
  tenant: string;
  digest: string;
  query: CveSliceQuery;
  /** Carry the canonical graph, so its digest and the slice can be recomputed offline. */
  includeGraph: boolean;
}

/** The sink lists and OSV documents the graph names that ReachGraph keeps (graphs it built). */
async function inputDocuments(
  ctx: AppContext,
  tenant: string,
  inputs: ReachGraph['provenance']['inputs'],
): Promise<EvidenceBundle['inputs']['documents']> {
  const store = new InputDocuments(ctx.pool);
  const out: EvidenceBundle['inputs']['documents'] = [];
  for (const input of inputs) {
    if (input.kind !== 'sinks' && input.kind !== 'osv') continue;
    const content = await store.get(tenant, input.kind, input.digest).catch((err: unknown) => {
      // A graph uploaded whole names documents ReachGraph never received: nothing to carry.
      if ((err as { code?: string }).code === 'INPUT_NOT_FOUND') return undefined;
      throw err;
    });
    if (content !== undefined) out.push({ kind: input.kind, digest: input.digest, content });
  }
  return out;
}

/**
 * The offline evidence bundle of a CVE slice of a tenant's graph: the whole slice with its signed
 * statement and OpenVEX document (`createSliceEvidence`), the graph's DSSE envelope when it is
 * signed, the signed evidence of its inputs kept at build time, the signers' public keys and,
 * with `includeGraph`, the canonical graph. Deterministic for a given graph, query and key set.
 * 404 `GRAPH_NOT_FOUND` for a graph the tenant does not have.
 */
export async function createBundle(ctx: AppContext, req: BundleRequest): Promise<EvidenceBundle> {
  const { tenant, digest } = req;
  const meta = await ctx.store.meta(tenant, digest);
  if (!meta) throw graphNotFound(digest);
  const evidence = await createSliceEvidence(ctx, { tenant, digest, query: req.query });
  const needsCanonical = req.includeGraph || meta.signatures.length > 0;
  const stored = needsCanonical ? await ctx.store.canonicalZst(tenant, digest) : undefined;
  if (needsCanonical && !stored) throw graphNotFound(digest);
  const canonical = stored ? zstdDecompress(stored, meta.canonicalSize) : undefined;
  const graphEnvelope: DsseEnvelope | null =
    canonical && meta.signatures.length > 0 ? ctx.signatures.envelope(canonical, meta.signatures) : null;
  const inputs = evidence.statement.predicate?.inputs ?? [];
  const [found, documents] = await Promise.all([
    new InputEvidenceStore(ctx.pool).find(tenant, inputs),
    inputDocuments(ctx, tenant, inputs),
  ]);
  const keys = signerKeys(ctx.cfg, {
    reachgraph: [graphEnvelope, evidence.envelope],
    signals: [...found.callgraphs.map((c) => c.envelope), ...found.runtimeFacts.map((r) => r.attestation)],
  });
  return createEvidenceBundle({
    graphDigest: digest,
    slice: evidence.slice as SliceResponse,
    sliceDigest: evidence.sliceDigest,
    vex: evidence.vex as EvidenceBundle['vex'],
    statement: evidence.statement,
    envelope: evidence.envelope,
    graphEnvelope,
    ...(req.includeGraph && canonical
      ? { graphDocument: JSON.parse(canonical.toString('utf8')) as ReachGraph }
      : {}),
    callgraphs: found.callgraphs as EvidenceBundle['inputs']['callgraphs'],
    runtimeFacts: found.runtimeFacts,
    documents,
    keys,
    engine: {
      ...SLICE_ENGINE,
      maxNodes: ctx.cfg.limits.sliceMaxNodes,
      maxPaths: ctx.cfg.limits.sliceMaxPaths,
    },
  });
}

/** The file name a bundle is offered under: graph digest prefix and CVE, filesystem-safe. */
export function bundleFileName(
  digest: string,
  cve: string,
  assume: Readonly<Record<string, string>> | undefined,
): string {
  const hex = digest.slice('blake3:'.length, 'blake3:'.length + 16);
  const safeCve = cve.replace(/[^A-Za-z0-9._-]/g, '_');
  const conditions =
    assume && Object.keys(assume).length > 0
      ? `-assume-${sha256(Buffer.from(JSON.stringify(assume), 'utf8')).slice('sha256:'.length, 'sha256:'.length + 8)}`
      : '';
  return `reachgraph-${hex}-${safeCve}${conditions}.bundle.json`;
}
