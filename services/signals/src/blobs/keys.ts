/**
 * Object keys exactly as contract §3.1 lays out the bucket. Tenant ids match
 * `^[a-z0-9][a-z0-9-]{0,62}$` and ids are ULIDs, so every key is a valid CAS key.
 */
export const blobKeys = {
  callgraph: (tenant: string, graphId: string) => `callgraphs/${tenant}/${graphId}.ndjson.zst`,
  callgraphMeta: (tenant: string, graphId: string) => `callgraphs/${tenant}/${graphId}.meta.json`,
  manifest: (graphId: string) => `manifests/${graphId}.json`,
  manifestEnvelope: (graphId: string) => `manifests/${graphId}.json.dsse`,
  facts: (tenant: string, batchId: string) => `runtime-facts/${tenant}/${batchId}.ndjson.zst`,
  provenance: (tenant: string, batchId: string) => `runtime-facts/${tenant}/${batchId}.provenance.json`,
  attestation: (batchId: string) => `attestations/${batchId}.dsse`,
};

/** The prefixes retention may sweep for blobs no index row names (never manifests/attestations). */
export const SWEEPABLE_PREFIXES = ['callgraphs/', 'runtime-facts/'] as const;
