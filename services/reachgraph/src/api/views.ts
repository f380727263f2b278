import type { ReachGraphSummary } from '@stella-ops/core';
import type { AppContext } from '../context.js';
import type { GraphMeta } from '../store/graph-store.js';

/** A stored graph as the API shows it (listings, upsert answers). */
export function graphView(meta: GraphMeta): ReachGraphSummary {
  return {
    digest: meta.digest,
    artifact: meta.artifact,
    counts: { nodes: meta.nodeCount, edges: meta.edgeCount },
    sizes: { canonicalBytes: meta.canonicalSize, binaryBytes: meta.binarySize },
    signatures: meta.signatures,
    createdAt: meta.createdAt,
    href: `/v1/reachgraphs/${meta.digest}`,
  };
}

/**
 * The answer to an upsert: the graph, whether this call created it, and with SignGraphs on the
 * DSSE envelope (payload = the canonical JSON, signatures = every signature recorded).
 */
export function upsertResponse(
  ctx: AppContext,
  meta: GraphMeta,
  created: boolean,
  canonical: Uint8Array,
): Record<string, unknown> {
  const body: Record<string, unknown> = { ...graphView(meta), created };
  if (ctx.cfg.signing.signGraphs) body['envelope'] = ctx.signatures.envelope(canonical, meta.signatures);
  return body;
}
