import { cleanRedisPrefix, redisTestPrefix, redisTestUrl } from '@stella-ops/testkit';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { RedisSliceCache } from '../cache/redis-slice-cache.js';
import type { SliceKey } from '../cache/slice-cache.js';
import { createRedis, redisReady } from '../redis.js';

const logger = pino({ level: 'silent' });
const DIGEST = `blake3:${'5'.repeat(64)}`;
const keyOf = (tenant: string, queryKey = 'q1'): SliceKey => ({ tenant, digest: DIGEST, queryKey });
const answer = (text: string) => Buffer.from(JSON.stringify({ text, pad: 'x'.repeat(2000) }));

/** Counts the calls of one command of a real client (the calls still go to Redis). */
function countCalls(client: Redis, command: 'getBuffer' | 'exists'): { count: number; restore(): void } {
  const target = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = target[command] as (...args: unknown[]) => unknown;
  const counter = {
    count: 0,
    restore: () => {
      target[command] = original;
    },
  };
  target[command] = (...args: unknown[]) => {
    counter.count += 1;
    return original.apply(client, args);
  };
  return counter;
}

/** Two replicas sharing one real Redis, each with its own in-process copies. */
describe('RedisSliceCache (real Redis, in-process copies)', () => {
  const prefix = redisTestPrefix('slice-cache');
  let redis: Redis;
  let other: Redis;
  let one: RedisSliceCache;
  let two: RedisSliceCache;

  beforeAll(() => {
    redis = new Redis(redisTestUrl());
    other = new Redis(redisTestUrl());
  });

  beforeEach(async () => {
    await cleanRedisPrefix(redis, prefix);
    one = new RedisSliceCache(redis, prefix, 60, logger);
    two = new RedisSliceCache(other, prefix, 60, logger);
  });

  afterAll(async () => {
    await cleanRedisPrefix(redis, prefix);
    redis.disconnect();
    other.disconnect();
  });

  it('answers the bytes it stored, without fetching them again while Redis still has the key', async () => {
    const value = answer('a');
    await one.set(keyOf('tenant-a'), value);
    const fetches = countCalls(redis, 'getBuffer');
    const exists = countCalls(redis, 'exists');
    try {
      expect(await one.get(keyOf('tenant-a'))).toEqual(value);
      expect(await one.get(keyOf('tenant-a'))).toEqual(value);
      expect(fetches.count).toBe(0);
      expect(exists.count).toBe(2);
    } finally {
      fetches.restore();
      exists.restore();
    }
  });

  it('fetches an answer another replica stored once, then keeps a copy', async () => {
    const value = answer('b');
    await two.set(keyOf('tenant-a'), value);
    const fetches = countCalls(redis, 'getBuffer');
    try {
      expect(await one.get(keyOf('tenant-a'))).toEqual(value);
      expect(await one.get(keyOf('tenant-a'))).toEqual(value);
      expect(fetches.count).toBe(1);
    } finally {
      fetches.restore();
    }
  });

  it('keeps tenants apart: a copy is found only under the tenant, graph and query it was stored for', async () => {
    await one.set(keyOf('tenant-a'), answer('a'));
    expect(await one.get(keyOf('tenant-b'))).toBeUndefined();
    expect(await one.get(keyOf('tenant-a', 'q2'))).toBeUndefined();
    expect(await one.get({ ...keyOf('tenant-a'), digest: `blake3:${'6'.repeat(64)}` })).toBeUndefined();
    expect(await two.get(keyOf('tenant-b'))).toBeUndefined();
  });

  it('stops serving a copy once another replica deleted the graph', async () => {
    await one.set(keyOf('tenant-a'), answer('a'));
    await one.set(keyOf('tenant-a', 'q2'), answer('a2'));
    expect(await one.get(keyOf('tenant-a'))).toBeDefined();
    await two.forgetGraph('tenant-a', DIGEST);
    expect(await one.get(keyOf('tenant-a'))).toBeUndefined();
    expect(await one.get(keyOf('tenant-a', 'q2'))).toBeUndefined();
  });

  it('stops serving a copy once its key expired in Redis', async () => {
    await one.set(keyOf('tenant-a'), answer('a'));
    await redis.pexpire(`${prefix}slice:tenant-a:${DIGEST}:q1`, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await one.get(keyOf('tenant-a'))).toBeUndefined();
  });

  it('keeps copies within its byte budget (an evicted copy is fetched again, not lost)', async () => {
    const small = new RedisSliceCache(redis, prefix, 60, logger, 5000);
    const values = ['q1', 'q2', 'q3'].map((q) => [q, answer(q)] as const);
    for (const [q, v] of values) await small.set(keyOf('tenant-a', q), v);
    const fetches = countCalls(redis, 'getBuffer');
    try {
      // ~2 KiB each in 5000 bytes: q1 was evicted when q3 came in, q3 and q2 are copies.
      for (const [q, v] of [...values].reverse()) expect(await small.get(keyOf('tenant-a', q))).toEqual(v);
      expect(fetches.count).toBe(1);
    } finally {
      fetches.restore();
    }
  });

  it('answers a miss, not an error, while Redis is unreachable, even with a copy in hand', async () => {
    const client = createRedis(redisTestUrl(), logger);
    expect(await redisReady(client)).toBe(true);
    const cache = new RedisSliceCache(client, prefix, 60, logger);
    await cache.set(keyOf('tenant-a'), answer('a'));
    expect(await cache.get(keyOf('tenant-a'))).toBeDefined();
    client.disconnect();
    expect(await cache.get(keyOf('tenant-a'))).toBeUndefined();
    const unreachable = createRedis('redis://127.0.0.1:1', logger);
    try {
      const cold = new RedisSliceCache(unreachable, prefix, 60, logger);
      await cold.set(keyOf('tenant-a'), answer('a'));
      expect(await cold.get(keyOf('tenant-a'))).toBeUndefined();
    } finally {
      unreachable.disconnect();
    }
  });
});
