import type { S3TestServer } from '@stella-ops/testkit';
import { cleanRedisPrefix, redisTestUrl } from '@stella-ops/testkit';
import { Redis } from 'ioredis';
import { ISSUER, ISSUER_PUBLIC_PEM, jwt } from './tokens.js';

export const SIGNALS_AUDIENCE = 'stella-signals';
export const REACHGRAPH_AUDIENCE = 'stella-reachgraph';
/** ReachGraph's non-owner database role (row-level security applies to it). */
export const APP_ROLE = 'reachgraph_app';

/** Where Signals stores and what it signs with, for {@link signalsEnv}. */
export interface SignalsEnvOptions {
  port: number;
  databaseUrl: string;
  bucket: string;
  s3: Pick<S3TestServer, 'endpoint' | 'region' | 'accessKeyId' | 'secretAccessKey'>;
  signingKeyId: string;
  signingKeyPem: string;
  /** Settings that differ from the suite defaults (e.g. pool size, ingest workers). */
  overrides?: Record<string, string>;
}

/** The environment `stella-signals` runs with in the process-level suites. */
export function signalsEnv(o: SignalsEnvOptions): Record<string, string> {
  return {
    SIGNALS_HOST: '127.0.0.1',
    SIGNALS_PORT: String(o.port),
    SIGNALS_LOG_LEVEL: 'warn',
    SIGNALS_DATABASE_URL: o.databaseUrl,
    SIGNALS_CAS_BACKEND: 's3',
    SIGNALS_CAS_BUCKET_PREFIX: `cas://${o.bucket}`,
    SIGNALS_S3_ENDPOINT: o.s3.endpoint,
    SIGNALS_S3_REGION: o.s3.region,
    SIGNALS_S3_ACCESS_KEY_ID: o.s3.accessKeyId,
    SIGNALS_S3_SECRET_ACCESS_KEY: o.s3.secretAccessKey,
    SIGNALS_SIGNING_KEY_ID: o.signingKeyId,
    SIGNALS_SIGNING_KEY_PEM: o.signingKeyPem,
    SIGNALS_AUTH_ISSUER: ISSUER,
    SIGNALS_AUTH_AUDIENCE: SIGNALS_AUDIENCE,
    SIGNALS_AUTH_PUBLIC_KEYS: JSON.stringify([{ Kid: 'e2e', Pem: ISSUER_PUBLIC_PEM, Alg: 'ES256' }]),
    ...o.overrides,
  };
}

/** Databases, Redis and the Signals it reads from, for {@link reachgraphEnv}. */
export interface ReachgraphEnvOptions {
  port: number;
  /** Connects as {@link APP_ROLE}. */
  databaseUrl: string;
  migrateDatabaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  signalsUrl: string;
  tenant: string;
  signalsKeyId: string;
  signalsPublicKeyPem: string;
  overrides?: Record<string, string>;
}

/** The environment `stella-reachgraph` runs with in the process-level suites. */
export function reachgraphEnv(o: ReachgraphEnvOptions): Record<string, string> {
  return {
    REACHGRAPH_HOST: '127.0.0.1',
    REACHGRAPH_PORT: String(o.port),
    REACHGRAPH_LOG_LEVEL: 'warn',
    REACHGRAPH_DATABASE_URL: o.databaseUrl,
    REACHGRAPH_MIGRATE_DATABASE_URL: o.migrateDatabaseUrl,
    REACHGRAPH_DB_APP_ROLE: APP_ROLE,
    REACHGRAPH_REDIS_URL: o.redisUrl,
    REACHGRAPH_REDIS_PREFIX: o.redisPrefix,
    REACHGRAPH_AUTH_ISSUER: ISSUER,
    REACHGRAPH_AUTH_AUDIENCE: REACHGRAPH_AUDIENCE,
    REACHGRAPH_AUTH_PUBLIC_KEYS: JSON.stringify([{ kid: 'e2e', pem: ISSUER_PUBLIC_PEM, alg: 'ES256' }]),
    REACHGRAPH_SIGNALS_URL: o.signalsUrl,
    REACHGRAPH_SIGNALS_TOKEN: jwt(SIGNALS_AUDIENCE, {
      principal: 'reachgraph-service',
      tenant: o.tenant,
      scope: 'signals:read',
    }),
    REACHGRAPH_SIGNALS_TRUSTED_KEYS: JSON.stringify([
      { keyId: o.signalsKeyId, publicKeyPem: o.signalsPublicKeyPem },
    ]),
    REACHGRAPH_SIGNALS_TIMEOUT_MS: '10000',
    ...o.overrides,
  };
}

const SIGNALS_SCOPES: Record<string, string> = {
  'scanner-worker': 'signals:write',
  'runtime-agent': 'signals:write',
  'policy-engine': 'signals:read',
};

/** A Signals token for a principal of the contract's §3.2 table (its scope follows from it). */
export function signalsToken(principal: string, tenant: string): string {
  return jwt(SIGNALS_AUDIENCE, { principal, tenant, scope: SIGNALS_SCOPES[principal] ?? '' });
}

/** A ReachGraph token that reads and writes for `tenant`. */
export function reachgraphToken(tenant: string): string {
  return jwt(REACHGRAPH_AUDIENCE, {
    principal: 'policy-engine',
    tenant,
    scope: 'reachgraph:read reachgraph:write',
  });
}

/** A cleanup step that deletes every key under a suite's Redis prefix. */
export function redisPrefixCleanup(prefix: string): () => Promise<void> {
  return async () => {
    const redis = new Redis(redisTestUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      await cleanRedisPrefix(redis, prefix);
    } finally {
      redis.disconnect();
    }
  };
}
