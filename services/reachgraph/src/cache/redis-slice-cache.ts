import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ByteLru } from './byte-lru.js';
import type { SliceCache, SliceKey } from './slice-cache.js';

/** Default byte budget of the in-process copies of answers read from or written to Redis. */
export const NEAR_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Slices in Valkey/Redis under `<prefix>slice:<tenant>:<digest>:<queryKey>` with a TTL; a set per
 * graph remembers its keys so a delete can drop them. Errors count as misses (the service stays
 * correct, only slower, while Redis is down).
 *
 * A byte-bounded in-process LRU keyed exactly like Redis keeps a copy of the answers this replica
 * read or wrote. Redis stays the only authority: a copy is served only after Redis confirms its key
 * still exists (EXISTS, an integer reply), so a TTL expiry or another replica's delete is honoured
 * as before; only the transfer of the answer (hundreds of KiB for a CVE page) is saved. An answer is
 * a pure function of the key (content-addressed graph, normalised query), so the copy and the
 * value under the key are the same bytes.
 */
export class RedisSliceCache implements SliceCache {
  readonly kind = 'redis' as const;
  private readonly near: ByteLru<Buffer>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
    nearCacheBytes = NEAR_CACHE_BYTES,
  ) {
    this.near = new ByteLru(nearCacheBytes);
  }

  private key(k: SliceKey): string {
    return `${this.prefix}slice:${k.tenant}:${k.digest}:${k.queryKey}`;
  }

  private index(tenant: string, digest: string): string {
    return `${this.prefix}slices:${tenant}:${digest}`;
  }

  async get(k: SliceKey): Promise<Buffer | undefined> {
    const key = this.key(k);
    try {
      const copy = this.near.get(key);
      if (copy !== undefined) {
        if ((await this.redis.exists(key)) === 1) return copy;
        this.near.delete(key);
        return undefined;
      }
      const value = await this.redis.getBuffer(key);
      if (value === null) return undefined;
      this.keep(key, value);
      return value;
    } catch (err) {
      this.logger.debug({ err }, 'slice cache read failed');
      return undefined;
    }
  }

  async set(k: SliceKey, value: Buffer): Promise<void> {
    const key = this.key(k);
    const index = this.index(k.tenant, k.digest);
    try {
      await this.redis
        .multi()
        .set(key, value, 'EX', this.ttlSeconds)
        .sadd(index, key)
        .expire(index, this.ttlSeconds * 2)
        .exec();
      this.keep(key, value);
    } catch (err) {
      this.logger.debug({ err }, 'slice cache write failed');
    }
  }

  async forgetGraph(tenant: string, digest: string): Promise<void> {
    // Rare (admin deletes), and copies are checked against Redis anyway: dropping them all is enough.
    this.near.clear();
    const index = this.index(tenant, digest);
    try {
      const keys = await this.redis.smembers(index);
      await this.redis.del(index, ...keys);
    } catch (err) {
      this.logger.warn({ err, digest }, 'could not drop cached slices of a deleted graph (they expire)');
    }
  }

  /** Keeps a copy that owns its memory (a view would pin the larger buffer it was cut from). */
  private keep(key: string, value: Buffer): void {
    let own = value;
    if (value.byteOffset !== 0 || value.byteLength !== value.buffer.byteLength) {
      own = Buffer.allocUnsafeSlow(value.length);
      value.copy(own);
    }
    this.near.set(key, own, own.length);
  }
}
