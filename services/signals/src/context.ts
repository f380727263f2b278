import { type BlobStore, createBlobStore } from '@stella-ops/cas';
import { type Authenticator, createAuthenticator, createMetricsRegistry } from '@stella-ops/service-kit';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { TenantRegistry } from './access/tenant-registry.js';
import { MeteredBlobStore } from './blobs/metered-blob-store.js';
import { type BuildInfo, readBuildInfo } from './build-info.js';
import type { SignalsConfig } from './config/types.js';
import { openDb } from './db/database.js';
import type { Database } from './db/schema/index.js';
import { type BatchPreparer, inlinePreparer } from './facts/batch-preparer.js';
import { workerPreparer } from './facts/worker-preparer.js';
import { rootLogger, subsystemLogger } from './logger.js';
import { createSignalsMetrics, type SignalsMetrics } from './metrics.js';
import { createKeyRing, type KeyRing } from './signing/key-ring.js';
import { disabledLog, rekorLog, type TransparencyLog } from './signing/transparency-log.js';

/** Everything a request handler needs: dependency injection without a framework. */
export interface AppContext {
  cfg: SignalsConfig;
  logger: Logger;
  pool: pg.Pool;
  db: Kysely<Database>;
  /** The CAS (bucket of contract §3.1), every operation counted. */
  blobs: BlobStore;
  keys: KeyRing;
  tlog: TransparencyLog;
  authenticator: Authenticator;
  tenants: TenantRegistry;
  /** The CPU part of runtime-fact ingests (parse, validate, canonicalize, hash). */
  preparer: BatchPreparer;
  registry: Registry;
  metrics: SignalsMetrics;
  build: BuildInfo;
  /** Closes the blob store and the pool (after the HTTP server stopped accepting and drained). */
  destroy(): Promise<void>;
}

/** Parts a caller (tests, benchmarks, an embedding process) may supply instead of the defaults. */
export interface ContextOverrides {
  logger?: Logger;
  blobStore?: BlobStore;
  tlog?: TransparencyLog;
  build?: BuildInfo;
  preparer?: BatchPreparer;
}

/** Builds the context from a validated configuration; nothing is migrated here (`migrate` does). */
export async function createAppContext(
  cfg: SignalsConfig,
  overrides: ContextOverrides = {},
): Promise<AppContext> {
  const logger = overrides.logger ?? rootLogger(cfg.logLevel);
  const registry = createMetricsRegistry();
  const metrics = createSignalsMetrics(registry);
  const {
    pool,
    db,
    destroy: closeDb,
  } = openDb(cfg.db.url, cfg.db.poolMax, (err) =>
    logger.warn({ err: err.message }, 'postgres connection lost (discarded)'),
  );
  const raw = overrides.blobStore ?? createBlobStore(cfg.cas.backend);
  try {
    const authenticator = await createAuthenticator(cfg.auth, subsystemLogger(logger, 'http'));
    await raw.ensureReady();
    const keys = createKeyRing(cfg.signing);
    const tlog =
      overrides.tlog ??
      (cfg.provenance.rekorEnabled
        ? rekorLog({
            url: cfg.provenance.rekorUrl,
            timeoutMs: cfg.provenance.rekorTimeoutMs,
            logger: subsystemLogger(logger, 'signing'),
          })
        : disabledLog);
    const preparer =
      overrides.preparer ??
      (cfg.limits.ingestWorkers > 0
        ? workerPreparer({ size: cfg.limits.ingestWorkers, logger: subsystemLogger(logger, 'facts') })
        : inlinePreparer);
    return {
      cfg,
      logger,
      pool,
      db,
      blobs: new MeteredBlobStore(raw, metrics),
      keys,
      tlog,
      authenticator,
      tenants: new TenantRegistry(db, cfg.tenants.cacheTtlMs),
      preparer,
      registry,
      metrics,
      build: overrides.build ?? readBuildInfo(),
      async destroy() {
        await Promise.allSettled([preparer.close(), raw.close(), closeDb()]);
      },
    };
  } catch (err) {
    await Promise.allSettled([raw.close(), closeDb()]);
    throw err;
  }
}
