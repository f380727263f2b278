import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The service's own metrics (HTTP latency by route comes from service-kit). */
export interface ReachGraphMetrics {
  sliceDuration: Histogram<'type' | 'source'>;
  sliceCache: Counter<'level' | 'result'>;
  upserts: Counter<'result'>;
  replays: Counter<'result'>;
  graphLoads: Counter<'source'>;
  coreBackfills: Counter<'result'>;
  graphLruBytes: Gauge;
  graphLruEntries: Gauge;
  rateLimited: Counter<'limit'>;
  diffs: Counter<'type' | 'outcome'>;
}

export function createServiceMetrics(registry: Registry): ReachGraphMetrics {
  const registers = [registry];
  return {
    sliceDuration: new Histogram({
      name: 'reachgraph_slice_duration_seconds',
      help: 'Slice answer time by slice type and where the answer came from (cache, store, computed)',
      labelNames: ['type', 'source'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    sliceCache: new Counter({
      name: 'reachgraph_slice_cache_total',
      help: 'Slice cache lookups by level (hot = Redis or in-process, durable = Postgres) and result',
      labelNames: ['level', 'result'] as const,
      registers,
    }),
    upserts: new Counter({
      name: 'reachgraph_upserts_total',
      help: 'Graph upserts by result (created, existing)',
      labelNames: ['result'] as const,
      registers,
    }),
    replays: new Counter({
      name: 'reachgraph_replays_total',
      help: 'Replay attempts by result (match, mismatch, error)',
      labelNames: ['result'] as const,
      registers,
    }),
    graphLoads: new Counter({
      name: 'reachgraph_graph_loads_total',
      help: 'Decoded graphs served from the in-process LRU or loaded from the store',
      labelNames: ['source'] as const,
      registers,
    }),
    coreBackfills: new Counter({
      name: 'reachgraph_core_backfills_total',
      help: 'CVE cores made for large graphs stored without one (stored, skipped: none needed or one there already, error)',
      labelNames: ['result'] as const,
      registers,
    }),
    graphLruBytes: new Gauge({
      name: 'reachgraph_graph_lru_bytes',
      help: 'Bytes held by the in-process LRU of decoded graphs',
      registers,
    }),
    graphLruEntries: new Gauge({
      name: 'reachgraph_graph_lru_entries',
      help: 'Graphs held by the in-process LRU',
      registers,
    }),
    rateLimited: new Counter({
      name: 'reachgraph_rate_limited_total',
      help: 'Requests refused by the rate limits',
      labelNames: ['limit'] as const,
      registers,
    }),
    diffs: new Counter({
      name: 'reachgraph_diffs_total',
      help: 'Reachability diffs answered, by query type and outcome (newly_reachable: a sink became reachable, else unchanged)',
      labelNames: ['type', 'outcome'] as const,
      registers,
    }),
  };
}
