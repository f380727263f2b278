import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis client that fails fast instead of queueing while Redis is down (so a cache outage costs
 * a miss, not a hanging request) and keeps reconnecting in the background.
 */
export function createRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    lazyConnect: false,
  });
  let down = false;
  redis.on('error', (err) => {
    if (!down)
      logger.warn({ err: err.message }, 'redis unavailable: slices are computed without the hot cache');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info('redis is back');
    down = false;
  });
  return redis;
}

/** Resolves when the client is ready, or after `timeoutMs` (the service starts without Redis too). */
export function redisReady(redis: Redis, timeoutMs = 2000): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
