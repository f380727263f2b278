/**
 * Cold and cached CVE slices of the ReachGraph service, profiled (not a test, not the full HTTP
 * bench). Generates a graph (100k/300k by default), stores it through the service's own indexing
 * and store in a scratch PostgreSQL database, then:
 *
 * 1. in process, times each step of a cold slice of the typical CVE (the median CVE by slice size):
 *    the SELECT of the binary blob, zstd decompression, decode (with its integrity checks), the
 *    slice, and the JSON of the page; then the whole cold load through the service's GraphCache
 *    with a 1-byte LRU (what a cold request does, without HTTP). Wall and process CPU per step.
 * 2. over HTTP, against the built service started as child processes (like run.mjs): the same
 *    slice cold (a 1-byte graph LRU, `Cache-Control: no-cache`) and cached (Redis), with the server
 *    process's CPU time per request.
 *
 *   node bench/reachgraph/cold-profile.mjs [--service <dir>] [--nodes 100000 --edges 300000]
 *        [--iterations 30] [--cold 40] [--warm 200] [--cached 1000] [--no-http]
 *        [--idle-before-cold <ms>] (let the cold instance idle first, as in the HTTP bench)
 *
 * `--service` profiles another build (an earlier commit, checked out and built) for a before/after
 * comparison under the same machine load. Add `--cpu-prof` to node for a V8 profile of part 1.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchAuth, cpuCalibration, dropRedisKeys, scratchDatabase } from './bench-env.mjs';
import { load, summarize } from './load.mjs';

const root = new URL('../../', import.meta.url);
const args = process.argv.slice(2);
const argValue = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const serviceArg = argValue('--service');
const serviceDir = serviceArg
  ? pathToFileURL(`${serviceArg.replace(/\/$/, '')}/`)
  : new URL('services/reachgraph/', root);
const NODES = Number(argValue('--nodes', '100000'));
const EDGES = Number(argValue('--edges', '300000'));
const ITERATIONS = Number(argValue('--iterations', '30'));
const COLD_REQUESTS = Number(argValue('--cold', '40'));
const CACHED_REQUESTS = Number(argValue('--cached', '1000'));
const WARM_REQUESTS = Number(argValue('--warm', '200'));
const IDLE_BEFORE_COLD = Number(argValue('--idle-before-cold', '0'));
const HTTP = !args.includes('--no-http');
/** Extra node arguments for the servers, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (space separated). */
const SERVER_NODE_ARGS = (argValue('--server-node-args', '') ?? '').split(' ').filter(Boolean);
const TENANT = 'bench';

const requireFromService = createRequire(new URL('package.json', serviceDir));
const importFromService = async (spec) => import(pathToFileURL(requireFromService.resolve(spec)).href);
const importDist = async (path) => import(new URL(`dist/${path}`, serviceDir).href);

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a benchmark setting, not a build input
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const pg = requireFromService('pg');
const { Redis } = await importFromService('ioredis');
const { generateReachGraph, sliceGraph } = await importFromService('@stella-ops/graph');
const { migrate, PgGraphStore } = await importDist('index.js');
const engine = await importDist('engine.js');
const { zstdCompress, zstdDecompress } = await importDist('zstd.js');
const { GraphCache } = await importDist('store/graph-cache.js');
const { createServiceMetrics } = await importDist('metrics.js');
const { paginate } = await importDist('slice/paginate.js');
const { parseSliceRequest } = await importDist('slice/query.js');
const { Registry } = await importFromService('prom-client');

const LIMITS = { maxNodes: 50_000, maxPaths: 1000 };
// Older builds ignore `answer` (the answer limits a slice cache key includes).
const PAGE = { defaultLimit: 100, maxLimit: 1000, answer: LIMITS };

// ---- scratch database, app role pool ----
const { dbName, admin, ownerUrl, appUrl } = await scratchDatabase(pg, 'coldprof');
const redisPrefix = `bench:coldprof:${process.pid}:`;
const children = [];
let pool;

async function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  await pool?.end().catch(() => {});
  await dropRedisKeys(Redis, REDIS_URL, redisPrefix);
  await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end().catch(() => {});
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

const ms = (v) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '-').padStart(7);
const out = (line) => process.stdout.write(`${line}\n`);
function row(label, stats) {
  const size =
    stats.bytesPerRequest === undefined ? '' : `  ${(stats.bytesPerRequest / 1024).toFixed(1)} KiB`;
  out(
    `${label.padEnd(44)} n=${String(stats.n).padStart(4)} p50=${ms(stats.p50)} p95=${ms(stats.p95)} p99=${ms(stats.p99)} ms  cpu/req=${ms(stats.cpu)}${size}`,
  );
}

/** Runs `fn` `n` times; wall per run and mean process CPU (user + system, ms) per run. */
async function measure(n, fn) {
  const walls = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    walls.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  return { ...summarize(walls), cpu: (cpu.user + cpu.system) / 1000 / n };
}

/** User + system CPU time of a process, all threads, in ms (10 ms ticks). */
function processCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Generates the graph, stores it as the service's upsert would, and picks the typical CVE (the
 * median of the graph's CVEs with paths, by slice size, as run.mjs picks it). The document and its
 * forms are dropped on return: a live 100k-node document (~90 MB of heap) would make every garbage
 * collection of the measurements below far dearer than a server's.
 */
async function storeGraph(store) {
  const t0 = performance.now();
  const doc = generateReachGraph({ nodes: NODES, edges: EDGES, seed: 7 });
  doc.artifact.name = 'bench-artifact-000000';
  const digested = await engine.digestGraph(doc);
  const indexed = await engine.indexDocument(digested.doc, digested.digest);
  const index = {
    nodeCount: indexed.nodeCount,
    edgeCount: indexed.edgeCount,
    binaryZst: indexed.binaryZst,
    binarySize: indexed.binary.length,
    // Builds since the CVE core store it too (cold CVE slices read it).
    ...(indexed.coreZst ? { coreZst: indexed.coreZst } : {}),
    purls: indexed.purls,
    cves: indexed.cves,
  };
  // Both shapes of NewGraph: the index inline (older builds) and as a promise (`index`, since 367ac41).
  await store.insert(TENANT, {
    digest: digested.digest,
    artifact: digested.doc.artifact,
    canonicalZst: zstdCompress(digested.canonical),
    canonicalSize: digested.canonical.length,
    signatures: [],
    createdBy: 'bench',
    ...index,
    // Builds since the lookups moved to the request thread take them on their own.
    ...(engine.lookupKeys ? { lookups: engine.lookupKeys(digested.doc) } : {}),
    index: Promise.resolve(index),
  });
  out(
    `graph ${NODES}/${EDGES}: binary ${(indexed.binary.length / 1e6).toFixed(1)} MB, stored ${(indexed.binaryZst.length / 1e6).toFixed(1)} MB (set up in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const warmGraph = engine.compactGraph(indexed.binary);
  const sized = [];
  for (const cve of doc.scope.cves ?? []) {
    const r = sliceGraph(warmGraph, { type: 'cve', cve }, LIMITS);
    if ((r.counts.paths ?? 0) > 0) sized.push({ cve, nodes: r.counts.nodes, paths: r.counts.paths });
  }
  sized.sort((x, y) => x.nodes - y.nodes || (x.cve < y.cve ? -1 : 1));
  return { digest: digested.digest, pick: sized[Math.floor((sized.length - 1) / 2)] };
}

try {
  await migrate(ownerUrl.toString(), 'reachgraph_app');
  pool = new pg.Pool({ connectionString: appUrl.toString(), max: 4 });
  const store = new PgGraphStore(pool);

  out(`cold/cached slice profile of ${fileURLToPath(serviceDir)}`);
  out(
    `date ${new Date().toISOString()}  node ${process.version}  load ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}  host speed ${cpuCalibration().toFixed(0)} ms (fixed 1e8-step loop; lower is faster)`,
  );
  const { digest, pick } = await storeGraph(store);
  out(`typical CVE ${pick.cve}: ${pick.nodes} nodes, ${pick.paths} paths`);
  const request = parseSliceRequest({ cve: pick.cve }, PAGE);
  const sliceOpts = { ...LIMITS, pathPage: { offset: request.offset, limit: request.limit } };
  const answer = (graph) =>
    JSON.stringify(
      paginate(
        engine.runSlice(graph, request.query, sliceOpts),
        request.limit,
        request.offset,
        request.queryHash,
      ),
    );

  // ---- 1. in process, step by step ----
  out('\n-- in process (wall ms per step; cpu = this process, ms per step) --');
  const compressed = await store.binaryZst(TENANT, digest);
  const decompressed = zstdDecompress(compressed, 2 ** 32 - 1);
  const verify = engine.hasContentChecksum?.(compressed) ? 'ranges' : 'checksum';
  const { decodeGraph } = await importFromService('@stella-ops/graph');
  for (let i = 0; i < 3; i++) answer(decodeGraph(decompressed, { verify }));
  row('SELECT binary blob (COPY)', await measure(ITERATIONS, () => store.binaryZst(TENANT, digest)));
  row('zstd decompress', await measure(ITERATIONS, () => zstdDecompress(compressed, 2 ** 32 - 1)));
  row(`decode (verify: ${verify})`, await measure(ITERATIONS, () => decodeGraph(decompressed, { verify })));
  row(
    'slice + page JSON on a fresh decode',
    await measure(ITERATIONS, async () => {
      const g = decodeGraph(decompressed, { verify });
      return answer(g);
    }),
  );
  const registry = new Registry();
  const metrics = createServiceMetrics(registry);
  const cold = new GraphCache(store, 1, metrics);
  row(
    'cold total: GraphCache(1 B).load + slice + JSON',
    await measure(ITERATIONS, async () => answer((await cold.load(TENANT, digest)).graph)),
  );
  const warm = new GraphCache(store, 2 ** 31, metrics);
  await warm.load(TENANT, digest);
  row(
    'warm total: GraphCache.load + slice + JSON',
    await measure(ITERATIONS, async () => answer((await warm.load(TENANT, digest)).graph)),
  );

  // ---- 2. over HTTP ----
  if (HTTP) {
    const auth = benchAuth();
    const AUTH = auth.token({ tenant: TENANT, scope: 'reachgraph:read' });
    const env = {
      ...process.env,
      REACHGRAPH_HOST: '127.0.0.1',
      REACHGRAPH_DATABASE_URL: appUrl.toString(),
      REACHGRAPH_REDIS_URL: REDIS_URL,
      REACHGRAPH_REDIS_PREFIX: redisPrefix,
      ...auth.env,
      REACHGRAPH_LOG_LEVEL: 'warn',
      REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE: '100000000',
      REACHGRAPH_DB_POOL_MAX: '8',
    };
    const start = async (port, extra) => {
      const child = spawn(
        process.execPath,
        [...SERVER_NODE_ARGS, fileURLToPath(new URL('dist/bin.js', serviceDir)), 'serve'],
        {
          env: { ...env, REACHGRAPH_PORT: String(port), ...extra },
          stdio: ['ignore', 'inherit', 'inherit'],
        },
      );
      children.push(child);
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 200; i++) {
        try {
          if ((await fetch(`${base}/healthz`)).ok) return { base, pid: child.pid };
        } catch {
          // not yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`server on ${port} did not start`);
    };
    const withCpu = async (server, opts) => {
      const before = processCpuMs(server.pid);
      const stats = await load(server.base, opts);
      return { ...stats, cpu: (processCpuMs(server.pid) - before) / stats.n };
    };
    const port = 18_300 + (process.pid % 500) * 2;
    const warmServer = await start(port, {});
    const coldServer = await start(port + 1, { REACHGRAPH_GRAPH_LRU_BYTES: '1' });
    const path = `/v1/reachgraphs/${digest}/slice?cve=${pick.cve}`;
    const headers = { authorization: AUTH };
    const noCache = { ...headers, 'cache-control': 'no-cache' };
    out('\n-- HTTP (one client, keep-alive, sequential; cpu = server process ms per request) --');
    await load(warmServer.base, { requests: 3, make: () => ({ path, headers }) });
    await load(coldServer.base, { requests: 3, make: () => ({ path, headers: noCache }) });
    // The HTTP bench's cold instance sits idle while the warm rows run; idle, V8's memory reducer
    // shrinks the heap, and the first requests after it pay for a run of full collections.
    if (IDLE_BEFORE_COLD > 0) await new Promise((r) => setTimeout(r, IDLE_BEFORE_COLD));
    row(
      'CVE slice typical, cold (target p95 <= 60)',
      await withCpu(coldServer, { requests: COLD_REQUESTS, make: () => ({ path, headers: noCache }) }),
    );
    row(
      'CVE slice typical, warm (target p95 <= 25)',
      await withCpu(warmServer, { requests: WARM_REQUESTS, make: () => ({ path, headers: noCache }) }),
    );
    row(
      'CVE slice typical, cached (target p95 <= 3)',
      await withCpu(warmServer, { requests: CACHED_REQUESTS, make: () => ({ path, headers }) }),
    );
    const gz = { ...headers, 'accept-encoding': 'gzip, deflate, br, zstd' };
    row(
      'CVE slice typical, cached, Accept-Encoding',
      await withCpu(warmServer, { requests: CACHED_REQUESTS, make: () => ({ path, headers: gz }) }),
    );
  }
  out(
    `load at the end ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await cleanup();
}
