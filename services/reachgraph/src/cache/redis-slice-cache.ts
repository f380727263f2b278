import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SliceCache, SliceKey } from './slice-cache.js';

/**
 * Slices in Valkey/Redis under `<prefix>slice:<tenant>:<digest>:<queryKey>` with a TTL; a set per
 * graph remembers its keys so a delete can drop them. Errors count as misses (the service stays
 * correct, only slower, while Redis is down).
 */
export class RedisSliceCache implements SliceCache {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  private key(k: SliceKey): string {
    return `${this.prefix}slice:${k.tenant}:${k.digest}:${k.queryKey}`;
  }

  private index(tenant: string, digest: string): string {
    return `${this.prefix}slices:${tenant}:${digest}`;
  }

  async get(k: SliceKey): Promise<Buffer | undefined> {
    try {
      return (await this.redis.getBuffer(this.key(k))) ?? undefined;
    } catch (err) {
      this.logger.debug({ err }, 'slice cache read failed');
      return undefined;
    }
  }

  async set(k: SliceKey, value: Buffer): Promise<void> {
    const index = this.index(k.tenant, k.digest);
    try {
      await this.redis
        .multi()
        .set(this.key(k), value, 'EX', this.ttlSeconds)
        .sadd(index, this.key(k))
        .expire(index, this.ttlSeconds * 2)
        .exec();
    } catch (err) {
      this.logger.debug({ err }, 'slice cache write failed');
    }
  }

  async forgetGraph(tenant: string, digest: string): Promise<void> {
    const index = this.index(tenant, digest);
    try {
      const keys = await this.redis.smembers(index);
      await this.redis.del(index, ...keys);
    } catch (err) {
      this.logger.warn({ err, digest }, 'could not drop cached slices of a deleted graph (they expire)');
    }
  }
}
