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
import { runCommand, type ServiceProcess, serviceBin, startService } from '../../e2e/support/processes.js';
import {
  APP_ROLE,
  reachgraphEnv as reachgraphEnvOf,
  reachgraphToken,
  redisPrefixCleanup,
  signalsEnv as signalsEnvOf,
  signalsToken,
} from '../../e2e/support/service-env.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const TENANT = 'tenant-faults';

/** One service process that a test can kill (SIGKILL) and start again with the same settings. */
export interface Restartable {
  url: string;
  process(): ServiceProcess;
  /** `kill -9`: no shutdown hooks, no draining. Resolves once the process is gone. */
  kill9(): Promise<void>;
  start(): Promise<void>;
}

/**
 * Signals and ReachGraph as processes whose PostgreSQL, Redis and S3 are reached through TCP
 * proxies the test controls (`pg`, `redis`, `s3`), so each can be cut, refused or hung without
 * touching the machine's shared servers. The S3 server itself is local and can also be killed.
 */
export interface FaultStack {
  signals: Restartable;
  reachgraph: Restartable;
  pg: TcpProxy;
  redis: TcpProxy;
  s3proxy: TcpProxy;
  s3: S3TestServer;
  signalsDb: TestDatabase;
  reachgraphDb: TestDatabase;
  signalsToken(principal: 'scanner-worker' | 'runtime-agent' | 'policy-engine'): string;
  reachgraphToken(): string;
  stop(): Promise<void>;
}

function via(url: string, port: number, user?: string): string {
  const u = new URL(url);
  u.host = `127.0.0.1:${port}`;
  if (user !== undefined) {
    u.username = user;
    u.password = '';
  }
  return u.toString();
}

function restartable(bin: string, env: Record<string, string>, url: string): Restartable {
  let proc: ServiceProcess | undefined;
  return {
    url,
    process: () => {
      if (!proc) throw new Error(`${bin} is not running`);
      return proc;
    },
    async kill9() {
      const child = proc?.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    },
    async start() {
      proc = await startService(bin, env, `${url}/readyz`);
    },
  };
}

/** Starts the S3 server, the proxies, two databases, and both services (migrated, serving). */
export async function startFaultStack(): Promise<FaultStack> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const undo = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    const s3 = await startS3Server({ forceLocal: true });
    cleanup.push(() => s3.stop());
    const s3proxy = await startTcpProxy(Number(new URL(s3.endpoint).port));
    cleanup.push(() => s3proxy.close());
    const redisUrl = new URL(redisTestUrl());
    const redis = await startTcpProxy(Number(redisUrl.port || 6379), redisUrl.hostname);
    cleanup.push(() => redis.close());

    const signalsDb = await createTestDatabase('faults_signals');
    cleanup.push(() => signalsDb.drop());
    const reachgraphDb = await createTestDatabase('faults_reachgraph');
    cleanup.push(() => reachgraphDb.drop());
    const pgServer = new URL(signalsDb.url);
    const pg = await startTcpProxy(Number(pgServer.port || 5432), pgServer.hostname);
    cleanup.push(() => pg.close());
    const redisPrefix = redisTestPrefix('faults');
    cleanup.push(redisPrefixCleanup(redisPrefix));
    const bucket = uniqueBucketName('faults');
    const signing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const [signalsPort, reachgraphPort] = [await freePort(), await freePort()];
    const signalsUrl = `http://127.0.0.1:${signalsPort}`;
    const reachgraphUrl = `http://127.0.0.1:${reachgraphPort}`;
    const s3ViaProxy = `http://127.0.0.1:${s3proxy.port}`;

    const signalsEnv = signalsEnvOf({
      port: signalsPort,
      databaseUrl: via(signalsDb.url, pg.port),
      bucket,
      s3: { ...s3, endpoint: s3ViaProxy },
      signingKeyId: 'signals-faults',
      signingKeyPem: String(signing.privateKey.export({ type: 'pkcs8', format: 'pem' })),
      overrides: {
        SIGNALS_DB_POOL_MAX: '4',
        SIGNALS_TENANT_CACHE_TTL_MS: '60000',
        SIGNALS_INGEST_WORKERS: '0',
      },
    });
    const signalsBin = serviceBin('signals');
    const direct = { ...signalsEnv, SIGNALS_DATABASE_URL: signalsDb.url, SIGNALS_S3_ENDPOINT: s3.endpoint };
    await runCommand(signalsBin, ['migrate'], direct);
    await runCommand(signalsBin, ['tenant', 'add', TENANT, 'Faults tenant'], direct);
    const signals = restartable(signalsBin, signalsEnv, signalsUrl);
    await signals.start();
    cleanup.push(() => signals.process().stop());

    const reachgraphEnv = reachgraphEnvOf({
      port: reachgraphPort,
      databaseUrl: via(reachgraphDb.url, pg.port, APP_ROLE),
      migrateDatabaseUrl: reachgraphDb.url,
      redisUrl: `redis://127.0.0.1:${redis.port}`,
      redisPrefix,
      signalsUrl,
      tenant: TENANT,
      signalsKeyId: 'signals-faults',
      signalsPublicKeyPem: String(signing.publicKey.export({ type: 'spki', format: 'pem' })),
      overrides: {
        REACHGRAPH_DB_POOL_MAX: '4',
        REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE: '100000',
        REACHGRAPH_RATE_LIMIT_WRITES_PER_MINUTE: '100000',
      },
    });
    const reachgraphBin = serviceBin('reachgraph');
    await runCommand(reachgraphBin, ['migrate'], reachgraphEnv);
    const reachgraph = restartable(reachgraphBin, reachgraphEnv, reachgraphUrl);
    await reachgraph.start();
    cleanup.push(() => reachgraph.process().stop());

    return {
      signals,
      reachgraph,
      pg,
      redis,
      s3proxy,
      s3,
      signalsDb,
      reachgraphDb,
      signalsToken: (principal) => signalsToken(principal, TENANT),
      reachgraphToken: () => reachgraphToken(TENANT),
      stop: undo,
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
