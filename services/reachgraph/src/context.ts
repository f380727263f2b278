import { createSignalsClient } from '@stella-ops/client';
import {
  type Authenticator,
  createAuthenticator,
  createMetricsRegistry,
  createPgPool,
} from '@stella-ops/service-kit';
import { MemoryStore } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { SignalsInputs } from './build/signals-inputs.js';
import { ByteLru } from './cache/byte-lru.js';
import { MemorySliceCache } from './cache/memory-slice-cache.js';
import { RedisSliceCache } from './cache/redis-slice-cache.js';
import type { SliceCache } from './cache/slice-cache.js';
import { ConfigError, type ServerConfig } from './config.js';
import { CoreBackfill } from './ingest/core-backfill.js';
import { GraphIndexer } from './ingest/graph-indexer.js';
import { rootLogger, subsystemLogger } from './logger.js';
import { createServiceMetrics, type ReachGraphMetrics } from './metrics.js';
import { FailoverRateLimitStore } from './ratelimit/failover-rate-limit-store.js';
import type { RateLimitStore } from './ratelimit/rate-limit-store.js';
import { RedisRateLimitStore } from './ratelimit/redis-rate-limit-store.js';
import { createRedis, redisReady } from './redis.js';
import {
  type InputResolver,
  SignalsInputResolver,
  UnconfiguredInputResolver,
} from './replay/input-resolver.js';
import { GraphSigning } from './signing/graph-signatures.js';
import { GraphCache } from './store/graph-cache.js';
import type { GraphStore } from './store/graph-store.js';
import { PgGraphStore } from './store/pg-graph-store.js';

/** Everything a request handler needs: dependency injection without a framework. */
export interface AppContext {
  cfg: ServerConfig;
  logger: Logger;
  pool: pg.Pool;
  redis: Redis | undefined;
  store: GraphStore;
  graphs: GraphCache;
  indexer: GraphIndexer;
  /** Makes CVE cores for large graphs stored without one, as cold CVE slices come across them. */
  coreBackfill: CoreBackfill;
  /** sha256 of recently stored upload bodies → their digest (idempotent retries skip the work). */
  recentUploads: ByteLru<string>;
  sliceCache: SliceCache;
  rateLimits: { reads: RateLimitStore; writes: RateLimitStore };
  authenticator: Authenticator;
  signatures: GraphSigning;
  resolver: InputResolver;
  registry: Registry;
  metrics: ReachGraphMetrics;
  /** Closes the pool and Redis (after the HTTP server stopped accepting and drained). */
  destroy(): Promise<void>;
}

/** Parts a caller (tests, an embedding process) may supply instead of the defaults. */
export interface ContextOverrides {
  logger?: Logger;
  resolver?: InputResolver;
  /** Skip the start-up check that the database role cannot bypass RLS (never in production). */
  skipRoleCheck?: boolean;
}

/**
 * Refuses to run as a role that would see every tenant: a superuser or a BYPASSRLS role ignores
 * row-level security, and the table owner would too without FORCE.
 */
export async function assertRoleIsRestricted(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ bypass: boolean }>(
    'select rolsuper or rolbypassrls as bypass from pg_roles where rolname = current_user',
  );
  if (rows[0]?.bypass) {
    throw new ConfigError(
      'REACHGRAPH_DATABASE_URL',
      'connects as a superuser or BYPASSRLS role; use the non-owner app role (REACHGRAPH_DB_APP_ROLE)',
    );
  }
}

/** Reads build and replay inputs from Signals when it is configured (REACHGRAPH_SIGNALS_URL). */
function signalsResolver(cfg: ServerConfig, logger: Logger): InputResolver {
  const signals = cfg.signals;
  if (!signals) return new UnconfiguredInputResolver(cfg.signalsUrl);
  if (signals.trustedKeys.length === 0)
    logger.warn('no REACHGRAPH_SIGNALS_TRUSTED_KEYS: every Signals input will fail its signature check');
  if (signals.tenant === undefined)
    logger.warn('the Signals token names no tenant: every tenant builds from its Signals tenant');
  const client = createSignalsClient({
    baseUrl: signals.url,
    timeoutMs: signals.timeoutMs,
    retries: 2,
    ...(signals.token ? { token: signals.token } : {}),
  });
  return new SignalsInputResolver(new SignalsInputs(client, signals.trustedKeys), signals.tenant);
}

/** Builds the context from a validated configuration. */
export async function createAppContext(
  cfg: ServerConfig,
  overrides: ContextOverrides = {},
): Promise<AppContext> {
  const logger = overrides.logger ?? rootLogger(cfg.service.logLevel);
  const registry = createMetricsRegistry();
  const metrics = createServiceMetrics(registry);
  const pool = createPgPool({
    url: cfg.db.url,
    max: cfg.db.poolMax,
    onConnectionError: (err) => logger.warn({ err: err.message }, 'postgres connection lost (discarded)'),
  });
  try {
    if (!overrides.skipRoleCheck) await assertRoleIsRestricted(pool);
    const authenticator = await createAuthenticator(cfg.auth, logger);
    const signatures = GraphSigning.create(cfg.signing);
    const store = new PgGraphStore(pool, { durableSliceTtlSeconds: cfg.cache.durableSliceTtlSeconds });
    const cacheLogger = subsystemLogger(logger, 'cache');
    const limitsLogger = subsystemLogger(logger, 'limits');

    let redis: Redis | undefined;
    let sliceCache: SliceCache;
    let rateLimits: AppContext['rateLimits'];
    if (cfg.redis) {
      redis = createRedis(cfg.redis.url, cacheLogger);
      if (!(await redisReady(redis)))
        logger.warn('redis is not reachable at start-up; continuing without it');
      sliceCache = new RedisSliceCache(redis, cfg.redis.prefix, cfg.cache.sliceTtlSeconds, cacheLogger);
      const shared = (name: string) =>
        new FailoverRateLimitStore(
          new RedisRateLimitStore(redis as Redis, `${cfg.redis?.prefix}rl:${name}:`),
          new MemoryStore(),
          limitsLogger,
        );
      rateLimits = { reads: shared('reads'), writes: shared('writes') };
    } else {
      sliceCache = new MemorySliceCache(cfg.cache.sliceTtlSeconds);
      rateLimits = { reads: new MemoryStore(), writes: new MemoryStore() };
    }
    const resolver = overrides.resolver ?? signalsResolver(cfg, logger);
    const indexer = new GraphIndexer(cfg.limits.indexWorkerMinBytes, subsystemLogger(logger, 'store'));
    const coreBackfill = new CoreBackfill(store, indexer, metrics, subsystemLogger(logger, 'store'));

    return {
      cfg,
      logger,
      pool,
      redis,
      store,
      graphs: new GraphCache(store, cfg.cache.graphLruBytes, metrics, (tenant, digest) =>
        coreBackfill.request(tenant, digest),
      ),
      indexer,
      coreBackfill,
      recentUploads: new ByteLru<string>(10_000),
      sliceCache,
      rateLimits,
      authenticator,
      signatures,
      resolver,
      registry,
      metrics,
      async destroy() {
        // A backfill under way still writes to the pool and asks the worker: let it end first.
        await coreBackfill.settled();
        await Promise.allSettled([
          rateLimits.reads.shutdown?.(),
          rateLimits.writes.shutdown?.(),
          indexer.close(),
        ]);
        if (redis && redis.status !== 'end') {
          // disconnect() only half-closes the socket; 'end' means it is closed.
          const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
          redis.disconnect();
          await ended;
        }
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
