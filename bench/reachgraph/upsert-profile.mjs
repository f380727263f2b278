#!/usr/bin/env node
/**
 * CPU profile harness for the ReachGraph upsert and replay paths (issue 5), in one process.
 *
 * Generates the 10k/30k and 100k/300k graphs with `generateReachGraph`, serves the real express app
 * (production configuration from the environment parser, real PostgreSQL, no Redis) on an ephemeral
 * port in this process, and sends it upserts (every one a new graph) and replays of the same
 * inputs as bench/reachgraph/run.mjs. Reports, per operation, the process CPU time per request
 * (user + system, every thread: the request thread and the index worker) — which the machine's load
 * disturbs much less than wall time — and the wall time. `--stages` also times the CPU-heavy steps
 * one by one (parse, validate, digest, index, build), and `node --cpu-prof` on this script profiles
 * all of it.
 *
 *   node bench/reachgraph/upsert-profile.mjs [--service <checkout>/services/reachgraph]
 *        [--sizes small,large] [--n 5] [--stages] [--only upsert|replay] [--trace]
 *        [--worker-min-bytes N]  (REACHGRAPH_INDEX_WORKER_MIN_BYTES: index bodies from N bytes on the worker)
 *
 * `--service` runs another build (a scratch checkout of an older commit) for before/after numbers.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { benchAuth, scratchDatabase } from './bench-env.mjs';
import { toCallgraphInputs } from './inputs.mjs';

const root = new URL('../../', import.meta.url);
const args = process.argv.slice(2);
const argValue = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const serviceArg = argValue('--service');
const serviceDir = serviceArg
  ? pathToFileURL(`${serviceArg.replace(/\/$/, '')}/`)
  : new URL('services/reachgraph/', root);
const requireFromService = createRequire(new URL('package.json', serviceDir));
const importFromService = async (spec) => import(pathToFileURL(requireFromService.resolve(spec)).href);
const importDist = (path) => import(new URL(`dist/${path}`, serviceDir).href);

const sizes = (argValue('--sizes') ?? 'small,large').split(',');
const repeat = Number(argValue('--n') ?? 5);
const stagesWanted = args.includes('--stages');
const only = argValue('--only'); // upsert | replay
const SIZES = {
  small: { label: '10k/30k', nodes: 10_000, edges: 30_000, n: repeat * 3 },
  large: { label: '100k/300k', nodes: 100_000, edges: 300_000, n: repeat },
};

const pg = requireFromService('pg');
const { pino } = await importFromService('pino');
const { generateReachGraph, buildReachGraph } = await importFromService('@stella-ops/graph');
const core = await importFromService('@stella-ops/core');
const { parseJsonBody } = await importFromService('@stella-ops/service-kit');
const { readEnv, envToCfg } = await importDist('config.js');
const { createAppContext } = await importDist('context.js');
const { createApp } = await importDist('app.js');
const { migrate } = await importDist('db/migrate.js');
const engine = await importDist('engine.js');
const { zstdCompress } = await importDist('zstd.js');

// ---- auth: an ES256 JWT signed with a key made for this run ----
const auth = benchAuth();
const AUTH = auth.token();

// ---- database and the app, in this process ----
const { dbName, admin, ownerUrl, appUrl } = await scratchDatabase(pg, 'cpu');

const cfg = envToCfg(
  readEnv({
    REACHGRAPH_HOST: '127.0.0.1',
    REACHGRAPH_PORT: '0',
    REACHGRAPH_DATABASE_URL: appUrl.toString(),
    REACHGRAPH_MIGRATE_DATABASE_URL: ownerUrl.toString(),
    ...auth.env,
    REACHGRAPH_LOG_LEVEL: 'warn',
    REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE: '100000000',
    REACHGRAPH_RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
    REACHGRAPH_DB_POOL_MAX: '8',
    ...(argValue('--worker-min-bytes')
      ? { REACHGRAPH_INDEX_WORKER_MIN_BYTES: argValue('--worker-min-bytes') }
      : {}),
  }),
);
let ctx;
let server;
async function cleanup() {
  server?.close();
  await ctx?.destroy().catch(() => {});
  await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end().catch(() => {});
}

/** One request over loopback; resolves with status and body text. */
function request(port, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        // A new connection each time: a kept-alive one may be closed by the server while idle.
        agent: false,
        headers: {
          authorization: AUTH,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (v) => v.toFixed(v < 10 ? 2 : 1).padStart(8);
const rows = [];
function report(size, op, cpus, walls) {
  const row = {
    size,
    op,
    n: cpus.length,
    cpuMedian: median(cpus),
    cpuMean: cpus.reduce((a, b) => a + b, 0) / cpus.length,
    wallMedian: median(walls),
  };
  rows.push(row);
  process.stdout.write(
    `${size.padEnd(10)} ${op.padEnd(34)} n=${String(row.n).padStart(3)}  cpu median ${fmt(row.cpuMedian)} mean ${fmt(row.cpuMean)}  wall median ${fmt(row.wallMedian)} ms\n`,
  );
}

/** Sends `make(i)` `n` times (after one warm-up), expecting `status`; CPU and wall per request. */
async function measure(port, size, op, path, n, make, status) {
  const cpus = [];
  const walls = [];
  for (let i = -1; i < n; i++) {
    const body = make(i);
    global.gc?.();
    const c0 = cpuMs();
    const t0 = performance.now();
    const res = await request(port, path, body);
    const wall = performance.now() - t0;
    const cpu = cpuMs() - c0;
    if (res.status !== status) throw new Error(`${op}: ${res.status} ${res.text.slice(0, 300)}`);
    if (i >= 0) {
      cpus.push(cpu);
      walls.push(wall);
    }
  }
  report(size, op, cpus, walls);
}

/** CPU ms of one synchronous or async step, best of `n`. */
async function stage(size, name, n, fn) {
  const cpus = [];
  const walls = [];
  for (let i = 0; i < n; i++) {
    global.gc?.();
    const c0 = cpuMs();
    const t0 = performance.now();
    await fn();
    walls.push(performance.now() - t0);
    cpus.push(cpuMs() - c0);
  }
  report(size, `  stage: ${name}`, cpus, walls);
}

try {
  await migrate(ownerUrl.toString(), cfg.db.appRole);
  ctx = await createAppContext(cfg, { logger: pino({ level: 'warn' }) });
  if (args.includes('--trace')) {
    // Where an upsert's wall time goes: the store's calls and the index worker's answer.
    for (const name of ['insert', 'meta', 'logReplay']) {
      const original = ctx.store[name].bind(ctx.store);
      ctx.store[name] = async (...a) => {
        const t0 = performance.now();
        try {
          return await original(...a);
        } finally {
          process.stdout.write(`    trace ${name} ${(performance.now() - t0).toFixed(1)} ms\n`);
        }
      };
    }
    const start = ctx.indexer.start.bind(ctx.indexer);
    ctx.indexer.start = (body) => {
      const t0 = performance.now();
      const job = start(body);
      return {
        cancel: () => job.cancel(),
        finish: async (...a) => {
          const t1 = performance.now();
          const out = await job.finish(...a);
          process.stdout.write(
            `    trace index job: asked for after ${(t1 - t0).toFixed(1)} ms, waited ${(performance.now() - t1).toFixed(1)} ms\n`,
          );
          return out;
        },
      };
    };
  }
  const app = createApp(ctx);
  server = http.createServer(app);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  process.stdout.write(
    `upsert/replay CPU harness  service ${serviceDir.pathname}  node ${process.version}  load ${os
      .loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}\n`,
  );

  for (const size of sizes) {
    const spec = SIZES[size];
    const graph = generateReachGraph({ nodes: spec.nodes, edges: spec.edges, seed: 7 });
    graph.artifact.name = 'bench-artifact-000000';
    const text = JSON.stringify(graph);
    const variant = (i) =>
      Buffer.from(text.replace('bench-artifact-000000', `bench-artifact-${String(i + 2).padStart(6, '0')}`));
    process.stdout.write(`== ${spec.label}: ${(text.length / 1e6).toFixed(1)} MB JSON\n`);
    if (only !== 'replay')
      await measure(port, spec.label, 'upsert (201, new graph)', '/v1/reachgraphs', spec.n, variant, 201);

    const inputs = toCallgraphInputs(graph);
    const rebuilt = JSON.stringify(buildReachGraph(inputs));
    const stored = JSON.parse((await request(port, '/v1/reachgraphs', Buffer.from(rebuilt))).text);
    const replayBody = Buffer.from(JSON.stringify({ expectedDigest: stored.digest, inputs }));
    const check = JSON.parse((await request(port, '/v1/reachgraphs/replay', replayBody)).text);
    if (!check.match) throw new Error(`replay did not match: ${JSON.stringify(check).slice(0, 300)}`);
    if (only !== 'upsert')
      await measure(
        port,
        spec.label,
        `replay (match, ${(replayBody.length / 1e6).toFixed(0)} MB)`,
        '/v1/reachgraphs/replay',
        spec.n,
        () => replayBody,
        200,
      );

    if (stagesWanted) {
      const body = variant(-1);
      const k = Math.min(spec.n, 3);
      let doc;
      await stage(spec.label, 'parse body', k, () => {
        doc = parseJsonBody(body);
      });
      await stage(spec.label, 'validate reachgraph.min@v1', k, () => core.validate('reachgraph.min@v1', doc));
      let digested;
      await stage(spec.label, 'digestGraph', k, async () => {
        digested = await engine.digestGraph(doc);
      });
      await stage(spec.label, 'zstd canonical', k, () => zstdCompress(digested.canonical));
      let indexed;
      await stage(spec.label, 'indexDocument', k, async () => {
        indexed = await engine.indexDocument(digested.doc, digested.digest);
      });
      await stage(spec.label, 'compactGraph', k, () => engine.compactGraph(indexed.binary));
      let parsedReplay;
      await stage(spec.label, 'parse replay body', k, () => {
        parsedReplay = parseJsonBody(replayBody);
      });
      await stage(spec.label, 'validate replay-request@v1', k, () =>
        core.validate('replay-request@v1', parsedReplay),
      );
      let built;
      await stage(spec.label, 'buildReachGraph', k, () => {
        built = buildReachGraph(parsedReplay.inputs);
      });
      await stage(spec.label, 'digestNormalized (built)', k, () => engine.digestNormalized(built));
    }
  }
} finally {
  await cleanup();
}
