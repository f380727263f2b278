import { ByteLru } from './byte-lru.js';
import type { SliceCache, SliceKey } from './slice-cache.js';

/** The embedded default: slices in a byte-bounded in-process LRU with a TTL. */
export class MemorySliceCache implements SliceCache {
  readonly kind = 'memory' as const;
  private readonly lru: ByteLru<{ value: Buffer; expires: number }>;

  constructor(
    private readonly ttlSeconds: number,
    maxBytes = 64 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {
    this.lru = new ByteLru(maxBytes);
  }

  private static id(key: SliceKey): string {
    return `${key.tenant}\u0000${key.digest}\u0000${key.queryKey}`;
  }

  async get(key: SliceKey): Promise<Buffer | undefined> {
    const id = MemorySliceCache.id(key);
    const entry = this.lru.get(id);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.lru.delete(id);
      return undefined;
    }
    return entry.value;
  }

  async set(key: SliceKey, value: Buffer): Promise<void> {
    this.lru.set(
      MemorySliceCache.id(key),
      { value, expires: this.now() + this.ttlSeconds * 1000 },
      value.length,
    );
  }

  async forgetGraph(tenant: string, digest: string): Promise<void> {
    // Rare (admin deletes): a full clear keeps the structure simple and is always correct.
    void tenant;
    void digest;
    this.lru.clear();
  }
}
