import { type Graph, retainedBytes } from '@stella-ops/graph';
import { ByteLru } from '../cache/byte-lru.js';
import { CORE_MIN_BINARY_BYTES, decodeStoredGraph } from '../engine.js';
import type { ReachGraphMetrics } from '../metrics.js';
import type { GraphStore } from './graph-store.js';

/** A decoded graph, and whether it was in memory already. */
export interface LoadedGraph {
  graph: Graph;
  source: 'memory' | 'store';
}

/** The LRU key of a graph's CVE core (a digest starts with `blake3:`, so no digest is one). */
function coreKey(digest: string): string {
  return `core:${digest}`;
}

/**
 * Decoded graphs for slicing: a byte-bounded in-process LRU in front of the store's binary form.
 * Graphs are content-addressed, so one decoded copy serves every tenant that stores the digest;
 * each load still asks the store (under that tenant's RLS) whether the tenant may see it.
 */
export class GraphCache {
  private readonly lru: ByteLru<Graph>;
  /** The LRU key each graph was stored under (a whole graph's digest, or its core's key). */
  private readonly keys = new WeakMap<Graph, string>();
  private readonly loading = new Map<string, Promise<{ graph: Graph; bytes: number } | undefined>>();

  /**
   * `coreMissing`: told when a CVE slice had to load a whole graph large enough to have a CVE core
   * but stored without one (see `CoreBackfill`).
   */
  constructor(
    private readonly store: GraphStore,
    maxBytes: number,
    private readonly metrics: ReachGraphMetrics,
    private readonly coreMissing?: (tenant: string, digest: string) => void,
  ) {
    this.lru = new ByteLru(maxBytes, (bytes, entries) => {
      metrics.graphLruBytes.set(bytes);
      metrics.graphLruEntries.set(entries);
    });
  }

  /** Keeps a graph just built (an upsert) so its first slice is warm. */
  remember(digest: string, graph: Graph, bytes: number): void {
    this.put(digest, graph, bytes);
  }

  /**
   * Weighs `graph` again by what it retains now (`retainedBytes`: its buffer plus what slices have
   * memoised for it), evicting least recently used graphs past the budget — `graph` itself when it
   * alone outweighs it. Call after computing on a graph this cache gave out; does nothing for a
   * graph no longer in the LRU (evicted, forgotten, or replaced by another decode). A few µs.
   */
  reweigh(graph: Graph): void {
    const key = this.keys.get(graph);
    if (key === undefined || this.lru.peek(key) !== graph) return;
    this.lru.reweigh(key, retainedBytes(graph));
  }

  forget(digest: string): void {
    this.lru.delete(digest);
    this.lru.delete(coreKey(digest));
  }

  /** The graph if `tenant` has it, else undefined (missing and foreign look the same). */
  load(tenant: string, digest: string): Promise<LoadedGraph | undefined> {
    return this.loadWhole(tenant, digest);
  }

  /** {@link load}, with the decoded size when it came from the store. */
  private loadWhole(tenant: string, digest: string): Promise<(LoadedGraph & { bytes?: number }) | undefined> {
    return this.loadAs(tenant, digest, digest, () => this.store.binaryZst(tenant, digest));
  }

  /**
   * A graph to answer CVE slices of `digest` from: the whole graph when it is in memory, else its CVE
   * core (kept in the LRU on its own) when the store has one — a CVE slice of the core answers
   * exactly as one of the whole graph, for a fraction of the reading and decoding — else the whole
   * graph. Undefined when `tenant` does not have the graph.
   */
  async loadForCve(tenant: string, digest: string): Promise<LoadedGraph | undefined> {
    if (this.lru.get(digest)) return this.load(tenant, digest);
    const core = await this.loadAs(tenant, digest, coreKey(digest), () => this.store.coreZst(tenant, digest));
    if (core) return core;
    const whole = await this.loadWhole(tenant, digest);
    if (whole?.bytes !== undefined && whole.bytes >= CORE_MIN_BINARY_BYTES)
      this.coreMissing?.(tenant, digest);
    return whole;
  }

  private async loadAs(
    tenant: string,
    digest: string,
    key: string,
    read: () => Promise<Buffer | undefined>,
  ): Promise<(LoadedGraph & { bytes?: number }) | undefined> {
    const cached = this.lru.get(key);
    if (cached) {
      if (!(await this.store.exists(tenant, digest))) return undefined;
      this.metrics.graphLoads.inc({ source: 'memory' });
      return { graph: cached, source: 'memory' };
    }
    // One decode per key and tenant at a time, however many requests ask concurrently.
    const pendingKey = `${tenant}\u0000${key}`;
    let pending = this.loading.get(pendingKey);
    if (!pending) {
      pending = this.fetch(key, read).finally(() => this.loading.delete(pendingKey));
      this.loading.set(pendingKey, pending);
    }
    const loaded = await pending;
    if (!loaded) return undefined;
    this.metrics.graphLoads.inc({ source: 'store' });
    return { graph: loaded.graph, source: 'store', bytes: loaded.bytes };
  }

  private async fetch(
    key: string,
    read: () => Promise<Buffer | undefined>,
  ): Promise<{ graph: Graph; bytes: number } | undefined> {
    const compressed = await read();
    if (!compressed) return undefined;
    const { graph, bytes } = decodeStoredGraph(compressed);
    this.put(key, graph, retainedBytes(graph));
    return { graph, bytes };
  }

  private put(key: string, graph: Graph, bytes: number): void {
    this.keys.set(graph, key);
    this.lru.set(key, graph, bytes);
  }
}
