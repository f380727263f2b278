import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

let counter = 0;

/** `REDIS_URL`, or the local default `redis://127.0.0.1:6379`. */
export function redisTestUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
}

/**
 * A key prefix unique to this call, `test:<name>:<pid>.<counter>.<random>:`, for tests that share the
 * real Redis. Give it to the code under test (or as ioredis `keyPrefix`) and remove the keys with
 * {@link cleanRedisPrefix}.
 */
export function redisTestPrefix(name: string): string {
  counter += 1;
  const clean = name.replace(/[^A-Za-z0-9_-]+/g, '-') || 'test';
  return `test:${clean}:${process.pid}.${counter}.${randomBytes(3).toString('hex')}:`;
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Deletes every key that starts with `prefix` (SCAN + UNLINK, so it never blocks Redis) and returns
 * how many were removed. `prefix` is absolute: a client `keyPrefix` option is accounted for.
 */
export async function cleanRedisPrefix(redis: Redis, prefix: string): Promise<number> {
  if (prefix === '') throw new Error('refusing to clean an empty prefix (that is the whole Redis)');
  const clientPrefix = redis.options.keyPrefix ?? '';
  const match = `${globEscape(prefix)}*`;
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 500);
    cursor = next;
    // SCAN returns full key names, but UNLINK would add the client's keyPrefix again.
    const relative = keys.map((k) => (k.startsWith(clientPrefix) ? k.slice(clientPrefix.length) : k));
    if (relative.length > 0) removed += await redis.unlink(...relative);
  } while (cursor !== '0');
  return removed;
}
