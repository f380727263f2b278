/**
 * ReachGraph HTTP benchmark (not a test): starts the built service (`services/reachgraph/dist`) as
 * child processes against the local PostgreSQL and Redis, loads generated graphs of 10k/30k and
 * 100k/300k nodes/edges, and measures P50/P95/P99 of upserts, full-graph GETs, slices (cached,
 * warm = graph in memory, cold = graph decoded from Postgres per request) and replays, with the same
 * CVE slice answered by a Postgres `WITH RECURSIVE` query as the baseline. Writes the table to
 * bench/results/reachgraph.txt.
 *
 *   pnpm exec turbo run build --filter=@stella-ops/reachgraph-service...
 *   node bench/reachgraph/run.mjs [--sizes small,large] [--quick] [--service <dir>] [--out <file>]
 *
 * `--service` runs another build of the service (a checkout of an earlier commit, built) for a
 * before/after comparison under the same machine load; `--out` writes the table elsewhere.
 * Besides wall-clock latency, each row reports the server process's CPU time per request
 * (/proc/<pid>/stat, all threads, 10 ms ticks, averaged over the row): on a shared machine it is
 * far less disturbed by other work than latency is.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ADMIN_URL, benchAuth, cpuCalibration, dropRedisKeys, scratchDatabase } from './bench-env.mjs';
import { toCallgraphInputs } from './inputs.mjs';
import { load, summarize } from './load.mjs';

const root = new URL('../../', import.meta.url);
const argValue = (name) => {
  const args = process.argv.slice(2);
  const inline = args.find((a) => a.startsWith(`${name}=`));
  if (inline) return inline.slice(name.length + 1);
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const serviceArg = argValue('--service');
const serviceDir = serviceArg
  ? pathToFileURL(`${serviceArg.replace(/\/$/, '')}/`)
  : new URL('services/reachgraph/', root);
const outFile = argValue('--out') ?? fileURLToPath(new URL('bench/results/reachgraph.txt', root));
const requireFromService = createRequire(new URL('package.json', serviceDir));
const importFromService = async (spec) => import(pathToFileURL(requireFromService.resolve(spec)).href);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const sizesArg = argValue('--sizes') ?? 'small,large';
const SIZES = {
  small: { label: '10k/30k', nodes: 10_000, edges: 30_000 },
  large: { label: '100k/300k', nodes: 100_000, edges: 300_000 },
};
const scale = (small, large, size) =>
  Math.max(3, Math.round((size === 'small' ? small : large) / (quick ? 5 : 1)));

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a benchmark setting, not a build input
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pg = requireFromService('pg');
const { Redis } = await importFromService('ioredis');
const { generateReachGraph, buildReachGraph, createGraph, sliceGraph } =
  await importFromService('@stella-ops/graph');

// ---- auth: an ES256 JWT signed with a key made for this run ----
const auth = benchAuth();
const AUTH = auth.token();

// ---- database and servers ----
const { dbName, admin, ownerUrl, appUrl } = await scratchDatabase(pg, 'bench');
const redisPrefix = `bench:reachgraph:${process.pid}:`;

// The service runs with the Node options its own image sets (the checkout's
// deploy/docker/reachgraph.Dockerfile, so an older build runs as it was deployed).
const dockerfile = new URL('../../deploy/docker/reachgraph.Dockerfile', serviceDir);
const imageNodeOptions = existsSync(dockerfile)
  ? (/^ENV .*\bNODE_OPTIONS=(\S+)/m.exec(readFileSync(dockerfile, 'utf8'))?.[1] ?? '')
  : '';

const children = [];
function runBin(command, env) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('dist/bin.js', serviceDir)), command], {
    env: { ...process.env, NODE_OPTIONS: imageNodeOptions, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  return child;
}

const baseEnv = {
  REACHGRAPH_HOST: '127.0.0.1',
  REACHGRAPH_DATABASE_URL: appUrl.toString(),
  REACHGRAPH_MIGRATE_DATABASE_URL: ownerUrl.toString(),
  REACHGRAPH_REDIS_URL: REDIS_URL,
  REACHGRAPH_REDIS_PREFIX: redisPrefix,
  ...auth.env,
  REACHGRAPH_LOG_LEVEL: 'warn',
  REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE: '100000000',
  REACHGRAPH_RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
  REACHGRAPH_DB_POOL_MAX: '8',
};

/** Server process id by base URL, for its CPU time. */
const serverPids = new Map();

/** User + system CPU time of a process, all threads, in ms (10 ms ticks). */
function processCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function startServer(port, extraEnv = {}) {
  const child = runBin('serve', { ...baseEnv, REACHGRAPH_PORT: String(port), ...extraEnv });
  const base = `http://127.0.0.1:${port}`;
  serverPids.set(base, child.pid);
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return base;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not start`);
}

/** {@link load} plus the server's mean CPU time per request (`cpu`, ms). */
async function loadWithCpu(base, opts) {
  const pid = serverPids.get(base);
  const before = processCpuMs(pid);
  const stats = await load(base, opts);
  return { ...stats, cpu: (processCpuMs(pid) - before) / stats.n };
}

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await dropRedisKeys(Redis, REDIS_URL, redisPrefix);
  const dropper = new pg.Client({ connectionString: ADMIN_URL });
  dropper.on('error', () => {});
  try {
    await dropper.connect();
    await dropper.query(`drop database if exists ${dbName} with (force)`);
  } finally {
    await dropper.end().catch(() => {});
    await admin.end().catch(() => {});
  }
}

// Stopped early (Ctrl-C, SIGTERM): still stop the servers and drop the database and keys.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

const loadAtStart = os
  .loadavg()
  .map((v) => v.toFixed(1))
  .join(' ');
const calibrationAtStart = cpuCalibration();
const rows = [];
const ms = (v) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-');
function record(size, op, stats, target) {
  const ok = target === undefined ? '' : stats.p95 <= target ? 'ok' : 'MISS';
  rows.push({ size, op, ...stats, target, ok });
  process.stdout.write(
    `${size.padEnd(10)} ${op.padEnd(40)} n=${String(stats.n).padStart(5)} p50=${ms(stats.p50).padStart(8)} p95=${ms(stats.p95).padStart(8)} p99=${ms(stats.p99).padStart(8)} ms cpu/req=${ms(stats.cpu).padStart(7)} ${target === undefined ? '' : `(target p95 ≤ ${target} ms: ${ok})`}\n`,
  );
}

try {
  await new Promise((resolve, reject) => {
    runBin('migrate', baseEnv).once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`migrate exited ${code}`)),
    );
  });
  const warmBase = await startServer(18_200);
  const coldBase = await startServer(18_201, { REACHGRAPH_GRAPH_LRU_BYTES: '1' });
  const owner = new pg.Client({ connectionString: ownerUrl.toString() });
  owner.on('error', (err) => process.stderr.write(`owner connection: ${err.message}\n`));
  await owner.connect();
  const json = (body) => ({
    'content-type': 'application/json',
    authorization: AUTH,
    'content-length': Buffer.byteLength(body),
  });
  const get =
    (path, headers = {}) =>
    () => ({ path, headers: { authorization: AUTH, ...headers } });

  for (const size of sizesArg.split(',')) {
    const spec = SIZES[size];
    if (!spec) throw new Error(`unknown size ${size}`);
    const t0 = performance.now();
    const graph = generateReachGraph({ nodes: spec.nodes, edges: spec.edges, seed: 7 });
    graph.artifact.name = 'bench-artifact-000000';
    const body = JSON.stringify(graph);
    process.stdout.write(
      `\n== ${spec.label}: ${graph.nodes.length} nodes, ${graph.edges.length} edges, ${(body.length / 1e6).toFixed(1)} MB JSON (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
    );

    // Upsert: every request a new graph (another artifact name → another digest), so each is a full create.
    const variants = (i) =>
      body.replace('bench-artifact-000000', `bench-artifact-${String(i + 1).padStart(6, '0')}`);
    const upserts = scale(25, 6, size);
    const upsertTarget = size === 'small' ? 150 : 2500;
    // A freshly started server compiles its upload path on the first few requests: those are a row
    // of their own, not part of the steady-state figure the target is about.
    // `requests` uploads of graphs not stored yet, the first named by `first`.
    const newGraphs = (requests, first) =>
      loadWithCpu(warmBase, {
        requests,
        make: (i) => {
          // Bytes, as a client uploading a file sends them: encoding a JS string is not the server's time.
          const b = Buffer.from(variants(first + i));
          return { method: 'POST', path: '/v1/reachgraphs', headers: json(b), body: b };
        },
        expect: [201],
      });
    const numbering = size === 'small' ? 0 : 1000;
    record(
      spec.label,
      'upsert (201, new graph), warm-up before that row',
      await newGraphs(scale(3, 1, size), numbering + 500),
    );
    record(spec.label, 'upsert (201, new graph)', await newGraphs(upserts, numbering), upsertTarget);
    const created = await fetch(`${warmBase}/v1/reachgraphs`, { method: 'POST', headers: json(body), body });
    const { digest } = await created.json();
    // The same graph again: other bytes (trailing whitespace) go through parse, validation and
    // hashing; identical bytes are recognised by their sha256.
    record(
      spec.label,
      'upsert (200, same graph, other bytes)',
      await loadWithCpu(warmBase, {
        requests: scale(10, 4, size),
        make: (i) => {
          const b = Buffer.from(`${body}${' '.repeat(i + 1)}`);
          return { method: 'POST', path: '/v1/reachgraphs', headers: json(b), body: b };
        },
      }),
    );
    const bodyBytes = Buffer.from(body);
    record(
      spec.label,
      'upsert (200, identical bytes)',
      await loadWithCpu(warmBase, {
        requests: scale(20, 10, size),
        make: () => ({ method: 'POST', path: '/v1/reachgraphs', headers: json(bodyBytes), body: bodyBytes }),
      }),
    );

    // Full graph.
    for (const [encoding, n] of [
      ['zstd', scale(60, 20, size)],
      ['gzip', scale(15, 6, size)],
      ['identity', scale(15, 6, size)],
    ]) {
      record(
        spec.label,
        `GET full graph (${encoding})`,
        await loadWithCpu(warmBase, {
          requests: n,
          make: get(`/v1/reachgraphs/${digest}`, { 'accept-encoding': encoding }),
        }),
        encoding === 'zstd' ? 500 : undefined,
      );
    }

    // CVE slices of the graph's CVEs by size: the median one ("typical") and the largest.
    const sized = [];
    for (const c of graph.scope.cves ?? []) {
      const r = await (
        await fetch(`${warmBase}/v1/reachgraphs/${digest}/slice?cve=${c}&limit=1000`, {
          headers: { authorization: AUTH },
        })
      ).json();
      if ((r.counts.paths ?? 0) > 0)
        sized.push({ cve: c, nodes: r.counts.nodes, edges: r.counts.edges, paths: r.counts.paths });
    }
    sized.sort((x, y) => x.nodes - y.nodes || (x.cve < y.cve ? -1 : 1));
    const picks = [
      ['typical', sized[Math.floor((sized.length - 1) / 2)]],
      ['largest', sized[sized.length - 1]],
    ];
    const engineGraph = createGraph(graph, { digest });
    const noCache = { 'cache-control': 'no-cache' };
    let warm;
    let cve;
    for (const [kind, pick] of picks) {
      const path = `/v1/reachgraphs/${digest}/slice?cve=${pick.cve}`;
      const first = await (await fetch(`${warmBase}${path}`, { headers: { authorization: AUTH } })).json();
      process.stdout.write(
        `${kind} CVE ${pick.cve}: ${pick.nodes} nodes, ${pick.edges} edges, ${pick.paths} paths in the slice; first page ${first.paths.length} paths, ${first.nodes.length} nodes\n`,
      );
      const label = `CVE slice ${kind} (${pick.nodes} n/${pick.paths} paths)`;
      const targets = size === 'large' && kind === 'typical' ? { cached: 3, warm: 25, cold: 60 } : {};
      record(
        spec.label,
        `${label}, cached`,
        await loadWithCpu(warmBase, { requests: scale(2000, 1000, size), make: get(path) }),
        targets.cached,
      );
      const w = await loadWithCpu(warmBase, { requests: scale(150, 100, size), make: get(path, noCache) });
      record(spec.label, `${label}, warm`, w, targets.warm);
      // The cold instance compiles its slice path on its first requests (graph or core read, decode,
      // engine): a row of their own, as for upserts. Its 1-byte LRU keeps nothing between requests.
      record(
        spec.label,
        `${label}, cold, warm-up before that row`,
        await loadWithCpu(coldBase, { requests: 3, make: get(path, noCache) }),
      );
      record(
        spec.label,
        `${label}, cold`,
        await loadWithCpu(coldBase, { requests: scale(60, 40, size), make: get(path, noCache) }),
        targets.cold,
      );
      const engine = [];
      for (let i = 0; i < scale(30, 20, size); i++) {
        const t = performance.now();
        sliceGraph(engineGraph, { type: 'cve', cve: pick.cve }, { maxNodes: 50_000, maxPaths: 1000 });
        engine.push(performance.now() - t);
      }
      record(spec.label, `${label}: engine alone, in process`, summarize(engine));
      if (kind === 'typical') {
        warm = w;
        cve = pick.cve;
      }
    }

    const dependency = graph.nodes.find((n) => n.isSink)?.purl ?? graph.nodes[graph.nodes.length - 1].purl;
    const entry = graph.nodes.find((n) => n.isEntrypoint)?.id;
    const file = graph.nodes.find((n) => n.isSink)?.file ?? '**';
    for (const [label, path] of [
      [
        'package slice (depth 2), warm',
        `/v1/reachgraphs/${digest}/slice?q=${encodeURIComponent(dependency)}&depth=2`,
      ],
      [
        'entrypoint slice (depth 3), warm',
        `/v1/reachgraphs/${digest}/slice?entrypoint=${encodeURIComponent(entry)}&depth=3`,
      ],
      [
        'file slice, warm',
        `/v1/reachgraphs/${digest}/slice?file=${encodeURIComponent(`${file.split('/').slice(0, -1).join('/')}/*`)}`,
      ],
    ]) {
      record(
        spec.label,
        label,
        await loadWithCpu(warmBase, { requests: scale(60, 30, size), make: get(path, noCache) }),
      );
    }

    // Replay: the graph rebuilt from call-graph records, runtime facts and sinks.
    const inputs = toCallgraphInputs(graph);
    const rebuilt = buildReachGraph(inputs);
    const rebuiltBody = JSON.stringify(rebuilt);
    const stored = await (
      await fetch(`${warmBase}/v1/reachgraphs`, {
        method: 'POST',
        headers: json(rebuiltBody),
        body: rebuiltBody,
      })
    ).json();
    const replayBody = JSON.stringify({ expectedDigest: stored.digest, inputs });
    const check = await (
      await fetch(`${warmBase}/v1/reachgraphs/replay`, {
        method: 'POST',
        headers: json(replayBody),
        body: replayBody,
      })
    ).json();
    if (!check.match) throw new Error(`replay did not match: ${JSON.stringify(check.diff)}`);
    const replayBytes = Buffer.from(replayBody);
    record(
      spec.label,
      `replay (match; ${(replayBody.length / 1e6).toFixed(0)} MB inputs)`,
      await loadWithCpu(warmBase, {
        requests: scale(8, 5, size),
        make: () => ({
          method: 'POST',
          path: '/v1/reachgraphs/replay',
          headers: json(replayBytes),
          body: replayBytes,
        }),
      }),
      size === 'large' ? 3000 : undefined,
    );

    // Baselines: the same CVE slice by recursive SQL over node/edge tables. "Like for like" returns
    // what the engine computes before it picks paths — the slice's subgraph, its nodes and its edges
    // (bench/graph's baseline too); "node count" only counts its nodes (a lower bound on any SQL
    // answer). Neither enumerates paths or explains edges, which the HTTP answer also does.
    const index = new Map(graph.nodes.map((n, i) => [n.id, i]));
    await owner.query('drop table if exists bench_nodes, bench_edges');
    await owner.query(
      'create table bench_nodes (id int primary key, is_entry boolean not null, cves text[] not null)',
    );
    await owner.query('create table bench_edges (src int not null, dst int not null)');
    const chunk = 20_000;
    for (let s = 0; s < graph.nodes.length; s += chunk) {
      const part = graph.nodes.slice(s, s + chunk);
      await owner.query(
        "insert into bench_nodes select id, e, case when c = '' then '{}'::text[] else string_to_array(c, ',') end from unnest($1::int[], $2::boolean[], $3::text[]) as t(id, e, c)",
        [
          part.map((_, i) => s + i),
          part.map((n) => n.isEntrypoint === true),
          part.map((n) => (n.cves ?? []).join(',')),
        ],
      );
    }
    for (let s = 0; s < graph.edges.length; s += chunk) {
      const part = graph.edges.slice(s, s + chunk);
      await owner.query('insert into bench_edges select * from unnest($1::int[], $2::int[])', [
        part.map((e) => index.get(e.from)),
        part.map((e) => index.get(e.to)),
      ]);
    }
    // One-column indexes: the baseline's fastest layout here (with (src, dst) and (dst, src) the
    // planner's recursive joins took 3–4× longer at 10k/30k; with all four, the same as these).
    await owner.query('create index on bench_edges (src)');
    await owner.query('create index on bench_edges (dst)');
    await owner.query('analyze bench_nodes, bench_edges');
    const reach = `
      with recursive fwd(id) as (
        select id from bench_nodes where is_entry
        union select e.dst from bench_edges e join fwd on e.src = fwd.id),
      bwd(id) as (
        select id from bench_nodes where $1 = any(cves)
        union select e.src from bench_edges e join bwd on e.dst = bwd.id)`;
    const queries = [
      [
        'like for like: subgraph nodes + edges',
        `${reach}, sub as (select id from fwd intersect select id from bwd)
        select 0 as k, id as a, null::int as b from sub
        union all
        select 1, e.src, e.dst from bench_edges e join sub s on e.src = s.id join sub d on e.dst = d.id`,
        (r) => {
          const nodes = r.rows.filter((x) => x.k === 0).length;
          return `${nodes} nodes, ${r.rows.length - nodes} edges`;
        },
      ],
      [
        'node count',
        `${reach} select count(*)::int as n from fwd join bwd using (id)`,
        (r) => `${r.rows[0].n} nodes`,
      ],
    ];
    for (const [name, sql, describe] of queries) {
      const baseline = [];
      let answer = '';
      await owner.query(sql, [cve]);
      for (let i = 0; i < scale(15, 8, size); i++) {
        const t = performance.now();
        answer = describe(await owner.query(sql, [cve]));
        baseline.push(performance.now() - t);
      }
      const base = summarize(baseline);
      record(spec.label, `baseline: WITH RECURSIVE, ${name} (${answer})`, base);
      const ratio = base.p95 / warm.p95;
      rows.push({
        size: spec.label,
        op: `speed-up: SQL ${name.split(':')[0]} p95 / typical warm p95`,
        ratio,
        target: name.startsWith('like') ? 50 : undefined,
      });
      process.stdout.write(
        `${spec.label} speed-up (p95 SQL, ${name} / p95 warm slice): ${ratio.toFixed(0)}×\n`,
      );
    }
  }
  await owner.end();

  const loadAtEnd = os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
  const lines = [
    'ReachGraph HTTP benchmark (bench/reachgraph/run.mjs)',
    `load average at the start ${loadAtStart}, at the end ${loadAtEnd} (2 cores shared with other work: expect noise)`,
    `host speed: a fixed 1e8-step integer loop took ${calibrationAtStart.toFixed(0)} ms at the start, ${cpuCalibration().toFixed(0)} ms at the end (lower is faster)`,
    `date ${new Date().toISOString()}  node ${process.version}  ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}  ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB${quick ? '  (--quick)' : ''}`,
    'one client, keep-alive, sequential requests; latency = request written → last byte read; ms',
    'cached = answered from Redis; warm = graph decoded in the LRU, caches bypassed (Cache-Control: no-cache);',
    'cold = a second instance with a 1-byte LRU: every request reads the binary graph from Postgres and decodes it',
    "cpu/req = the server process's CPU time per request (user + system, all threads, mean over the row, 10 ms ticks)",
    ...(serviceArg ? [`service build: ${fileURLToPath(serviceDir)}`] : []),
    '',
    `${'size'.padEnd(10)} ${'operation'.padEnd(44)} ${'n'.padStart(5)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'cpu/req'.padStart(8)}  target(p95)`,
  ];
  for (const r of rows) {
    if (r.ratio !== undefined) {
      lines.push(
        `${r.size.padEnd(10)} ${r.op.padEnd(44)} ${`${r.ratio.toFixed(0)}×`.padStart(41)}  ${r.target === undefined ? '' : `≥ ${r.target}× ${r.ratio >= r.target ? 'ok' : 'MISS'}`}`,
      );
      continue;
    }
    lines.push(
      `${r.size.padEnd(10)} ${r.op.padEnd(44)} ${String(r.n).padStart(5)} ${ms(r.p50).padStart(8)} ${ms(r.p95).padStart(8)} ${ms(r.p99).padStart(8)} ${ms(r.cpu).padStart(8)}  ${r.target === undefined ? '' : `≤ ${r.target} ${r.ok}`}`,
    );
  }
  const text = `${lines.join('\n')}\n`;
  mkdirSync(new URL('bench/results/', root), { recursive: true });
  if (!quick) writeFileSync(outFile, text);
  process.stdout.write(`\n${text}`);
} finally {
  await cleanup();
}
