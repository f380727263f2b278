import { availableParallelism } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { auth } from './auth-config.js';
import { BUCKET, blobBackend } from './cas-config.js';
import { ConfigError } from './config-error.js';
import { RawSettings } from './read-settings.js';
import { readText } from './read-text.js';
import { signing } from './signing-config.js';
import type { SignalsConfig } from './types.js';

function ingestWorkers(r: RawSettings): number {
  const raw = r.requiredStr('Signals.Limits.IngestWorkers').trim();
  if (raw === 'auto') return Math.min(8, availableParallelism());
  if (!/^\d{1,2}$/.test(raw) || Number(raw) > 64) {
    throw r.error(
      'Signals.Limits.IngestWorkers',
      `must be auto or a number of threads (0 = none), got ${raw}`,
    );
  }
  return Number(raw);
}

function database(r: RawSettings): SignalsConfig['db'] {
  const url = r.requiredStr('Signals.Database.Url');
  if (!/^postgres(ql)?:\/\//.test(url)) throw r.error('Signals.Database.Url', 'must be a postgres:// URL');
  return { url, poolMax: r.int('Signals.Database.PoolMax', 1, 1000) };
}

function cas(r: RawSettings): SignalsConfig['cas'] {
  const backend = blobBackend(r);
  return {
    bucket: BUCKET.exec(r.requiredStr('Signals.CAS.BucketPrefix'))?.[1] ?? '',
    writeEnabled: r.bool('Signals.CAS.WriteEnabled'),
    retention: {
      runtimeFactsDays: r.int('Signals.CAS.RetentionDays.RuntimeFacts', 1),
      orphanCallgraphsDays: r.int('Signals.CAS.RetentionDays.OrphanCallgraphs', 1),
      unreferencedBlobGraceHours: r.int('Signals.CAS.UnreferencedBlobGraceHours', 1),
    },
    backend,
  };
}

/** What the `migrate`, `tenant` and `gc` commands need: no keys, no auth. */
export interface StorageConfig {
  logLevel: string;
  db: SignalsConfig['db'];
  cas: SignalsConfig['cas'];
}

/** The storage part of the configuration (commands other than `serve`). */
export function resolveStorageConfig(doc: unknown, env: NodeJS.ProcessEnv = {}): StorageConfig {
  const r = new RawSettings(doc, env);
  return { logLevel: r.requiredStr('Signals.Log.Level'), db: database(r), cas: cas(r) };
}

/**
 * Builds the configuration from the YAML document (`Signals:` at the top, contract §9) and the
 * environment (`SIGNALS_*` overrides), applying defaults; throws {@link ConfigError} naming the
 * first bad setting.
 */
export function resolveConfig(doc: unknown, env: NodeJS.ProcessEnv = {}): SignalsConfig {
  const r = new RawSettings(doc, env);
  const enabled = r.bool('Signals.Provenance.Enabled');
  const provenance = {
    enabled,
    signManifests: enabled && r.bool('Signals.Provenance.SignManifests'),
    attestBatches: enabled && r.bool('Signals.Provenance.AttestBatches'),
    rekorEnabled: enabled && r.bool('Signals.Provenance.RekorEnabled'),
    rekorUrl: r.requiredStr('Signals.Provenance.RekorUrl'),
    rekorTimeoutMs: r.int('Signals.Provenance.RekorTimeoutMs', 100, 120_000),
  };
  const pageSizeMax = r.int('Signals.Limits.PageSizeMax', 1, 10_000);
  return {
    http: { host: r.requiredStr('Signals.Http.Host'), port: r.int('Signals.Http.Port', 0, 65_535) },
    logLevel: r.requiredStr('Signals.Log.Level'),
    db: database(r),
    cas: cas(r),
    provenance,
    signing: signing(r, provenance.signManifests || provenance.attestBatches),
    auth: auth(r),
    tenants: { cacheTtlMs: r.int('Signals.Tenants.CacheTtlMs', 0, 3_600_000) },
    limits: {
      maxCallgraphBytes: r.int('Signals.Limits.MaxCallgraphBytes', 1024),
      maxBatchBytes: r.int('Signals.Limits.MaxBatchBytes', 1024),
      ingestWorkers: ingestWorkers(r),
      pageSizeDefault: r.int('Signals.Limits.PageSizeDefault', 1, pageSizeMax),
      pageSizeMax,
    },
    feed: {
      settleMs: r.int('Signals.Feed.SettleMs', 0, 60_000),
      batchesPerQuery: r.int('Signals.Feed.BatchesPerQuery', 1, 1000),
    },
  };
}

/** The YAML document `SIGNALS_CONFIG` names (`{}` when unset). */
export function readConfigDocument(env: NodeJS.ProcessEnv = process.env): unknown {
  const file = env['SIGNALS_CONFIG'];
  if (!file) return {};
  try {
    return parseYaml(readText(file, 'SIGNALS_CONFIG')) as unknown;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('SIGNALS_CONFIG', `${file} is not valid YAML: ${(err as Error).message}`);
  }
}

/** Reads `etc/signals.yaml` (or the file `SIGNALS_CONFIG` names) and applies the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SignalsConfig {
  return resolveConfig(readConfigDocument(env), env);
}
