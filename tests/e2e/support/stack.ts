import { generateKeyPairSync } from 'node:crypto';
import {
  cleanRedisPrefix,
  createTestDatabase,
  freePort,
  redisTestPrefix,
  redisTestUrl,
  type S3TestServer,
  startS3Server,
  type TestDatabase,
  uniqueBucketName,
} from '@stella-ops/testkit';
import { Redis } from 'ioredis';
import { runCommand, type ServiceProcess, serviceBin, startService } from './processes.js';
import { ISSUER, ISSUER_PUBLIC_PEM, jwt } from './tokens.js';

export const TENANT = 'tenant-e2e';
const SIGNALS_AUDIENCE = 'stella-signals';
const REACHGRAPH_AUDIENCE = 'stella-reachgraph';
const APP_ROLE = 'reachgraph_app';
export const SIGNALS_KEY_ID = 'signals-e2e-2026';

/** Both services running as separate processes against real PostgreSQL, Redis and S3. */
export interface Stack {
  signalsUrl: string;
  reachgraphUrl: string;
  s3: S3TestServer;
  bucket: string;
  reachgraphDb: TestDatabase;
  /** Bearer tokens for Signals (by principal) and ReachGraph. */
  signalsToken(principal: 'scanner-worker' | 'runtime-agent' | 'policy-engine'): string;
  /** A ReachGraph token (read and write) for `tenant` (default the suite's tenant). */
  reachgraphToken(tenant?: string): string;
  stop(): Promise<void>;
}

function appRoleUrl(url: string): string {
  const u = new URL(url);
  u.username = APP_ROLE;
  u.password = '';
  return u.toString();
}

/**
 * Starts the S3 server (local, so its stored bytes can be tampered with), two databases, then
 * `stella-signals migrate`, `tenant add`, `serve` and `stella-reachgraph migrate`, `serve` with
 * environment configuration only — as a deployment runs them. ReachGraph reads Signals with a
 * `reachgraph-service` token and trusts the Signals signing key it was given.
 */
export async function startStack(): Promise<Stack> {
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const s3 = await startS3Server({ forceLocal: true });
    cleanup.push(() => s3.stop());
    const signalsDb = await createTestDatabase('e2e_signals');
    cleanup.push(() => signalsDb.drop());
    const reachgraphDb = await createTestDatabase('e2e_reachgraph');
    cleanup.push(() => reachgraphDb.drop());
    const redisPrefix = redisTestPrefix('e2e');
    cleanup.push(async () => {
      const redis = new Redis(redisTestUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        await cleanRedisPrefix(redis, redisPrefix);
      } finally {
        redis.disconnect();
      }
    });
    const bucket = uniqueBucketName('e2e');
    const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signingPublicPem = String(signing.publicKey.export({ type: 'spki', format: 'pem' }));
    const signalsPort = await freePort();
    let reachgraphPort = await freePort();
    while (reachgraphPort === signalsPort) reachgraphPort = await freePort();
    const signalsUrl = `http://127.0.0.1:${signalsPort}`;
    const reachgraphUrl = `http://127.0.0.1:${reachgraphPort}`;

    const signalsEnv: Record<string, string> = {
      SIGNALS_HOST: '127.0.0.1',
      SIGNALS_PORT: String(signalsPort),
      SIGNALS_LOG_LEVEL: 'warn',
      SIGNALS_DATABASE_URL: signalsDb.url,
      SIGNALS_CAS_BACKEND: 's3',
      SIGNALS_CAS_BUCKET_PREFIX: `cas://${bucket}`,
      SIGNALS_S3_ENDPOINT: s3.endpoint,
      SIGNALS_S3_REGION: s3.region,
      SIGNALS_S3_ACCESS_KEY_ID: s3.accessKeyId,
      SIGNALS_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      SIGNALS_SIGNING_KEY_ID: SIGNALS_KEY_ID,
      SIGNALS_SIGNING_KEY_PEM: String(signing.privateKey.export({ type: 'pkcs8', format: 'pem' })),
      SIGNALS_AUTH_ISSUER: ISSUER,
      SIGNALS_AUTH_AUDIENCE: SIGNALS_AUDIENCE,
      SIGNALS_AUTH_PUBLIC_KEYS: JSON.stringify([{ Kid: 'e2e', Pem: ISSUER_PUBLIC_PEM, Alg: 'ES256' }]),
      SIGNALS_TENANT_CACHE_TTL_MS: '0',
      SIGNALS_INGEST_WORKERS: '1',
    };
    const signalsBin = serviceBin('signals');
    await runCommand(signalsBin, ['migrate'], signalsEnv);
    await runCommand(signalsBin, ['tenant', 'add', TENANT, 'E2E tenant'], signalsEnv);
    const signals: ServiceProcess = await startService(signalsBin, signalsEnv, `${signalsUrl}/readyz`);
    cleanup.push(() => signals.stop());

    const reachgraphEnv: Record<string, string> = {
      REACHGRAPH_HOST: '127.0.0.1',
      REACHGRAPH_PORT: String(reachgraphPort),
      REACHGRAPH_LOG_LEVEL: 'warn',
      REACHGRAPH_DATABASE_URL: appRoleUrl(reachgraphDb.url),
      REACHGRAPH_MIGRATE_DATABASE_URL: reachgraphDb.url,
      REACHGRAPH_DB_APP_ROLE: APP_ROLE,
      REACHGRAPH_REDIS_URL: redisTestUrl(),
      REACHGRAPH_REDIS_PREFIX: redisPrefix,
      REACHGRAPH_AUTH_ISSUER: ISSUER,
      REACHGRAPH_AUTH_AUDIENCE: REACHGRAPH_AUDIENCE,
      REACHGRAPH_AUTH_PUBLIC_KEYS: JSON.stringify([{ kid: 'e2e', pem: ISSUER_PUBLIC_PEM, alg: 'ES256' }]),
      REACHGRAPH_SIGNALS_URL: signalsUrl,
      REACHGRAPH_SIGNALS_TOKEN: jwt(SIGNALS_AUDIENCE, {
        principal: 'reachgraph-service',
        tenant: TENANT,
        scope: 'signals:read',
      }),
      REACHGRAPH_SIGNALS_TRUSTED_KEYS: JSON.stringify([
        { keyId: SIGNALS_KEY_ID, publicKeyPem: signingPublicPem },
      ]),
      REACHGRAPH_SIGNALS_TIMEOUT_MS: '10000',
    };
    const reachgraphBin = serviceBin('reachgraph');
    await runCommand(reachgraphBin, ['migrate'], reachgraphEnv);
    const reachgraph = await startService(reachgraphBin, reachgraphEnv, `${reachgraphUrl}/readyz`);
    cleanup.push(() => reachgraph.stop());

    const scopes: Record<string, string> = {
      'scanner-worker': 'signals:write',
      'runtime-agent': 'signals:write',
      'policy-engine': 'signals:read',
    };
    return {
      signalsUrl,
      reachgraphUrl,
      s3,
      bucket,
      reachgraphDb,
      signalsToken: (principal) =>
        jwt(SIGNALS_AUDIENCE, { principal, tenant: TENANT, scope: scopes[principal] ?? '' }),
      reachgraphToken: (tenant = TENANT) =>
        jwt(REACHGRAPH_AUDIENCE, {
          principal: 'policy-engine',
          tenant,
          scope: 'reachgraph:read reachgraph:write',
        }),
      async stop() {
        for (const step of cleanup.reverse()) await step().catch(() => {});
      },
    };
  } catch (err) {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    throw err;
  }
}
