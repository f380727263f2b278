import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createBlobStore } from '@stella-ops/cas';
import {
  createTestDatabase,
  type S3TestServer,
  startS3Server,
  type TestDatabase,
  uniqueBucketName,
} from '@stella-ops/testkit';
import type { Express } from 'express';
import { importPKCS8, SignJWT } from 'jose';
import { TenantRegistry } from '../src/access/tenant-registry.js';
import { createApp } from '../src/app.js';
import { resolveConfig } from '../src/config/resolve-config.js';
import type { SignalsConfig } from '../src/config/types.js';
import { type AppContext, type ContextOverrides, createAppContext } from '../src/context.js';
import { migrate } from '../src/db/database.js';
import { rootLogger } from '../src/logger.js';

export const ISSUER = 'https://authority.test';
export const AUDIENCE = 'stella-signals';
export const TENANT = 'tenant-a';
export const OTHER_TENANT = 'tenant-b';

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));

/** One suite's real servers and app: a throwaway database, an S3 server, the app. */
export interface Harness {
  cfg: SignalsConfig;
  ctx: AppContext;
  app: Express;
  s3: S3TestServer;
  database: TestDatabase;
  bucket: string;
  signingPublicKeyPem: string;
  signingPrivateKeyPem: string;
  /** A bearer token for a principal (scope defaults to what the role needs). */
  token(principal: string, opts?: { tenant?: string; scope?: string }): Promise<string>;
  /** `Authorization` header value. */
  auth(principal: string, opts?: { tenant?: string; scope?: string }): Promise<string>;
  stop(): Promise<void>;
}

const DEFAULT_SCOPE: Record<string, string> = {
  'scanner-worker': 'signals:write',
  'runtime-agent': 'signals:write',
  'policy-engine': 'signals:read',
  'audit-service': 'signals:read',
  'reachgraph-service': 'signals:read',
};

export interface HarnessOptions {
  /** Extra settings merged into `Signals:` (e.g. `{ Provenance: { SignManifests: false } }`). */
  settings?: Record<string, unknown>;
  overrides?: ContextOverrides;
  signingKey?: 'ec' | 'ed25519';
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Starts a suite's servers and app (call `stop()` in `afterAll`). */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const database = await createTestDatabase('signals');
  const s3 = await startS3Server();
  const bucket = uniqueBucketName('signals');
  const signing =
    opts.signingKey === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const settings = merge(
    {
      Log: { Level: 'silent' },
      Database: { Url: database.url, PoolMax: 5 },
      CAS: {
        Backend: 's3',
        BucketPrefix: `cas://${bucket}`,
        S3: {
          Endpoint: s3.endpoint,
          Region: s3.region,
          AccessKeyId: s3.accessKeyId,
          SecretAccessKey: s3.secretAccessKey,
          ForcePathStyle: true,
        },
      },
      Signing: {
        KeyId: 'signals-test-2025',
        Algorithm: opts.signingKey === 'ed25519' ? 'Ed25519' : 'ECDSA-P256-SHA256',
        KeyPem: pem(signing.privateKey, 'pkcs8'),
      },
      Auth: {
        Issuer: ISSUER,
        Audience: AUDIENCE,
        PublicKeys: [{ Kid: 'k1', Pem: pem(jwtKey.publicKey, 'spki') }],
      },
      Tenants: { CacheTtlMs: 0 },
      Feed: { SettleMs: 0 },
      // Tests run from TypeScript sources: worker threads are tested on their own (worker-pool.test.ts).
      Limits: { IngestWorkers: 0 },
    },
    opts.settings ?? {},
  );
  const cfg = resolveConfig({ Signals: settings });
  await migrate(cfg.db.url);
  const ctx = await createAppContext(cfg, { logger: rootLogger('silent'), ...opts.overrides });
  const registry = new TenantRegistry(ctx.db, 0);
  await registry.add(TENANT, 'Tenant A');
  await registry.add(OTHER_TENANT, 'Tenant B');
  const privateJwt = await importPKCS8(pem(jwtKey.privateKey, 'pkcs8'), 'ES256');
  const token = (principal: string, o: { tenant?: string; scope?: string } = {}) =>
    new SignJWT({
      principal,
      tenant: o.tenant ?? TENANT,
      scope: o.scope ?? DEFAULT_SCOPE[principal] ?? 'signals:read',
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(`svc:${principal}`)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateJwt);
  return {
    cfg,
    ctx,
    app: createApp(ctx),
    s3,
    database,
    bucket,
    signingPublicKeyPem: pem(signing.publicKey, 'spki'),
    signingPrivateKeyPem: pem(signing.privateKey, 'pkcs8'),
    token,
    auth: async (principal, o) => `Bearer ${await token(principal, o)}`,
    async stop() {
      await ctx.destroy();
      await database.drop();
      if (s3.external) {
        // A shared MinIO: leave no objects behind (the bucket itself is unique to this suite).
        const store = createBlobStore(cfg.cas.backend);
        for (const prefix of ['callgraphs/', 'manifests/', 'runtime-facts/', 'attestations/']) {
          for (let page = await store.list(prefix); ; ) {
            for (const item of page.items) await store.delete(item.key);
            if (!page.nextCursor) break;
            page = await store.list(prefix, { cursor: page.nextCursor });
          }
        }
        await store.close();
      }
      await s3.stop();
    },
  };
}
