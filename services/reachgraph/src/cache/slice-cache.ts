/** Where a slice answer lives: tenant, graph, and the hash of the normalised query. */
export interface SliceKey {
  tenant: string;
  digest: string;
  queryKey: string;
}

/**
 * The hot slice cache (Valkey/Redis in production, an in-process LRU by default). Failures are
 * never errors for callers: a cache that is down answers misses and drops writes.
 */
export interface SliceCache {
  readonly kind: 'redis' | 'memory';
  /** The answer's JSON as UTF-8 bytes (sent as is). */
  get(key: SliceKey): Promise<Buffer | undefined>;
  set(key: SliceKey, value: Buffer): Promise<void>;
  /** Forgets every slice of one graph (after a delete). */
  forgetGraph(tenant: string, digest: string): Promise<void>;
}
