import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  freePort,
  type S3TestServer,
  startS3Server,
  type TestDatabase,
  uniqueBucketName,
} from '@stella-ops/testkit';
import { importPKCS8, SignJWT } from 'jose';
import pg from 'pg';
import {
  connectionRefused,
  pieces,
  type ServiceProcess,
  slowPost,
  startServiceProcess,
  waitUntilReady,
} from '../../../deploy/tests/process/service-process.js';
import { callgraphRecords, fact, ndjson } from './fixtures.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
// The real process runs the built service (CI builds before testing).
const built = existsSync(BIN);
const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const ISSUER = 'https://authority.test';
const TENANT = 'tenant-a';

describe('stella-signals serve: SIGTERM during in-flight requests', () => {
  // `pnpm test` builds first: a missing build fails these tests, it never skips them.
  beforeAll(() => {
    if (!built) throw new Error('dist/ is missing: run `pnpm build` first');
  });

  let db: TestDatabase;
  let s3: S3TestServer;
  let env: Record<string, string>;
  let port: number;
  let service: ServiceProcess | undefined;
  const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  const run = async (args: string[]) => {
    const p = startServiceProcess(BIN, args, env);
    return p.exited;
  };
  const auth = async (principal: string) => {
    const key = await importPKCS8(pem(jwtKey.privateKey, 'pkcs8'), 'ES256');
    const jwt = await new SignJWT({ principal, tenant: TENANT, scope: 'signals:write' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience('stella-signals')
      .setSubject(`svc:${principal}`)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);
    return `Bearer ${jwt}`;
  };

  beforeAll(async () => {
    db = await createTestDatabase('signals_sigterm');
    s3 = await startS3Server();
    port = await freePort();
    env = {
      SIGNALS_HOST: '127.0.0.1',
      SIGNALS_PORT: String(port),
      SIGNALS_LOG_LEVEL: 'warn',
      SIGNALS_DATABASE_URL: db.url,
      SIGNALS_CAS_BACKEND: 's3',
      SIGNALS_CAS_BUCKET_PREFIX: `cas://${uniqueBucketName('sigterm')}`,
      SIGNALS_S3_ENDPOINT: s3.endpoint,
      SIGNALS_S3_REGION: s3.region,
      SIGNALS_S3_ACCESS_KEY_ID: s3.accessKeyId,
      SIGNALS_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      SIGNALS_SIGNING_KEY_PEM: pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'pkcs8'),
      SIGNALS_SIGNING_KEY_ID: 'signals-sigterm-test',
      SIGNALS_AUTH_ISSUER: ISSUER,
      SIGNALS_AUTH_PUBLIC_KEYS: JSON.stringify([
        { Kid: 'k1', Pem: pem(jwtKey.publicKey, 'spki'), Alg: 'ES256' },
      ]),
      // Fact batches are prepared on a real worker thread, which shutdown must stop too.
      SIGNALS_INGEST_WORKERS: '1',
      SIGNALS_TENANT_CACHE_TTL_MS: '0',
    };
    expect((await run(['migrate'])).code).toBe(0);
    expect((await run(['tenant', 'add', TENANT])).code).toBe(0);
  });

  afterAll(async () => {
    service?.kill();
    await s3?.stop();
    await db?.drop();
  });

  it('finishes every in-flight upload, refuses new connections, closes its clients and exits 0', async () => {
    service = startServiceProcess(BIN, ['serve'], env);
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${base}/readyz`, service);

    const first = await fetch(`${base}/signals/callgraphs`, {
      method: 'POST',
      headers: { authorization: await auth('scanner-worker'), 'content-type': 'application/x-ndjson' },
      body: ndjson(callgraphRecords(20)),
    });
    expect(first.status).toBe(201);
    const { graphId } = (await first.json()) as { graphId: string };

    // Five uploads streamed slowly: three call graphs and two fact batches, 12 pieces 250 ms apart.
    const callgraphHeaders = {
      authorization: await auth('scanner-worker'),
      'content-type': 'application/x-ndjson',
    };
    const factHeaders = {
      authorization: await auth('runtime-agent'),
      'content-type': 'application/x-ndjson',
    };
    const uploads = [
      ...[300, 301, 302].map((n) =>
        slowPost(
          `${base}/signals/callgraphs`,
          callgraphHeaders,
          pieces(ndjson(callgraphRecords(n)), 12),
          250,
        ),
      ),
      ...[200, 201].map((n) =>
        slowPost(
          `${base}/signals/runtime-facts?callgraphId=${graphId}&source=agent-1`,
          factHeaders,
          pieces(ndjson(Array.from({ length: n }, (_, i) => fact(i))), 12),
          250,
        ),
      ),
    ];
    await Promise.all(uploads.map((u) => u.started));
    await new Promise((r) => setTimeout(r, 200));
    let finished = 0;
    for (const u of uploads)
      void u.done.then(
        () => finished++,
        () => finished++,
      );

    service.terminate();
    // The listener closes at once; the uploads are still streaming.
    let refused = false;
    for (let i = 0; i < 40 && !refused; i++) {
      refused = await connectionRefused(port);
      if (!refused) await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused).toBe(true);
    expect(finished).toBe(0);

    const results = await Promise.all(uploads.map((u) => u.done));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);

    const exit = await service.exited;
    expect(exit.code).toBe(0);
    expect(exit.exitedAfterMs).toBeLessThan(20_000);
    // Nothing left open: no HTTP server or socket (Postgres, S3, clients), no worker thread.
    expect({
      handles: exit.openHandles,
      sockets: exit.sockets,
      s3: s3.endpoint,
    }).toEqual({ handles: [], sockets: [], s3: s3.endpoint });
    expect(exit.stderr).not.toMatch(/shutdown (timed out|failed)/);

    // Every upload was committed whole: index rows for all of them.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const graphs = await client.query('select count(*)::int as n from signals.callgraphs');
      const batches = await client.query('select count(*)::int as n from signals.runtime_fact_batches');
      expect([graphs.rows[0].n, batches.rows[0].n]).toEqual([4, 2]);
    } finally {
      await client.end();
    }
  }, 120_000);
});
