import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  cleanRedisPrefix,
  createTestDatabase,
  freePort,
  redisTestPrefix,
  redisTestUrl,
  type TestDatabase,
} from '@stella-ops/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  connectionRefused,
  pieces,
  type ServiceProcess,
  slowPost,
  startServiceProcess,
  waitUntilReady,
} from '../../../deploy/tests/process/service-process.js';
import { APP_ROLE, appRoleUrl } from './db-role.js';
import { exampleGraph } from './fixtures.js';
import { AUDIENCE, ISSUER, publicKeysForEnv, token } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
// The real process runs the built service (CI builds before testing).
const built = existsSync(BIN);

/** The example graph for another artifact digest: a distinct graph with its own content address. */
function graphFor(i: number): ReturnType<typeof exampleGraph> {
  const g = exampleGraph();
  g.artifact.digest = `sha256:${i.toString(16).padStart(64, '0')}`;
  return g;
}

describe('stella-reachgraph serve: SIGTERM during in-flight requests', () => {
  // `pnpm test` builds first: a missing build fails these tests, it never skips them.
  beforeAll(() => {
    if (!built) throw new Error('dist/ is missing: run `pnpm build` first');
  });

  let db: TestDatabase;
  let env: Record<string, string>;
  let port: number;
  let prefix: string;
  let service: ServiceProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('rg_sigterm');
    port = await freePort();
    prefix = redisTestPrefix('reachgraph-sigterm');
    env = {
      REACHGRAPH_HOST: '127.0.0.1',
      REACHGRAPH_PORT: String(port),
      REACHGRAPH_LOG_LEVEL: 'warn',
      REACHGRAPH_DATABASE_URL: appRoleUrl(db.url),
      REACHGRAPH_MIGRATE_DATABASE_URL: db.url,
      REACHGRAPH_DB_APP_ROLE: APP_ROLE,
      REACHGRAPH_REDIS_URL: redisTestUrl(),
      REACHGRAPH_REDIS_PREFIX: prefix,
      REACHGRAPH_AUTH_ISSUER: ISSUER,
      REACHGRAPH_AUTH_AUDIENCE: AUDIENCE,
      REACHGRAPH_AUTH_PUBLIC_KEYS: publicKeysForEnv(),
      // Every upload is indexed on a real worker thread, which shutdown must stop too.
      REACHGRAPH_INDEX_WORKER_MIN_BYTES: '1',
    };
    const migrate = startServiceProcess(BIN, ['migrate'], env);
    expect((await migrate.exited).code).toBe(0);
  });

  afterAll(async () => {
    service?.kill();
    const redis = new Redis(redisTestUrl());
    await cleanRedisPrefix(redis, prefix);
    redis.disconnect();
    await db?.drop();
  });

  it('finishes every in-flight upload, refuses new connections, closes Postgres and Redis and exits 0', async () => {
    service = startServiceProcess(BIN, ['serve'], env);
    const base = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${base}/readyz`, service);
    const auth = await token({ tenant: 'tenant-a' });

    // A slice first, so the Redis cache and rate limiter hold live connections and keys.
    const seeded = await fetch(`${base}/v1/reachgraphs`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(graphFor(1)),
    });
    expect(seeded.status).toBe(201);
    const { digest } = (await seeded.json()) as { digest: string };
    const slice = await fetch(`${base}/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`, {
      headers: { authorization: auth },
    });
    expect(slice.status).toBe(200);

    // Four uploads streamed slowly, 12 pieces 250 ms apart.
    const headers = { authorization: auth, 'content-type': 'application/json' };
    const uploads = [2, 3, 4, 5].map((i) =>
      slowPost(`${base}/v1/reachgraphs`, headers, pieces(JSON.stringify(graphFor(i), null, 2), 12), 250),
    );
    await Promise.all(uploads.map((u) => u.started));
    await new Promise((r) => setTimeout(r, 200));
    let finished = 0;
    for (const u of uploads) {
      void u.done.then(
        () => finished++,
        () => finished++,
      );
    }

    service.terminate();
    let refused = false;
    for (let i = 0; i < 40 && !refused; i++) {
      refused = await connectionRefused(port);
      if (!refused) await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused).toBe(true);
    expect(finished).toBe(0);

    const results = await Promise.all(uploads.map((u) => u.done));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);

    const exit = await service.exited;
    expect(exit.code).toBe(0);
    expect(exit.exitedAfterMs).toBeLessThan(20_000);
    // Nothing left open: no HTTP server or socket (Postgres, Redis), no worker thread.
    expect({
      handles: exit.openHandles,
      sockets: exit.sockets,
    }).toEqual({ handles: [], sockets: [] });
    expect(exit.stderr).not.toMatch(/shutdown (timed out|failed)/);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const graphs = await client.query('select count(*)::int as n from reachgraph.subgraphs');
      expect(graphs.rows[0].n).toBe(5);
    } finally {
      await client.end();
    }
  }, 120_000);
});
