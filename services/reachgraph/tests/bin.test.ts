import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateReachGraph } from '@stella-ops/graph';
import { createTestDatabase, freePort, type TestDatabase } from '@stella-ops/testkit';
import pg from 'pg';
import { APP_ROLE, appRoleUrl } from './db-role.js';
import { exampleGraph, ordersApiInputs } from './fixtures.js';
import { AUDIENCE, ISSUER, publicKeysForEnv, token } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
// The command runs from dist (built before the tests in CI); worker threads only run from there.
const built = existsSync(BIN);

function run(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

describe('stella-reachgraph (dist): migrate, serve with the index worker, SIGTERM', () => {
  // `pnpm test` builds first: a missing build fails these tests, it never skips them.
  beforeAll(() => {
    if (!built) throw new Error('dist/ is missing: run `pnpm build` first');
  });

  let db: TestDatabase;
  let server: ChildProcess;
  let base: string;
  let env: Record<string, string>;
  let auth: string;

  beforeAll(async () => {
    db = await createTestDatabase('rg_bin');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      REACHGRAPH_DATABASE_URL: appRoleUrl(db.url),
      REACHGRAPH_MIGRATE_DATABASE_URL: db.url,
      REACHGRAPH_DB_APP_ROLE: APP_ROLE,
      REACHGRAPH_AUTH_ISSUER: ISSUER,
      REACHGRAPH_AUTH_AUDIENCE: AUDIENCE,
      REACHGRAPH_AUTH_PUBLIC_KEYS: publicKeysForEnv(),
      REACHGRAPH_PORT: String(port),
      REACHGRAPH_HOST: '127.0.0.1',
      REACHGRAPH_LOG_LEVEL: 'silent',
      // Every body goes through the worker thread.
      REACHGRAPH_INDEX_WORKER_MIN_BYTES: '1',
      // Nothing stays decoded in memory: every slice loads its graph from the store (cold).
      REACHGRAPH_GRAPH_LRU_BYTES: '1',
    };
    expect((await exited(run(['migrate'], env))).code).toBe(0);
    server = run(['serve'], env);
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    auth = await token({ tenant: 'tenant-a' });
  });

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await db?.drop();
  });

  const post = async (path: string, value: unknown) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(value),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('upserts, refuses bad graphs with their codes, and stays up when the worker rejects first', async () => {
    const created = await post('/v1/reachgraphs', exampleGraph());
    expect(created.status).toBe(201);
    expect((await post('/v1/reachgraphs', exampleGraph())).status).toBe(200);
    // A document not normalised as sent: the worker builds its binary form from the normalised one.
    const shuffled = exampleGraph();
    shuffled.artifact = { ...shuffled.artifact, name: 'svc.shuffled' };
    shuffled.nodes.reverse();
    shuffled.edges.reverse();
    shuffled.scope = { ...shuffled.scope, entrypoints: [...(shuffled.scope.entrypoints ?? [])].reverse() };
    const unsorted = await post('/v1/reachgraphs', shuffled);
    expect(unsorted.status).toBe(201);
    const sorted = exampleGraph();
    sorted.artifact = { ...sorted.artifact, name: 'svc.shuffled' };
    expect((await post('/v1/reachgraphs', sorted)).body.digest).toBe(unsorted.body.digest);
    const fromStore = await fetch(`${base}/v1/reachgraphs/${unsorted.body.digest}/slice?cve=CVE-2021-23337`, {
      headers: { authorization: auth },
    });
    expect(((await fromStore.json()) as { verdict: string }).verdict).toBe('gated');
    const bad = exampleGraph() as unknown as { nodes: { kind: string }[] };
    (bad.nodes[0] as { kind: string }).kind = 'lambda';
    expect((await post('/v1/reachgraphs', bad)).body.code).toBe('SCHEMA_INVALID');
    const dangling = exampleGraph();
    dangling.edges.push({ from: 'src/server.js:main', to: 'nowhere', why: { type: 'DirectCall' } });
    const refused = await post('/v1/reachgraphs', dangling);
    expect([refused.status, refused.body.code]).toEqual([422, 'GRAPH_INVALID']);
    // Still serving.
    const slice = await fetch(`${base}/v1/reachgraphs/${created.body.digest}/slice?cve=CVE-2021-23337`, {
      headers: { authorization: auth },
    });
    expect(((await slice.json()) as { verdict: string }).verdict).toBe('gated');
  });

  it('replays with validation on the worker: match/mismatch, SCHEMA_INVALID, INPUT_INVALID', async () => {
    const inputs = ordersApiInputs();
    const first = await post('/v1/reachgraphs/replay', {
      expectedDigest: `blake3:${'0'.repeat(64)}`,
      inputs,
    });
    expect([first.status, first.body.match]).toEqual([200, false]);
    const again = await post('/v1/reachgraphs/replay', {
      expectedDigest: first.body.computedDigest,
      inputs,
    });
    expect(again.body.match).toBe(true);
    const invalid = await post('/v1/reachgraphs/replay', { expectedDigest: 'nope', inputs });
    expect([invalid.status, invalid.body.code]).toEqual([422, 'SCHEMA_INVALID']);
    const headless = { ...inputs, callgraph: { records: inputs.callgraph.records?.slice(1) } };
    const broken = await post('/v1/reachgraphs/replay', {
      expectedDigest: first.body.computedDigest,
      inputs: headless,
    });
    expect([broken.status, broken.body.code]).toEqual([422, 'INPUT_INVALID']);
  });

  it('makes the CVE core of a large graph stored without one on the worker, after its first cold CVE slice', async () => {
    const large = generateReachGraph({ nodes: 20_000, edges: 60_000, seed: 21 });
    const created = await post('/v1/reachgraphs', large);
    expect(created.status).toBe(201);
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      const coreOf = async () =>
        (
          await owner.query('select core_zst from reachgraph.subgraphs where digest = $1', [
            created.body.digest,
          ])
        ).rows[0].core_zst as Buffer | null;
      const saved = await coreOf();
      expect(saved).not.toBeNull();
      await owner.query('update reachgraph.subgraphs set core_zst = null where digest = $1', [
        created.body.digest,
      ]);
      const res = await fetch(
        `${base}/v1/reachgraphs/${created.body.digest}/slice?cve=${large.scope.cves?.[0]}`,
        { headers: { authorization: auth, 'cache-control': 'no-cache' } },
      );
      expect(res.status).toBe(200);
      let core = await coreOf();
      for (let i = 0; i < 100 && core === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
        core = await coreOf();
      }
      expect(Buffer.compare(saved as Buffer, core as Buffer)).toBe(0);
    } finally {
      await owner.end();
    }
  }, 60_000);

  it('drains and exits 0 on SIGTERM', async () => {
    const done = exited(server);
    server.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });

  it('refuses to start with a bad setting, naming it', async () => {
    const { code, stderr } = await exited(
      run(['serve'], { ...env, REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE: 'lots' }),
    );
    expect(code).toBe(1);
    expect(stderr).toContain('REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE');
    const asOwner = await exited(run(['serve'], { ...env, REACHGRAPH_DATABASE_URL: db.url }));
    expect(asOwner.code).toBe(1);
    expect(asOwner.stderr).toContain('BYPASSRLS');
  });
});
