import { readFileSync } from 'node:fs';
import type { AuthConfig } from '@stella-ops/service-kit';

/** The `REACHGRAPH_*` environment, read as typed optional fields (no defaults, no checks). */
export interface ServerEnvironment {
  port?: number;
  host?: string;
  logLevel?: string;
  databaseUrl?: string;
  migrateDatabaseUrl?: string;
  dbPoolMax?: number;
  appRole?: string;
  redisUrl?: string;
  redisPrefix?: string;
  authIssuer?: string;
  authAudience?: string;
  authJwksUrl?: string;
  authPublicKeys?: string;
  authVerifiedTokenCacheSeconds?: number;
  trustedKeys?: string;
  signGraphs?: boolean;
  signingKeyPem?: string;
  signingKeyFile?: string;
  signingKeyId?: string;
  vexAuthor?: string;
  sliceCacheTtlSeconds?: number;
  sliceDurableTtlSeconds?: number;
  readsPerMinute?: number;
  writesPerMinute?: number;
  graphLruBytes?: number;
  sliceMaxNodes?: number;
  sliceMaxPaths?: number;
  sliceDefaultLimit?: number;
  sliceMaxLimit?: number;
  maxUpsertBytes?: number;
  maxReplayBytes?: number;
  indexWorkerMinBytes?: number;
  signalsUrl?: string;
  signalsToken?: string;
  signalsTenant?: string;
  signalsTrustedKeys?: string;
  signalsTrustedKeysFile?: string;
  signalsTimeoutMs?: number;
}

/** How ReachGraph reads build and replay inputs from Signals. */
export interface SignalsSettings {
  url: string;
  /** The service token (principal `reachgraph-service`, scope `signals:read`). */
  token?: string;
  /**
   * The tenant the token acts for (`REACHGRAPH_SIGNALS_TENANT`, else the JWT's `tenant` claim):
   * callers of other tenants cannot build from Signals. Undefined: any tenant (single-tenant use).
   */
  tenant?: string;
  /** Keys Signals manifests and batch attestations must be signed with. */
  trustedKeys: { keyId?: string; publicKeyPem: string }[];
  timeoutMs: number;
}

/** A public key trusted to sign graphs (`signatures[]` of uploaded documents). */
export interface TrustedKey {
  keyid: string;
  pem: string;
}

/** The validated configuration the service runs with. */
export interface ServerConfig {
  service: { port: number; host: string; logLevel: string };
  db: { url: string; migrateUrl?: string; appRole: string; poolMax: number };
  /** Absent: the embedded defaults (in-process slice cache and rate limiter). */
  redis?: { url: string; prefix: string };
  auth: AuthConfig;
  signing: {
    signGraphs: boolean;
    keyPem?: string;
    keyId?: string;
    trustedKeys: TrustedKey[];
  };
  cache: {
    sliceTtlSeconds: number;
    /** How long an answer in `slice_cache` (the durable level) is served and kept. */
    durableSliceTtlSeconds: number;
    graphLruBytes: number;
    memorySliceEntries: number;
  };
  limits: {
    readsPerMinute: number;
    writesPerMinute: number;
    maxUpsertBytes: number;
    maxReplayBytes: number;
    /** Uploads at least this large are indexed on a worker thread (0: always inline). */
    indexWorkerMinBytes: number;
    sliceMaxNodes: number;
    sliceMaxPaths: number;
    sliceDefaultLimit: number;
    sliceMaxLimit: number;
  };
  /** Signals base URL for replay inputs given by reference; absent: such inputs are unresolvable. */
  signalsUrl?: string;
  /** Absent without REACHGRAPH_SIGNALS_URL: building from Signals is unavailable. */
  signals?: SignalsSettings;
  /** The `author` of the OpenVEX documents the service issues (absent: `Stella Reach ReachGraph`). */
  vexAuthor?: string;
}

/** A setting that is missing or invalid; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const P = 'REACHGRAPH_';

function int(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[P + name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new ConfigError(P + name, `not an integer: ${raw}`);
  return n;
}

function bool(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[P + name]?.toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(P + name, `not a boolean: ${raw}`);
}

function str(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[P + name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/** Reads the `REACHGRAPH_*` variables (step one of two: no defaults yet). */
export function readEnv(env: NodeJS.ProcessEnv = process.env): ServerEnvironment {
  const out: ServerEnvironment = {
    port: int(env, 'PORT'),
    host: str(env, 'HOST'),
    logLevel: str(env, 'LOG_LEVEL'),
    databaseUrl: str(env, 'DATABASE_URL'),
    migrateDatabaseUrl: str(env, 'MIGRATE_DATABASE_URL'),
    dbPoolMax: int(env, 'DB_POOL_MAX'),
    appRole: str(env, 'DB_APP_ROLE'),
    redisUrl: str(env, 'REDIS_URL'),
    redisPrefix: str(env, 'REDIS_PREFIX'),
    authIssuer: str(env, 'AUTH_ISSUER'),
    authAudience: str(env, 'AUTH_AUDIENCE'),
    authJwksUrl: str(env, 'AUTH_JWKS_URL'),
    authPublicKeys: str(env, 'AUTH_PUBLIC_KEYS'),
    authVerifiedTokenCacheSeconds: int(env, 'AUTH_VERIFIED_TOKEN_CACHE_SECONDS'),
    trustedKeys: str(env, 'TRUSTED_KEYS'),
    signGraphs: bool(env, 'SIGN_GRAPHS'),
    signingKeyPem: str(env, 'SIGNING_KEY_PEM'),
    signingKeyFile: str(env, 'SIGNING_KEY_FILE'),
    signingKeyId: str(env, 'SIGNING_KEY_ID'),
    vexAuthor: str(env, 'VEX_AUTHOR'),
    sliceCacheTtlSeconds: int(env, 'SLICE_CACHE_TTL_SECONDS'),
    sliceDurableTtlSeconds: int(env, 'SLICE_DURABLE_TTL_SECONDS'),
    readsPerMinute: int(env, 'RATE_LIMIT_READS_PER_MINUTE'),
    writesPerMinute: int(env, 'RATE_LIMIT_WRITES_PER_MINUTE'),
    graphLruBytes: int(env, 'GRAPH_LRU_BYTES'),
    sliceMaxNodes: int(env, 'SLICE_MAX_NODES'),
    sliceMaxPaths: int(env, 'SLICE_MAX_PATHS'),
    sliceDefaultLimit: int(env, 'SLICE_DEFAULT_LIMIT'),
    sliceMaxLimit: int(env, 'SLICE_MAX_LIMIT'),
    maxUpsertBytes: int(env, 'MAX_UPSERT_BYTES'),
    maxReplayBytes: int(env, 'MAX_REPLAY_BYTES'),
    indexWorkerMinBytes: int(env, 'INDEX_WORKER_MIN_BYTES'),
    signalsUrl: str(env, 'SIGNALS_URL'),
    signalsToken: str(env, 'SIGNALS_TOKEN'),
    signalsTenant: str(env, 'SIGNALS_TENANT'),
    signalsTrustedKeys: str(env, 'SIGNALS_TRUSTED_KEYS'),
    signalsTrustedKeysFile: str(env, 'SIGNALS_TRUSTED_KEYS_FILE'),
    signalsTimeoutMs: int(env, 'SIGNALS_TIMEOUT_MS'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as ServerEnvironment;
}

function required<T>(value: T | undefined, variable: string): T {
  if (value === undefined) throw new ConfigError(P + variable, 'is required');
  return value;
}

function positive(value: number, variable: string, max = Number.MAX_SAFE_INTEGER): number {
  if (value < 1 || value > max) throw new ConfigError(P + variable, `must be between 1 and ${max}`);
  return value;
}

function nonNegative(value: number, variable: string): number {
  if (value < 0) throw new ConfigError(P + variable, 'must not be negative');
  return value;
}

function url(value: string, variable: string, protocols: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(P + variable, 'is not a URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(P + variable, `must use ${protocols.join(' or ')}`);
  }
  return value;
}

function jsonArray<T>(raw: string, variable: string, check: (v: Record<string, unknown>) => T): T[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(P + variable, 'is not valid JSON');
  }
  if (!Array.isArray(parsed)) throw new ConfigError(P + variable, 'must be a JSON array');
  return parsed.map((v) => {
    if (typeof v !== 'object' || v === null) throw new ConfigError(P + variable, 'entries must be objects');
    return check(v as Record<string, unknown>);
  });
}

function pemOf(v: Record<string, unknown>, variable: string): string {
  if (typeof v['pem'] !== 'string' || !v['pem'].includes('-----BEGIN')) {
    throw new ConfigError(P + variable, 'each entry needs a PEM public key in `pem`');
  }
  return v['pem'];
}

const MiB = 1024 * 1024;

/** Applies defaults and checks every setting (step two); throws {@link ConfigError} naming the bad one. */
export function envToCfg(env: ServerEnvironment): ServerConfig {
  const port = env.port ?? 8081;
  if (port < 0 || port > 65535) throw new ConfigError(`${P}PORT`, 'must be between 0 and 65535');
  const databaseUrl = url(required(env.databaseUrl, 'DATABASE_URL'), 'DATABASE_URL', [
    'postgres:',
    'postgresql:',
  ]);
  if (env.migrateDatabaseUrl)
    url(env.migrateDatabaseUrl, 'MIGRATE_DATABASE_URL', ['postgres:', 'postgresql:']);
  const appRole = env.appRole ?? 'reachgraph_app';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(appRole)) {
    throw new ConfigError(`${P}DB_APP_ROLE`, 'must be a lower-case SQL identifier');
  }

  const publicKeys = env.authPublicKeys
    ? jsonArray(env.authPublicKeys, 'AUTH_PUBLIC_KEYS', (v) => {
        if (typeof v['kid'] !== 'string') throw new ConfigError(`${P}AUTH_PUBLIC_KEYS`, 'entries need `kid`');
        const key: { kid: string; pem: string; alg?: string } = {
          kid: v['kid'],
          pem: pemOf(v, 'AUTH_PUBLIC_KEYS'),
        };
        if (typeof v['alg'] === 'string') key.alg = v['alg'];
        return key;
      })
    : undefined;
  if (!env.authJwksUrl && !publicKeys?.length) {
    throw new ConfigError(`${P}AUTH_JWKS_URL`, 'either AUTH_JWKS_URL or AUTH_PUBLIC_KEYS is required');
  }
  const tokenCacheSeconds = nonNegative(
    env.authVerifiedTokenCacheSeconds ?? 60,
    'AUTH_VERIFIED_TOKEN_CACHE_SECONDS',
  );
  if (tokenCacheSeconds > 3600) {
    throw new ConfigError(`${P}AUTH_VERIFIED_TOKEN_CACHE_SECONDS`, 'must be between 0 and 3600');
  }
  const auth: AuthConfig = {
    issuer: required(env.authIssuer, 'AUTH_ISSUER'),
    audience: required(env.authAudience, 'AUTH_AUDIENCE'),
    verifiedTokenCacheSeconds: tokenCacheSeconds,
  };
  if (env.authJwksUrl) auth.jwksUrl = url(env.authJwksUrl, 'AUTH_JWKS_URL', ['https:', 'http:']);
  if (publicKeys) auth.publicKeys = publicKeys;

  const trustedKeys = env.trustedKeys
    ? jsonArray(env.trustedKeys, 'TRUSTED_KEYS', (v) => {
        if (typeof v['keyid'] !== 'string' || v['keyid'] === '') {
          throw new ConfigError(`${P}TRUSTED_KEYS`, 'entries need `keyid`');
        }
        return { keyid: v['keyid'], pem: pemOf(v, 'TRUSTED_KEYS') };
      })
    : [];

  let keyPem = env.signingKeyPem;
  if (!keyPem && env.signingKeyFile) {
    try {
      keyPem = readFileSync(env.signingKeyFile, 'utf8');
    } catch {
      throw new ConfigError(`${P}SIGNING_KEY_FILE`, 'cannot be read');
    }
  }
  const signGraphs = env.signGraphs ?? false;
  if (signGraphs && !keyPem) {
    throw new ConfigError(
      `${P}SIGNING_KEY_PEM`,
      'SIGN_GRAPHS is on: SIGNING_KEY_PEM or SIGNING_KEY_FILE is required',
    );
  }
  if (keyPem && !keyPem.includes('PRIVATE KEY')) {
    throw new ConfigError(`${P}SIGNING_KEY_PEM`, 'is not a PEM private key');
  }

  const cfg: ServerConfig = {
    service: { port, host: env.host ?? '0.0.0.0', logLevel: env.logLevel ?? 'info' },
    db: { url: databaseUrl, appRole, poolMax: positive(env.dbPoolMax ?? 10, 'DB_POOL_MAX', 500) },
    auth,
    signing: { signGraphs, trustedKeys },
    cache: {
      sliceTtlSeconds: positive(env.sliceCacheTtlSeconds ?? 1800, 'SLICE_CACHE_TTL_SECONDS'),
      durableSliceTtlSeconds: positive(
        env.sliceDurableTtlSeconds ?? 7 * 24 * 3600,
        'SLICE_DURABLE_TTL_SECONDS',
        10 * 365 * 24 * 3600,
      ),
      graphLruBytes: positive(env.graphLruBytes ?? 512 * MiB, 'GRAPH_LRU_BYTES'),
      memorySliceEntries: 10_000,
    },
    limits: {
      readsPerMinute: positive(env.readsPerMinute ?? 100, 'RATE_LIMIT_READS_PER_MINUTE'),
      writesPerMinute: positive(env.writesPerMinute ?? 20, 'RATE_LIMIT_WRITES_PER_MINUTE'),
      maxUpsertBytes: positive(env.maxUpsertBytes ?? 256 * MiB, 'MAX_UPSERT_BYTES'),
      maxReplayBytes: positive(env.maxReplayBytes ?? 256 * MiB, 'MAX_REPLAY_BYTES'),
      indexWorkerMinBytes: nonNegative(env.indexWorkerMinBytes ?? MiB, 'INDEX_WORKER_MIN_BYTES'),
      sliceMaxNodes: positive(env.sliceMaxNodes ?? 50_000, 'SLICE_MAX_NODES'),
      sliceMaxPaths: positive(env.sliceMaxPaths ?? 1000, 'SLICE_MAX_PATHS'),
      sliceDefaultLimit: positive(env.sliceDefaultLimit ?? 100, 'SLICE_DEFAULT_LIMIT'),
      sliceMaxLimit: positive(env.sliceMaxLimit ?? 1000, 'SLICE_MAX_LIMIT'),
    },
  };
  if (cfg.limits.sliceDefaultLimit > cfg.limits.sliceMaxLimit) {
    throw new ConfigError(`${P}SLICE_DEFAULT_LIMIT`, 'must not exceed SLICE_MAX_LIMIT');
  }
  if (env.migrateDatabaseUrl) cfg.db.migrateUrl = env.migrateDatabaseUrl;
  if (env.redisUrl) {
    cfg.redis = {
      url: url(env.redisUrl, 'REDIS_URL', ['redis:', 'rediss:']),
      prefix: env.redisPrefix ?? 'reachgraph:',
    };
  }
  if (keyPem) cfg.signing.keyPem = keyPem;
  if (env.signingKeyId) cfg.signing.keyId = env.signingKeyId;
  if (env.vexAuthor !== undefined) {
    if (env.vexAuthor.trim() === '' || env.vexAuthor.length > 256)
      throw new ConfigError(`${P}VEX_AUTHOR`, 'must be 1 to 256 characters');
    cfg.vexAuthor = env.vexAuthor.trim();
  }
  if (env.signalsUrl) {
    cfg.signalsUrl = url(env.signalsUrl, 'SIGNALS_URL', ['https:', 'http:']);
    cfg.signals = signalsSettings(env, cfg.signalsUrl);
  }
  return cfg;
}

/**
 * Signals trusted keys: a JSON array of `{keyId, publicKeyPem}` (also `keyid`/`pem`), or the
 * `{keys: [...]}` answer of Signals' `GET /signals/keys`, inline or from a file.
 */
function signalsTrustedKeys(env: ServerEnvironment): SignalsSettings['trustedKeys'] {
  let raw = env.signalsTrustedKeys;
  const variable = raw ? 'SIGNALS_TRUSTED_KEYS' : 'SIGNALS_TRUSTED_KEYS_FILE';
  if (!raw && env.signalsTrustedKeysFile) {
    try {
      raw = readFileSync(env.signalsTrustedKeysFile, 'utf8');
    } catch {
      throw new ConfigError(P + variable, 'cannot be read');
    }
  }
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(P + variable, 'is not valid JSON');
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new ConfigError(P + variable, 'must be a JSON array or {"keys": [...]}');
  return list.map((v: unknown) => {
    const k = (v ?? {}) as Record<string, unknown>;
    const pem = k['publicKeyPem'] ?? k['pem'];
    if (typeof pem !== 'string' || !pem.includes('-----BEGIN'))
      throw new ConfigError(P + variable, 'each entry needs a PEM public key in `publicKeyPem`');
    const keyId = k['keyId'] ?? k['keyid'];
    return typeof keyId === 'string' && keyId !== '' ? { keyId, publicKeyPem: pem } : { publicKeyPem: pem };
  });
}

/** The `tenant` claim of a JWT, read without verifying it (Signals verifies it). */
function jwtTenant(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    return typeof claims['tenant'] === 'string' ? claims['tenant'] : undefined;
  } catch {
    return undefined;
  }
}

function signalsSettings(env: ServerEnvironment, signalsUrl: string): SignalsSettings {
  const settings: SignalsSettings = {
    url: signalsUrl,
    trustedKeys: signalsTrustedKeys(env),
    timeoutMs: positive(env.signalsTimeoutMs ?? 30_000, 'SIGNALS_TIMEOUT_MS'),
  };
  if (env.signalsToken) settings.token = env.signalsToken;
  const tenant = env.signalsTenant ?? (env.signalsToken ? jwtTenant(env.signalsToken) : undefined);
  if (tenant) settings.tenant = tenant;
  return settings;
}
