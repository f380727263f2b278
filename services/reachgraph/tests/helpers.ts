import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createTestDatabase, redisTestPrefix, type TestDatabase } from '@stella-ops/testkit';
import type { Express } from 'express';
import { importPKCS8, SignJWT } from 'jose';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import type { ServerConfig } from '../src/config.js';
import { type AppContext, type ContextOverrides, createAppContext } from '../src/context.js';
import { migrate } from '../src/db/migrate.js';
import { APP_ROLE, appRoleUrl } from './db-role.js';

export { APP_ROLE, appRoleUrl } from './db-role.js';

export const ISSUER = 'https://auth.test';
export const AUDIENCE = 'stella-reachgraph';

const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));

/** The test issuer's public key as `REACHGRAPH_AUTH_PUBLIC_KEYS` expects it. */
export function publicKeysForEnv(): string {
  return JSON.stringify([{ kid: 'test-key', pem: pem(jwtKey.publicKey, 'spki'), alg: 'ES256' }]);
}

/** A bearer token for `tenant` with `scopes` (all three by default). */
export async function token(
  opts: { tenant?: string; principal?: string; scopes?: string[]; subject?: string } = {},
): Promise<string> {
  const key = await importPKCS8(pem(jwtKey.privateKey, 'pkcs8'), 'ES256');
  const jwt = await new SignJWT({
    principal: opts.principal ?? 'policy-engine',
    tenant: opts.tenant ?? 'tenant-a',
    scope: (opts.scopes ?? ['reachgraph:read', 'reachgraph:write', 'reachgraph:admin']).join(' '),
  })
    .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(opts.subject ?? 'svc-test')
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key);
  return `Bearer ${jwt}`;
}

/** A configuration for tests: no environment, generous limits unless overridden. */
export function testConfig(dbUrl: string, patch: (cfg: ServerConfig) => void = () => {}): ServerConfig {
  const cfg: ServerConfig = {
    service: { port: 0, host: '127.0.0.1', logLevel: 'silent' },
    db: { url: appRoleUrl(dbUrl), migrateUrl: dbUrl, appRole: APP_ROLE, poolMax: 5 },
    auth: {
      issuer: ISSUER,
      audience: AUDIENCE,
      publicKeys: [{ kid: 'test-key', pem: pem(jwtKey.publicKey, 'spki'), alg: 'ES256' }],
    },
    signing: { signGraphs: false, trustedKeys: [] },
    cache: {
      sliceTtlSeconds: 1800,
      durableSliceTtlSeconds: 7 * 24 * 3600,
      graphLruBytes: 64 * 1024 * 1024,
      memorySliceEntries: 1000,
    },
    limits: {
      readsPerMinute: 10_000,
      writesPerMinute: 10_000,
      maxUpsertBytes: 64 * 1024 * 1024,
      maxReplayBytes: 64 * 1024 * 1024,
      indexWorkerMinBytes: 8 * 1024 * 1024,
      sliceMaxNodes: 50_000,
      sliceMaxPaths: 1000,
      sliceDefaultLimit: 100,
      sliceMaxLimit: 1000,
    },
  };
  patch(cfg);
  return cfg;
}

/** One integration suite: its own database (migrated), its own Redis prefix, an app per config. */
export interface Suite {
  db: TestDatabase;
  redisPrefix: string;
  start(
    patch?: (cfg: ServerConfig) => void,
    overrides?: ContextOverrides,
  ): Promise<{ app: Express; ctx: AppContext }>;
  close(): Promise<void>;
}

export async function createSuite(name: string): Promise<Suite> {
  const db = await createTestDatabase(`rg_${name}`);
  await migrate(db.url, APP_ROLE);
  const redisPrefix = redisTestPrefix(`reachgraph-${name}`);
  const contexts: AppContext[] = [];
  return {
    db,
    redisPrefix,
    async start(patch = () => {}, overrides = {}) {
      const ctx = await createAppContext(testConfig(db.url, patch), {
        logger: pino({ level: 'silent' }),
        ...overrides,
      });
      contexts.push(ctx);
      return { app: createApp(ctx), ctx };
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.destroy()));
      await db.drop();
    },
  };
}
