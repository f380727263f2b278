import { Redis } from 'ioredis';
import { cleanRedisPrefix, redisTestPrefix, redisTestUrl } from '../redis.js';

describe('redis prefixes', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisTestUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('makes unique prefixes', () => {
    const a = redisTestPrefix('slice cache');
    expect(a).toMatch(/^test:slice-cache:\d+\.\d+\.[0-9a-f]{6}:$/);
    expect(redisTestPrefix('slice cache')).not.toBe(a);
  });

  it('removes every key under the prefix and nothing else', async () => {
    const prefix = redisTestPrefix('clean');
    const other = redisTestPrefix('clean');
    const keys = Array.from({ length: 1200 }, (_, i) => `${prefix}k${i}`);
    const pipe = redis.pipeline();
    for (const k of keys) pipe.set(k, '1');
    pipe.set(`${prefix}glob*[x]`, '1');
    pipe.set(`${other}keep`, '1');
    await pipe.exec();

    expect(await cleanRedisPrefix(redis, prefix)).toBe(1201);
    expect(await redis.exists(...keys.slice(0, 10))).toBe(0);
    expect(await redis.get(`${other}keep`)).toBe('1');
    expect(await cleanRedisPrefix(redis, other)).toBe(1);
  });

  it('accounts for a client keyPrefix', async () => {
    const prefix = redisTestPrefix('keyprefix');
    const scoped = new Redis(redisTestUrl(), { keyPrefix: prefix, maxRetriesPerRequest: 1 });
    try {
      await scoped.set('a', '1');
      await scoped.set('b', '2');
      expect(await cleanRedisPrefix(scoped, prefix)).toBe(2);
      expect(await redis.exists(`${prefix}a`, `${prefix}b`)).toBe(0);
    } finally {
      await scoped.quit();
    }
  });

  it('refuses the empty prefix', async () => {
    await expect(cleanRedisPrefix(redis, '')).rejects.toThrow(/empty prefix/);
  });
});
