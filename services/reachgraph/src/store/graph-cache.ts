import type { Graph } from '@stella-ops/graph';
import { ByteLru } from '../cache/byte-lru.js';
import { decodeStoredGraph } from '../engine.js';
import type { ReachGraphMetrics } from '../metrics.js';
import type { GraphStore } from './graph-store.js';

/**
 * Decoded graphs for slicing: a byte-bounded in-process LRU in front of the store's binary form.
 * Graphs are content-addressed, so one decoded copy serves every tenant that stores the digest;
 * each load still asks the store (under that tenant's RLS) whether the tenant may see it.
 */
export class GraphCache {
  private readonly lru: ByteLru<Graph>;
  private readonly loading = new Map<string, Promise<{ graph: Graph; bytes: number } | undefined>>();

  constructor(
    private readonly store: GraphStore,
    maxBytes: number,
    private readonly metrics: ReachGraphMetrics,
  ) {
    this.lru = new ByteLru(maxBytes, (bytes, entries) => {
      metrics.graphLruBytes.set(bytes);
      metrics.graphLruEntries.set(entries);
    });
  }

  /** Keeps a graph just built (an upsert) so its first slice is warm. */
  remember(digest: string, graph: Graph, bytes: number): void {
    this.lru.set(digest, graph, bytes);
  }

  forget(digest: string): void {
    this.lru.delete(digest);
  }

  /** The graph if `tenant` has it, else undefined (missing and foreign look the same). */
  async load(
    tenant: string,
    digest: string,
  ): Promise<{ graph: Graph; source: 'memory' | 'store' } | undefined> {
    const cached = this.lru.get(digest);
    if (cached) {
      if (!(await this.store.exists(tenant, digest))) return undefined;
      this.metrics.graphLoads.inc({ source: 'memory' });
      return { graph: cached, source: 'memory' };
    }
    // One decode per digest and tenant at a time, however many requests ask concurrently.
    const key = `${tenant}\u0000${digest}`;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.fetch(tenant, digest).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    const loaded = await pending;
    if (!loaded) return undefined;
    this.metrics.graphLoads.inc({ source: 'store' });
    return { graph: loaded.graph, source: 'store' };
  }

  private async fetch(tenant: string, digest: string): Promise<{ graph: Graph; bytes: number } | undefined> {
    const compressed = await this.store.binaryZst(tenant, digest);
    if (!compressed) return undefined;
    const { graph, bytes } = await decodeStoredGraph(compressed);
    this.lru.set(digest, graph, bytes);
    return { graph, bytes };
  }
}
