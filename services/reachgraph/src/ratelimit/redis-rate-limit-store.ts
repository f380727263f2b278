import type { ClientRateLimitInfo, IncrementResponse, Options } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { RateLimitStore } from './rate-limit-store.js';

// A fixed window: the first hit creates the counter with the window as its expiry.
const INCREMENT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  redis.call('SET', KEYS[1], 1, 'PX', ARGV[1])
  return {1, tonumber(ARGV[1])}
end
return {redis.call('INCR', KEYS[1]), ttl}`;

/**
 * Rate-limit counters in Valkey/Redis, so every replica sees the same counts. Each call sends the
 * script with EVAL (a few hundred bytes): unlike a store that loads the script once at start-up,
 * it keeps working when Redis was down at start or restarted since.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return `${this.prefix}${key}`;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const [hits, ttl] = (await this.redis.eval(INCREMENT, 1, this.key(key), String(this.windowMs))) as [
      number,
      number,
    ];
    return { totalHits: Number(hits), resetTime: new Date(Date.now() + Number(ttl)) };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const [hits, ttl] = await Promise.all([this.redis.get(this.key(key)), this.redis.pttl(this.key(key))]);
    if (hits === null) return undefined;
    return { totalHits: Number(hits), resetTime: new Date(Date.now() + Math.max(ttl, 0)) };
  }

  async decrement(key: string): Promise<void> {
    await this.redis.decr(this.key(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }
}
