import type { CallgraphRecord, ReachGraph, RuntimeFact, VulnerableSink } from '@stella-ops/core';
import type { OsvDocument } from './osv-types.js';

/** One runtime-fact batch: its provenance hash (the batch's `sha256:` digest) and its facts. */
export interface RuntimeFactBatchInput {
  /** `sha256:` provenance hash of the batch; recorded in `observed.batches` and provenance. */
  provenanceHash: string;
  /** The batch's ULID, recorded as the provenance input's `id`. */
  batchId?: string;
  facts: readonly RuntimeFact[];
}

/** Everything {@link buildReachGraph} needs (replay-request.v1 `buildInputs`, resolved inline). */
export interface ReachGraphBuildInputs {
  artifact: ReachGraph['artifact'];
  callgraph: {
    /** The call graph NDJSON records: one header, then nodes and edges in any order. */
    records: readonly CallgraphRecord[];
    /**
     * The `sha256:` digest of the canonical NDJSON when the caller already knows it (e.g. from the
     * Signals manifest, verified when the blob was read); otherwise computed from `records` in the
     * order given.
     */
    digest?: string;
    /** The Signals graph id, recorded as the provenance input's `id`. */
    graphId?: string;
  };
  runtimeFacts?: readonly RuntimeFactBatchInput[];
  /** Vulnerable functions: `{cve, purl, symbol}`. Required unless `vulnerabilities` is given. */
  sinks?: readonly VulnerableSink[];
  /**
   * An OSV document whose records name affected functions, instead of `sinks`: each becomes a sink
   * on the nodes of an affected package version (see `sinksFromOsv`); provenance records the
   * document's digest (kind `osv`).
   */
  vulnerabilities?: OsvDocument;
  /** Default `{name: 'stella-reachgraph-builder', version: <package version>}`. */
  analyzer?: { name: string; version: string };
  scope?: { selectors?: readonly string[] };
}

/** A built graph and what the builder could not place. */
export interface BuildReport {
  graph: ReachGraph;
  /** Sinks no node matched (by purl and symbol; for OSV, the affected functions), sorted. */
  unmatchedSinks: VulnerableSink[];
  /** Facts naming a symbol the call graph lacks, or a call no edge stands for. */
  unmatchedFacts: number;
}
