import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runToCompletion, type ServiceCommand, type ServiceProcess, startService } from './child-service.js';
import {
  type RunningPostgres,
  reachableByOthers,
  runsAsRoot,
  startEmbeddedPostgres,
} from './embedded-postgres.js';
import {
  type KeyPair,
  loadOrCreateKey,
  mintToken,
  REACHGRAPH_AUDIENCE,
  SIGNALS_AUDIENCE,
  TOKEN_ISSUER,
} from './keys.js';
import type { StackSettings } from './settings.js';

/** Bearer tokens minted for the local stack, one per role the services know. */
export interface StackTokens {
  /** You: reads both services, writes and deletes graphs in ReachGraph. */
  operator: string;
  /** Pushes call graphs to Signals (principal `scanner-worker`). */
  scanner: string;
  /** Pushes runtime facts to Signals (principal `runtime-agent`). */
  runtimeAgent: string;
  /** ReachGraph's own token for reading Signals (principal `reachgraph-service`). */
  reachgraphService: string;
}

/** The running system. */
export interface RunningStack {
  signalsUrl: string;
  reachgraphUrl: string;
  tokens: StackTokens;
  /** Public key PEM Signals signs manifests and batch attestations with. */
  signalsSigningPublicKey: string;
  /** Stops both services (draining in-flight requests), then PostgreSQL. Safe to call twice. */
  stop(): Promise<void>;
}

const TOKEN_TTL_SECONDS = 7 * 24 * 3600;
const AUTH_KID = 'stella-stack-local';
const REACHGRAPH_APP_ROLE = 'reachgraph_app';

async function loadOrCreateSecret(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(24).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

async function mintTokens(auth: KeyPair, tenant: string): Promise<StackTokens> {
  const mint = (principal: string, scopes: string[]) =>
    mintToken(auth, AUTH_KID, { principal, tenant, scopes }, TOKEN_TTL_SECONDS);
  return {
    operator: await mint('audit-service', [
      'signals:read',
      'reachgraph:read',
      'reachgraph:write',
      'reachgraph:admin',
    ]),
    scanner: await mint('scanner-worker', ['signals:write']),
    runtimeAgent: await mint('runtime-agent', ['signals:write']),
    reachgraphService: await mint('reachgraph-service', ['signals:read']),
  };
}

/**
 * `<data dir>/postgres`, unless running as root where the `postgres` user cannot reach it (e.g. a
 * checkout under /root): then a directory of its own under /var/tmp, stable for this data dir.
 */
async function postgresDataDir(dataDir: string): Promise<string> {
  const preferred = join(dataDir, 'postgres');
  if (!runsAsRoot() || (await reachableByOthers(preferred))) return preferred;
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return join('/var/tmp', `stella-reach-${id}`, 'postgres');
}

/** `tokens.env`: shell exports for every token (mode 0600). */
async function writeTokensFile(file: string, tokens: StackTokens): Promise<void> {
  const lines = [
    '# Tokens for the local Stella Reach stack (source this file). Regenerated on every start.',
    `export STELLA_TOKEN=${tokens.operator}`,
    `export STELLA_SCANNER_TOKEN=${tokens.scanner}`,
    `export STELLA_RUNTIME_AGENT_TOKEN=${tokens.runtimeAgent}`,
    `export STELLA_REACHGRAPH_SERVICE_TOKEN=${tokens.reachgraphService}`,
  ];
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/**
 * Starts embedded PostgreSQL, migrates, and runs Signals and ReachGraph as separate processes on
 * the embedded defaults (filesystem blobs under the data dir, ReachGraph's in-process cache).
 * Reports each step through `progress`.
 */
export async function startStack(
  settings: StackSettings,
  progress: (step: string) => void = () => {},
): Promise<RunningStack> {
  const { dataDir, repoRoot, host, tenant } = settings;
  const logs = join(dataDir, 'logs');
  const keysDir = join(dataDir, 'keys');
  await mkdir(logs, { recursive: true });
  await mkdir(keysDir, { recursive: true, mode: 0o700 });

  const [authKey, signalsKey, reachgraphKey] = await Promise.all([
    loadOrCreateKey(keysDir, 'auth-es256'),
    loadOrCreateKey(keysDir, 'signals-signing'),
    loadOrCreateKey(keysDir, 'reachgraph-signing'),
  ]);
  const pgPassword = await loadOrCreateSecret(join(keysDir, 'postgres.password'));
  const appRolePassword = await loadOrCreateSecret(join(keysDir, 'reachgraph-app.password'));

  const pgDir = await postgresDataDir(dataDir);
  progress(`starting PostgreSQL (embedded) on 127.0.0.1:${settings.postgresPort}, data in ${pgDir}`);
  const postgres: RunningPostgres = await startEmbeddedPostgres({
    dataDir: pgDir,
    port: settings.postgresPort,
    password: pgPassword,
  });

  const services: ServiceProcess[] = [];
  // The services run in process groups of their own: never leave them behind if the stack dies.
  const terminateAll = () => {
    for (const service of services) service.terminate();
  };
  process.once('exit', terminateAll);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const service of [...services].reverse()) await service.stop();
    process.removeListener('exit', terminateAll);
    await postgres.stop();
  };

  try {
    await postgres.ensureDatabase('signals');
    await postgres.ensureDatabase('reachgraph');

    const authPublicKeys = JSON.stringify([{ Kid: AUTH_KID, Pem: authKey.publicPem, Alg: 'ES256' }]);
    const tokens = await mintTokens(authKey, tenant);
    await writeTokensFile(join(dataDir, 'tokens.env'), tokens);
    const signalsUrl = `http://${host}:${settings.signalsPort}`;
    const reachgraphUrl = `http://${host}:${settings.reachgraphPort}`;

    const signalsBin = join(repoRoot, 'services/signals/dist/bin.js');
    const signalsEnv: NodeJS.ProcessEnv = {
      ...process.env,
      SIGNALS_HOST: host,
      SIGNALS_PORT: String(settings.signalsPort),
      SIGNALS_DATABASE_URL: postgres.urlFor('signals'),
      SIGNALS_CAS_BACKEND: 'fs',
      SIGNALS_CAS_PATH: join(dataDir, 'signals-blobs'),
      SIGNALS_SIGNING_KEY_PEM: signalsKey.privatePem,
      SIGNALS_AUTH_ISSUER: TOKEN_ISSUER,
      SIGNALS_AUTH_AUDIENCE: SIGNALS_AUDIENCE,
      SIGNALS_AUTH_PUBLIC_KEYS: authPublicKeys,
      // The demo loads facts and builds right away; the feed's commit-order window can be short here.
      SIGNALS_FEED_SETTLE_MS: '200',
    };
    const signalsCmd = (args: string[]): ServiceCommand => ({
      name: 'signals',
      bin: signalsBin,
      args,
      env: signalsEnv,
      logFile: join(logs, 'signals.log'),
    });

    const reachgraphBin = join(repoRoot, 'services/reachgraph/dist/bin.js');
    const reachgraphEnv: NodeJS.ProcessEnv = {
      ...process.env,
      REACHGRAPH_HOST: host,
      REACHGRAPH_PORT: String(settings.reachgraphPort),
      // Served as the non-owner app role so row-level security applies; migrated as the owner.
      REACHGRAPH_DATABASE_URL: postgres.urlAs(REACHGRAPH_APP_ROLE, appRolePassword, 'reachgraph'),
      REACHGRAPH_MIGRATE_DATABASE_URL: postgres.urlFor('reachgraph'),
      REACHGRAPH_DB_APP_ROLE: REACHGRAPH_APP_ROLE,
      REACHGRAPH_AUTH_ISSUER: TOKEN_ISSUER,
      REACHGRAPH_AUTH_AUDIENCE: REACHGRAPH_AUDIENCE,
      REACHGRAPH_AUTH_PUBLIC_KEYS: JSON.stringify([{ kid: AUTH_KID, pem: authKey.publicPem, alg: 'ES256' }]),
      REACHGRAPH_SIGN_GRAPHS: 'true',
      REACHGRAPH_SIGNING_KEY_PEM: reachgraphKey.privatePem,
      REACHGRAPH_SIGNALS_URL: signalsUrl,
      REACHGRAPH_SIGNALS_TOKEN: tokens.reachgraphService,
      REACHGRAPH_SIGNALS_TRUSTED_KEYS: JSON.stringify([{ pem: signalsKey.publicPem }]),
    };
    const reachgraphCmd = (args: string[]): ServiceCommand => ({
      name: 'reachgraph',
      bin: reachgraphBin,
      args,
      env: reachgraphEnv,
      logFile: join(logs, 'reachgraph.log'),
    });

    progress('migrating the signals and reachgraph databases');
    await runToCompletion(signalsCmd(['migrate']));
    await runToCompletion(reachgraphCmd(['migrate']));
    await postgres.setPassword(REACHGRAPH_APP_ROLE, appRolePassword);
    await runToCompletion(signalsCmd(['tenant', 'add', tenant, 'Quick-start tenant']));

    progress(`starting Signals on ${signalsUrl}`);
    services.push(await startService(signalsCmd(['serve']), signalsUrl));
    progress(`starting ReachGraph on ${reachgraphUrl}`);
    services.push(await startService(reachgraphCmd(['serve']), reachgraphUrl));

    return { signalsUrl, reachgraphUrl, tokens, signalsSigningPublicKey: signalsKey.publicPem, stop };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}
