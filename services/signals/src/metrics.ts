import { Counter, Histogram, type Registry } from 'prom-client';

/** The metrics of contract §8.1, with exactly its names and labels (plus `result` on attestations). */
export interface SignalsMetrics {
  callgraphsStored: Counter<'language' | 'tenant'>;
  callgraphNodes: Histogram<'language'>;
  factsIngested: Counter<'fact_type' | 'tenant'>;
  batchSize: Histogram;
  provenanceRecords: Counter;
  /** `result` = success | failure, so the §8.2 `SignalsAttestationFailure` alert works. */
  attestations: Counter<'result'>;
  casOperations: Counter<'operation' | 'result'>;
  /**
   * Not in §8.1: runtime-fact batches whose facts blob was stored, by `provenance` = `recorded`
   * (provenance record stored and the batch indexed) or `missing` (the request failed after the
   * facts were stored, before their provenance record was). The §8.2 `SignalsProvenanceMissing`
   * alert is computed from it (see the README): the contract's own expression subtracts records
   * from facts, which never balance.
   */
  factBatches: Counter<'provenance'>;
}

/** Registers the Signals metrics on the app's own registry. */
export function createSignalsMetrics(registry: Registry): SignalsMetrics {
  const registers = [registry];
  return {
    callgraphsStored: new Counter({
      name: 'signals_callgraphs_stored_total',
      help: 'Callgraphs stored',
      labelNames: ['language', 'tenant'],
      registers,
    }),
    callgraphNodes: new Histogram({
      name: 'signals_callgraph_nodes_total',
      help: 'Nodes per callgraph',
      labelNames: ['language'],
      buckets: [10, 100, 1_000, 10_000, 100_000, 1_000_000],
      registers,
    }),
    factsIngested: new Counter({
      name: 'signals_runtime_facts_ingested_total',
      help: 'Facts ingested',
      labelNames: ['fact_type', 'tenant'],
      registers,
    }),
    batchSize: new Histogram({
      name: 'signals_runtime_facts_batch_size',
      help: 'Facts per batch',
      buckets: [1, 10, 100, 1_000, 10_000, 50_000, 100_000],
      registers,
    }),
    provenanceRecords: new Counter({
      name: 'signals_provenance_records_total',
      help: 'Provenance records created',
      registers,
    }),
    attestations: new Counter({
      name: 'signals_attestations_created_total',
      help: 'DSSE attestations created',
      labelNames: ['result'],
      registers,
    }),
    casOperations: new Counter({
      name: 'signals_cas_operations_total',
      help: 'CAS operations',
      labelNames: ['operation', 'result'],
      registers,
    }),
    factBatches: new Counter({
      name: 'signals_runtime_fact_batches_total',
      help: 'Runtime-fact batches whose facts were stored, by whether their provenance record was (recorded) or the ingest failed first (missing)',
      labelNames: ['provenance'],
      registers,
    }),
  };
}
