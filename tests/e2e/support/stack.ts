import { generateKeyPairSync } from 'node:crypto';
import {
  createTestDatabase,
  freePort,
  redisTestPrefix,
  redisTestUrl,
  type S3TestServer,
  startS3Server,
  type TestDatabase,
  uniqueBucketName,
} from '@stella-ops/testkit';
import { runCommand, type ServiceProcess, serviceBin, startService } from './processes.js';
import {
  APP_ROLE,
  reachgraphEnv as reachgraphEnvOf,
  reachgraphToken,
  redisPrefixCleanup,
  signalsEnv as signalsEnvOf,
  signalsToken,
} from './service-env.js';

export const TENANT = 'tenant-e2e';
export const SIGNALS_KEY_ID = 'signals-e2e-2026';

/** Both services running as separate processes against real PostgreSQL, Redis and S3. */
export interface Stack {
  signalsUrl: string;
  reachgraphUrl: string;
  s3: S3TestServer;
  bucket: string;
  reachgraphDb: TestDatabase;
  /** The public keys (PEM) Signals signs manifests and attestations with, and ReachGraph slice evidence. */
  signalsPublicKeyPem: string;
  reachgraphPublicKeyPem: string;
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
    cleanup.push(redisPrefixCleanup(redisPrefix));
    const bucket = uniqueBucketName('e2e');
    const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signingPublicPem = String(signing.publicKey.export({ type: 'spki', format: 'pem' }));
    // ReachGraph signs slice evidence (not graphs: SIGN_GRAPHS stays off) with a key of its own.
    const evidenceKey = generateKeyPairSync('ed25519');
    const signalsPort = await freePort();
    let reachgraphPort = await freePort();
    while (reachgraphPort === signalsPort) reachgraphPort = await freePort();
    const signalsUrl = `http://127.0.0.1:${signalsPort}`;
    const reachgraphUrl = `http://127.0.0.1:${reachgraphPort}`;

    const signalsEnv = signalsEnvOf({
      port: signalsPort,
      databaseUrl: signalsDb.url,
      bucket,
      s3,
      signingKeyId: SIGNALS_KEY_ID,
      signingKeyPem: String(signing.privateKey.export({ type: 'pkcs8', format: 'pem' })),
      overrides: { SIGNALS_TENANT_CACHE_TTL_MS: '0', SIGNALS_INGEST_WORKERS: '1' },
    });
    const signalsBin = serviceBin('signals');
    await runCommand(signalsBin, ['migrate'], signalsEnv);
    await runCommand(signalsBin, ['tenant', 'add', TENANT, 'E2E tenant'], signalsEnv);
    const signals: ServiceProcess = await startService(signalsBin, signalsEnv, `${signalsUrl}/readyz`);
    cleanup.push(() => signals.stop());

    const reachgraphEnv = reachgraphEnvOf({
      port: reachgraphPort,
      databaseUrl: appRoleUrl(reachgraphDb.url),
      migrateDatabaseUrl: reachgraphDb.url,
      redisUrl: redisTestUrl(),
      redisPrefix,
      signalsUrl,
      tenant: TENANT,
      signalsKeyId: SIGNALS_KEY_ID,
      signalsPublicKeyPem: signingPublicPem,
      overrides: {
        REACHGRAPH_SIGNING_KEY_PEM: String(evidenceKey.privateKey.export({ type: 'pkcs8', format: 'pem' })),
        REACHGRAPH_SIGNING_KEY_ID: 'reachgraph-e2e',
      },
    });
    const reachgraphBin = serviceBin('reachgraph');
    await runCommand(reachgraphBin, ['migrate'], reachgraphEnv);
    const reachgraph = await startService(reachgraphBin, reachgraphEnv, `${reachgraphUrl}/readyz`);
    cleanup.push(() => reachgraph.stop());

    return {
      signalsUrl,
      reachgraphUrl,
      s3,
      bucket,
      reachgraphDb,
      signalsPublicKeyPem: signingPublicPem,
      reachgraphPublicKeyPem: String(evidenceKey.publicKey.export({ type: 'spki', format: 'pem' })),
      signalsToken: (principal) => signalsToken(principal, TENANT),
      reachgraphToken: (tenant = TENANT) => reachgraphToken(tenant),
      async stop() {
        for (const step of cleanup.reverse()) await step().catch(() => {});
      },
    };
  } catch (err) {
    for (const step of cleanup.reverse()) await step().catch(() => {});
    throw err;
  }
}
