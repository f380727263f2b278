import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { blake3, type ReachGraph, sha256 } from '@stella-ops/core';
import pg from 'pg';
import { servicesBuilt } from '../e2e/support/processes.js';
import { type FaultStack, startFaultStack } from './support/stack.js';
import { attempt, classify, type Outcome, sleep, Tally, workers } from './support/traffic.js';

/**
 * Issue 10 §1: PostgreSQL connections cut and refused, the S3 server stopped, Redis refused and
 * hung, and `kill -9` of each service mid-write — against both services running as processes.
 * The counts of every attempt and its outcome go to test-artifacts/reliability-faults.json (the
 * figures of RELIABILITY.md).
 */

const repo = new URL('../../', import.meta.url);
const text = (path: string) => readFileSync(new URL(path, repo), 'utf8');
const CALLGRAPH = text('examples/orders-api/callgraph.ndjson');
const FACTS = text('examples/orders-api/runtime-facts.ndjson');
const GRAPH = JSON.parse(text('schemas/examples/reachgraph-min.v1/valid-express-lodash.json')) as ReachGraph;
const CVE = 'CVE-2021-23337';
const OSV = JSON.parse(text('examples/orders-api/osv.json')) as unknown;

/** A distinct call graph per tag (another analyzer `source`, so another digest). */
const callgraphBody = (tag: string) => CALLGRAPH.replace('"source":"', `"source":"${tag}-`);
/** A distinct fact batch per n (another hit count, so another provenance hash). */
const factsBody = (n: number) => FACTS.replace('"hitCount":1,', `"hitCount":${1000 + n},`);
/** A distinct graph per tag (another artifact name, so another digest). */
const graphBody = (tag: string) =>
  JSON.stringify({ ...GRAPH, artifact: { ...GRAPH.artifact, name: `svc.${tag}` } });

interface AckedCallgraph {
  graphId: string;
  digest: string;
  body: string;
}
interface AckedBatch {
  batchId: string;
  provenanceHash: string;
  attestation: unknown;
}

describe('reliability under faults (both services as processes)', () => {
  let stack: FaultStack;
  let admin: pg.Client;
  const tally = new Tally();
  const ackedCallgraphs: AckedCallgraph[] = [];
  const ackedBatches: AckedBatch[] = [];
  /** Every graph body ever sent to ReachGraph by its tag, and the digests acknowledged. */
  const sentGraphs = new Map<string, string>();
  const ackedGraphs = new Set<string>();
  /** Graphs ReachGraph built from Signals' inputs (not sent as bodies). */
  const builtGraphs = new Set<string>();
  let seedGraphId: string;
  let seedDigest: string;
  let baselineSlice: string;

  const signalsHeaders = (
    principal: 'scanner-worker' | 'runtime-agent' | 'policy-engine',
    type?: string,
  ) => ({
    authorization: `Bearer ${stack.signalsToken(principal)}`,
    'accept-encoding': 'identity',
    ...(type ? { 'content-type': type } : {}),
  });
  const rgHeaders = (type?: string) => ({
    authorization: `Bearer ${stack.reachgraphToken()}`,
    'accept-encoding': 'identity',
    ...(type ? { 'content-type': type } : {}),
  });

  const pushCallgraph = async (scenario: string, tag: string, timeoutMs?: number): Promise<Outcome> => {
    const body = callgraphBody(tag);
    const o = tally.add(
      scenario,
      'POST callgraph',
      await attempt(`${stack.signals.url}/signals/callgraphs`, {
        method: 'POST',
        // one key per logical upload, sent again on a retry (so a lost answer is no duplicate)
        headers: {
          ...signalsHeaders('scanner-worker', 'application/x-ndjson'),
          'idempotency-key': `cg-${tag}`,
        },
        body,
        ...(timeoutMs ? { timeoutMs } : {}),
      }),
    );
    if (o.status === 201) {
      const m = JSON.parse(o.body.toString('utf8')) as { graphId: string; digest: string };
      ackedCallgraphs.push({ graphId: m.graphId, digest: m.digest, body });
    }
    return o;
  };
  const pushFacts = async (scenario: string, n: number, timeoutMs?: number): Promise<Outcome> => {
    const o = tally.add(
      scenario,
      'POST runtime-facts',
      await attempt(
        `${stack.signals.url}/signals/runtime-facts?callgraphId=${seedGraphId}&source=faults-${n}`,
        {
          method: 'POST',
          headers: {
            ...signalsHeaders('runtime-agent', 'application/x-ndjson'),
            'idempotency-key': `facts-${n}`,
          },
          body: factsBody(n),
          ...(timeoutMs ? { timeoutMs } : {}),
        },
      ),
    );
    if (o.status === 201) {
      const r = JSON.parse(o.body.toString('utf8')) as {
        provenance: { batchId: string; provenanceHash: string };
        attestation: unknown;
      };
      ackedBatches.push({ ...r.provenance, attestation: r.attestation });
    }
    return o;
  };
  const upsertGraph = async (scenario: string, tag: string, timeoutMs?: number): Promise<Outcome> => {
    const body = graphBody(tag);
    sentGraphs.set(tag, body);
    const o = tally.add(
      scenario,
      'POST reachgraph',
      await attempt(`${stack.reachgraph.url}/v1/reachgraphs`, {
        method: 'POST',
        headers: rgHeaders('application/json'),
        body,
        ...(timeoutMs ? { timeoutMs } : {}),
      }),
    );
    if (o.status === 200 || o.status === 201) {
      ackedGraphs.add((JSON.parse(o.body.toString('utf8')) as { digest: string }).digest);
    }
    return o;
  };
  const slice = async (scenario: string, digest = seedDigest): Promise<Outcome> =>
    tally.add(
      scenario,
      'GET slice',
      await attempt(`${stack.reachgraph.url}/v1/reachgraphs/${digest}/slice?cve=${CVE}`, {
        headers: rgHeaders(),
      }),
    );
  const getCallgraph = async (
    scenario: string,
    graphId = seedGraphId,
    timeoutMs?: number,
  ): Promise<Outcome> =>
    tally.add(
      scenario,
      'GET callgraph',
      await attempt(`${stack.signals.url}/signals/callgraphs/${graphId}`, {
        headers: signalsHeaders('policy-engine'),
        ...(timeoutMs ? { timeoutMs } : {}),
      }),
    );

  /** Every failure during an outage is a 503 problem with Retry-After (or a refused connection
   * while a process is dead); never a 500, never a hang. */
  const expectOnlyAnsweredOrUnavailable = (scenario: string, allowConnectionFailures = false) => {
    const bad = [...tally.classes(scenario)].filter(
      (c) =>
        c !== '2xx' &&
        !(c.startsWith('503 ') && c !== '503 without Retry-After/problem') &&
        !(allowConnectionFailures && c === 'connection failed'),
    );
    expect({ scenario, bad, counts: tally.counts[scenario] }).toEqual({
      scenario,
      bad: [],
      counts: tally.counts[scenario],
    });
  };
  /** Retries `op` until it answers 2xx (at most `ms`); resolves with the time it took. */
  const recovers = async (op: () => Promise<Outcome>, ms = 20_000): Promise<number> => {
    const started = Date.now();
    for (;;) {
      const o = await op();
      if (o.status >= 200 && o.status < 300) return Date.now() - started;
      if (Date.now() - started > ms) throw new Error(`no recovery within ${ms} ms: last ${classify(o)}`);
      await sleep(200);
    }
  };
  /** Waits until `condition` holds (at most 30 s). */
  const until = async (condition: () => boolean) => {
    for (let waited = 0; !condition(); waited += 50) {
      if (waited > 30_000) throw new Error('condition not reached in 30 s');
      await sleep(50);
    }
  };
  const alive = () => {
    for (const svc of [stack.signals, stack.reachgraph]) {
      const child = svc.process().child;
      expect([child.exitCode, child.signalCode]).toEqual([null, null]);
    }
  };
  const recovery: Record<string, number> = {};
  const extra: Record<string, unknown> = {};

  beforeAll(async () => {
    // `pnpm test` builds first; a missing build must fail here, never skip the fault tests.
    if (!servicesBuilt()) throw new Error('services/*/dist is missing: run `pnpm build` first');
    stack = await startFaultStack();
    admin = new pg.Client({ connectionString: stack.signalsDb.url.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    const cg = await pushCallgraph('seed', 'seed');
    expect(cg.status).toBe(201);
    seedGraphId = (ackedCallgraphs[0] as AckedCallgraph).graphId;
    const up = await upsertGraph('seed', 'seed');
    expect(up.status).toBe(201);
    seedDigest = [...ackedGraphs][0] as string;
    const s = await slice('seed');
    expect(s.status).toBe(200);
    baselineSlice = s.body.toString('utf8');
  }, 120_000);

  afterAll(async () => {
    mkdirSync(new URL('test-artifacts/', repo), { recursive: true });
    writeFileSync(
      new URL('test-artifacts/reliability-faults.json', repo),
      `${JSON.stringify({ counts: tally.counts, maxMs: tally.maxMs, recoveryMs: recovery, ...extra }, null, 2)}\n`,
    );
    await admin?.end();
    await stack?.stop();
  });

  it('PostgreSQL connections terminated every 300 ms under writes and slices: only 2xx or 503 + Retry-After, no crash', async () => {
    const scenario = 'pg connections terminated';
    let stop = false;
    const killer = (async () => {
      let kills = 0;
      while (!stop) {
        await sleep(300);
        const { rowCount } = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname in ($1, $2) and pid <> pg_backend_pid()`,
          [stack.signalsDb.name, stack.reachgraphDb.name],
        );
        kills += rowCount ?? 0;
      }
      return kills;
    })();
    const until = Date.now() + 6000;
    await workers(
      3,
      () => Date.now() > until,
      async (w, i) => {
        const n = 100 + w * 1000 + i;
        const op = i % 4;
        if (op === 0) await pushCallgraph(scenario, `cut-${n}`);
        else if (op === 1) await pushFacts(scenario, n);
        else if (op === 2) await upsertGraph(scenario, `cut-${n}`);
        else await slice(scenario);
      },
    );
    stop = true;
    const terminated = await killer;
    extra['pg backends terminated'] = terminated;
    expect(terminated).toBeGreaterThan(0);
    alive();
    expectOnlyAnsweredOrUnavailable(scenario);
    recovery[scenario] = await recovers(() => slice(`${scenario} (after)`));
  });

  it('PostgreSQL refusing connections: 503 DEPENDENCY_UNAVAILABLE with Retry-After, readiness 503, then recovery without restart', async () => {
    const scenario = 'pg down';
    await stack.pg.down();
    try {
      for (let i = 0; i < 2; i++) {
        await pushCallgraph(scenario, `pgdown-${i}`);
        await pushFacts(scenario, 5000 + i);
        await upsertGraph(scenario, `pgdown-${i}`);
        await slice(scenario);
        await getCallgraph(scenario);
      }
      const ready = await attempt(`${stack.reachgraph.url}/readyz`);
      const signalsReady = await attempt(`${stack.signals.url}/readyz`);
      expect([ready.status, signalsReady.status]).toEqual([503, 503]);
    } finally {
      await stack.pg.up();
    }
    alive();
    expectOnlyAnsweredOrUnavailable(scenario);
    const counts = tally.counts[scenario] ?? {};
    // nothing that needs the database can succeed while it is gone
    for (const op of ['POST callgraph', 'POST runtime-facts', 'POST reachgraph', 'GET callgraph'])
      expect(counts[op]?.['2xx'] ?? 0).toBe(0);
    recovery['pg down: signals'] = await recovers(() => pushCallgraph(`${scenario} (after)`, 'pgdown-after'));
    recovery['pg down: reachgraph'] = await recovers(() =>
      upsertGraph(`${scenario} (after)`, 'pgdown-after'),
    );
  });

  it('PostgreSQL hung (connections open, nothing answered): 503 with Retry-After after the query timeout (31 s), never a hang', async () => {
    const scenario = 'pg hung';
    stack.pg.blackhole();
    try {
      await Promise.all([
        pushCallgraph(scenario, 'pghung-0', 45_000),
        pushFacts(scenario, 7000, 45_000),
        upsertGraph(scenario, 'pghung-0', 45_000),
        getCallgraph(scenario, seedGraphId, 45_000),
      ]);
    } finally {
      stack.pg.cut();
      await stack.pg.up();
    }
    alive();
    expectOnlyAnsweredOrUnavailable(scenario);
    recovery['pg hung: signals'] = await recovers(() => pushCallgraph(`${scenario} (after)`, 'pghung-after'));
    recovery['pg hung: reachgraph'] = await recovers(() =>
      upsertGraph(`${scenario} (after)`, 'pghung-after'),
    );
  });

  it('the S3 server stopped: Signals answers 503 BLOB_STORE_UNAVAILABLE with Retry-After, then recovers when it is back', async () => {
    const scenario = 's3 stopped';
    await stack.s3.kill();
    try {
      for (let i = 0; i < 2; i++) {
        await pushCallgraph(scenario, `s3down-${i}`);
        await pushFacts(scenario, 6000 + i);
        await getCallgraph(scenario);
      }
      // ReachGraph keeps its graphs in PostgreSQL: unaffected
      expect((await slice(scenario)).status).toBe(200);
    } finally {
      await stack.s3.restart();
    }
    alive();
    expectOnlyAnsweredOrUnavailable(scenario);
    const counts = tally.counts[scenario] ?? {};
    for (const op of ['POST callgraph', 'POST runtime-facts', 'GET callgraph']) {
      expect(counts[op]?.['2xx'] ?? 0).toBe(0);
      expect(counts[op]?.['503 BLOB_STORE_UNAVAILABLE']).toBe(2);
    }
    recovery['s3 stopped'] = await recovers(() => pushCallgraph(`${scenario} (after)`, 's3down-after'));
  });

  it('Redis refusing connections, then hung: slices stay 200 and byte-identical, writes succeed', async () => {
    for (const [scenario, fault] of [
      ['redis down', () => stack.redis.down()],
      ['redis hung', async () => stack.redis.blackhole()],
    ] as const) {
      await fault();
      try {
        for (let i = 0; i < 3; i++) {
          const s = await slice(scenario);
          expect(s.status).toBe(200);
          expect(s.body.toString('utf8')).toBe(baselineSlice);
          expect(s.ms).toBeLessThan(5000);
        }
        const up = await upsertGraph(scenario, `${scenario.replace(' ', '-')}-1`);
        expect(up.status).toBe(201);
        const fresh = JSON.parse(up.body.toString('utf8')) as { digest: string };
        expect((await slice(scenario, fresh.digest)).status).toBe(200);
      } finally {
        await stack.redis.up();
      }
      alive();
      expectOnlyAnsweredOrUnavailable(scenario);
    }
  });

  it('kill -9 of Signals mid-batch: every acknowledged call graph and batch survives; the restarted process serves them', async () => {
    const scenario = 'signals kill -9';
    const before = ackedCallgraphs.length + ackedBatches.length;
    const unanswered: number[] = [];
    let stop = false;
    const load = workers(
      3,
      () => stop,
      async (w, i) => {
        const n = 20_000 + w * 1000 + i;
        const o = i % 2 === 0 ? await pushCallgraph(scenario, `kill-${n}`) : await pushFacts(scenario, n);
        if (o.status === 0) {
          stop = true;
          unanswered.push(n);
        }
      },
    );
    // mid-batch: after 1.5 s and at least a few acknowledged writes (whatever the machine's speed)
    await sleep(1500);
    await until(() => ackedCallgraphs.length + ackedBatches.length >= before + 4);
    await stack.signals.kill9();
    stop = true;
    await load;
    await stack.signals.start();
    expect(ackedCallgraphs.length + ackedBatches.length).toBeGreaterThan(before);
    expectOnlyAnsweredOrUnavailable(scenario, true);

    // the client retries what got no answer, with the same Idempotency-Key: 201 when the lost
    // write had not committed, 200 with the stored call graph or batch when it had — never twice
    const retried = { stored: 0, alreadyStored: 0 };
    for (const n of unanswered) {
      const retry =
        ((n - 20_000) % 1000) % 2 === 0
          ? await pushCallgraph('signals retry after kill -9', `kill-${n}`)
          : await pushFacts('signals retry after kill -9', n);
      expect([200, 201]).toContain(retry.status);
      retried[retry.status === 201 ? 'stored' : 'alreadyStored']++;
    }
    const db = new pg.Client({ connectionString: stack.signalsDb.url });
    await db.connect();
    try {
      const twice = await db.query<{ n: string }>(
        `select (select count(*) from (select idempotency_key from signals.callgraphs
                  group by tenant_id, idempotency_key having count(*) > 1) c)
              + (select count(*) from (select digest from signals.callgraphs
                  group by digest having count(*) > 1) d) as n`,
      );
      expect(Number(twice.rows[0]?.n)).toBe(0);
      const batchesTwice = await db.query<{ n: string }>(
        `select count(*) as n from (select provenance_hash from signals.runtime_fact_batches
           group by provenance_hash having count(*) > 1) b`,
      );
      expect(Number(batchesTwice.rows[0]?.n)).toBe(0);
      extra['signals retries after kill -9'] = { retried: unanswered.length, ...retried, storedTwice: 0 };
    } finally {
      await db.end();
    }
  });

  it('Signals stopped: ReachGraph builds answer 503 SIGNALS_UNAVAILABLE with Retry-After, slices go on, builds work again once Signals is back', async () => {
    const scenario = 'signals stopped (reachgraph build)';
    const build = () =>
      attempt(`${stack.reachgraph.url}/v1/reachgraphs/build`, {
        method: 'POST',
        headers: rgHeaders('application/json'),
        body: JSON.stringify({
          callgraphId: seedGraphId,
          runtimeFactBatchIds: [],
          vulnerabilities: OSV,
          artifact: { name: 'acme/orders-api', digest: `sha256:${'ab'.repeat(32)}` },
        }),
      });
    await stack.signals.kill9();
    try {
      for (let i = 0; i < 2; i++) {
        tally.add(scenario, 'POST build', await build());
        expect((await slice(scenario)).status).toBe(200);
      }
    } finally {
      await stack.signals.start();
    }
    alive();
    expectOnlyAnsweredOrUnavailable(scenario);
    expect(tally.counts[scenario]?.['POST build']).toEqual({ '503 SIGNALS_UNAVAILABLE': 2 });
    recovery['signals stopped: reachgraph build'] = await recovers(async () => {
      const o = tally.add(`${scenario} (after)`, 'POST build', await build());
      if (o.status === 201) {
        const { digest } = JSON.parse(o.body.toString('utf8')) as { digest: string };
        ackedGraphs.add(digest);
        builtGraphs.add(digest);
      }
      return o;
    });
  });

  it('kill -9 of ReachGraph mid-upsert: every acknowledged graph survives; retrying every graph sent creates no duplicate', async () => {
    const scenario = 'reachgraph kill -9';
    const before = ackedGraphs.size;
    let stop = false;
    const load = workers(
      3,
      () => stop,
      async (w, i) => {
        const n = 30_000 + w * 1000 + i;
        const o = i % 3 === 2 ? await slice(scenario) : await upsertGraph(scenario, `kill-${n}`);
        if (o.status === 0) stop = true;
      },
    );
    await sleep(1500);
    await until(() => ackedGraphs.size >= before + 4);
    await stack.reachgraph.kill9();
    stop = true;
    await load;
    await stack.reachgraph.start();
    expect(ackedGraphs.size).toBeGreaterThan(before);
    expectOnlyAnsweredOrUnavailable(scenario, true);

    // a client retries everything it ever sent: acknowledged ones answer 200 (same digest, nothing
    // new stored); the others are stored now, once
    const acknowledgedBefore = new Set(ackedGraphs);
    for (const [tag] of sentGraphs) {
      const o = await upsertGraph('retry every graph sent', tag);
      expect([200, 201]).toContain(o.status);
      const { digest, created } = JSON.parse(o.body.toString('utf8')) as { digest: string; created: boolean };
      // an acknowledged graph is never stored again (a 200 for an unacknowledged one: its write
      // committed before the process died, only the answer was lost)
      if (acknowledgedBefore.has(digest)) expect([o.status, created]).toEqual([200, false]);
    }
    const db = new pg.Client({ connectionString: stack.reachgraphDb.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string; distinct_digests: string }>(
        'select count(*) as n, count(distinct digest) as distinct_digests from reachgraph.subgraphs',
      );
      const distinct = sentGraphs.size + builtGraphs.size;
      expect(rows[0]).toEqual({ n: String(distinct), distinct_digests: String(distinct) });
    } finally {
      await db.end();
    }
  });

  it('afterwards: every acknowledged call graph, batch and graph is readable and verifies; no index row without its blob', async () => {
    alive();
    const verify = async (envelope: unknown) =>
      attempt(`${stack.signals.url}/signals/verify`, {
        method: 'POST',
        headers: signalsHeaders('policy-engine', 'application/json'),
        body: JSON.stringify({ envelope }),
      });
    for (const cg of ackedCallgraphs) {
      const got = await getCallgraph('audit', cg.graphId);
      expect([cg.graphId, got.status]).toEqual([cg.graphId, 200]);
      expect(sha256(got.body)).toBe(cg.digest);
      const m = await attempt(`${stack.signals.url}/signals/callgraphs/${cg.graphId}/manifest`, {
        headers: signalsHeaders('policy-engine'),
      });
      const { envelope } = JSON.parse(m.body.toString('utf8')) as { envelope: unknown };
      expect((await verify(envelope)).status).toBe(200);
    }
    for (const b of ackedBatches) {
      const got = tally.add(
        'audit',
        'GET runtime-facts',
        await attempt(`${stack.signals.url}/signals/runtime-facts/${b.batchId}`, {
          headers: signalsHeaders('policy-engine'),
        }),
      );
      expect([b.batchId, got.status]).toEqual([b.batchId, 200]);
      expect(sha256(got.body)).toBe(b.provenanceHash);
      expect((await verify(b.attestation)).status).toBe(200);
    }
    for (const digest of ackedGraphs) {
      const got = tally.add(
        'audit',
        'GET reachgraph',
        await attempt(`${stack.reachgraph.url}/v1/reachgraphs/${digest}`, { headers: rgHeaders() }),
      );
      expect([digest, got.status]).toEqual([digest, 200]);
      expect(await blake3(got.body)).toBe(digest);
    }

    // every index row — acknowledged or not (a write cut after its commit) — has its blob
    const db = new pg.Client({ connectionString: stack.signalsDb.url });
    await db.connect();
    try {
      const graphs = await db.query<{ graph_id: string }>('select graph_id from signals.callgraphs');
      const batches = await db.query<{ batch_id: string }>(
        'select batch_id from signals.runtime_fact_batches',
      );
      for (const { graph_id } of graphs.rows)
        expect([graph_id, (await getCallgraph('audit', graph_id)).status]).toEqual([graph_id, 200]);
      for (const { batch_id } of batches.rows) {
        const got = tally.add(
          'audit',
          'GET runtime-facts',
          await attempt(`${stack.signals.url}/signals/runtime-facts/${batch_id}`, {
            headers: signalsHeaders('policy-engine'),
          }),
        );
        expect([batch_id, got.status]).toEqual([batch_id, 200]);
      }
      extra['index rows'] = {
        signals: { callgraphs: graphs.rowCount ?? 0, batches: batches.rowCount ?? 0 },
        acknowledged: {
          callgraphs: ackedCallgraphs.length,
          batches: ackedBatches.length,
          graphs: ackedGraphs.size,
        },
      };
    } finally {
      await db.end();
    }
    expect(tally.classes('audit')).toEqual(new Set(['2xx']));
  });
});
