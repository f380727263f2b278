import {
  type CallgraphRecord,
  type ReachGraph,
  sha256Canonical,
  sha256CanonicalLines,
  type VulnerableSink,
} from '@stella-ops/core';
import type { OsvDocument } from './osv-types.js';
import type { RuntimeFactBatchInput } from './types.js';

type ProvenanceInput = ReachGraph['provenance']['inputs'][number];

/**
 * `sha256:` of the canonical NDJSON of `records` — one RFC 8785 JSON record per line, each
 * `\n`-terminated, in the order given — hashed record by record (no NDJSON text is built).
 */
export function callgraphDigest(records: readonly CallgraphRecord[]): string {
  return sha256CanonicalLines(records);
}

/** `sha256:` of the canonical JSON of the sink list (already sorted and de-duplicated). */
export function sinksDigest(sinks: readonly VulnerableSink[]): string {
  return sha256Canonical(sinks);
}

/** `sha256:` of the canonical JSON of an OSV document, as given. */
export function osvDigest(osv: OsvDocument): string {
  return sha256Canonical(osv);
}

/** Where the sinks came from: the inline sink list or an OSV document, by digest. */
export interface SinksInput {
  kind: 'sinks' | 'osv';
  digest: string;
}

/**
 * The provenance inputs in a fixed order: the call graph, the runtime-fact batches by (digest, id),
 * then the sink list (or the OSV document the sinks came from).
 */
export function provenanceInputs(
  callgraph: { digest: string; graphId?: string },
  batches: readonly RuntimeFactBatchInput[],
  sinks: SinksInput,
): ProvenanceInput[] {
  const facts: ProvenanceInput[] = batches.map((b) => ({
    kind: 'runtime-facts',
    digest: b.provenanceHash,
    ...(b.batchId !== undefined ? { id: b.batchId } : {}),
  }));
  facts.sort((a, b) => cmp(a.digest, b.digest) || cmp(a.id ?? '', b.id ?? ''));
  return [
    {
      kind: 'callgraph',
      digest: callgraph.digest,
      ...(callgraph.graphId !== undefined ? { id: callgraph.graphId } : {}),
    },
    ...facts,
    { kind: sinks.kind, digest: sinks.digest },
  ];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
