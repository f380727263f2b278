#!/usr/bin/env node
/**
 * Issue 10 §4 — load, run by hand (not in CI): Signals and ReachGraph with two replicas each on
 * loopback, sharing one PostgreSQL (a database per service), one Redis and one S3 server, under 60 s
 * of mixed reads and writes at saturation (autocannon, every replica hit at once). Then a second
 * phase checks that ReachGraph's rate limit holds across replicas: one principal hammering both
 * replicas must get `limit` answers per window in total, not `limit` per replica.
 *
 *   pnpm turbo run build --filter @stella-ops/signals-service --filter @stella-ops/reachgraph-service
 *   node bench/load/run.mjs [--duration 60] [--connections 8] [--out bench/results/load.txt]
 *
 * Reports per stream: requests, throughput, P50/P95/P99/max latency, status counts (only 2xx and
 * 429 are acceptable), and each process's RSS before and after (memory growth).
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { percentile } from '../reachgraph/load.mjs';

const root = new URL('../../', import.meta.url);
const argValue = (name, fallback) => {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const DURATION = Number(argValue('--duration', '60'));
const CONNECTIONS = Number(argValue('--connections', '8'));
const LIMIT_PHASE_SECONDS = Number(argValue('--limit-seconds', '20'));
const RATE_LIMIT = Number(argValue('--rate-limit', '300'));
const OUT = argValue('--out', fileURLToPath(new URL('bench/results/load.txt', root)));

const testkit = await import(new URL('packages/testkit/dist/index.js', root).href);
const requireFromTestkit = createRequire(new URL('packages/testkit/package.json', root));
const { Redis } = await import(requireFromTestkit.resolve('ioredis'));

// ---- tokens: one ES256 issuer for both services ----
const issuerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ISSUER = 'https://load.bench';
const ISSUER_PEM = String(issuerKey.publicKey.export({ type: 'spki', format: 'pem' }));
function jwt(audience, claims) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'ES256', kid: 'load', typ: 'JWT' })}.${b64({
    iss: ISSUER,
    aud: audience,
    sub: `svc:${claims.principal}`,
    iat: now,
    exp: now + 3600,
    ...claims,
  })}`;
  const sig = sign('sha256', Buffer.from(input), { key: issuerKey.privateKey, dsaEncoding: 'ieee-p1363' });
  return `Bearer ${input}.${sig.toString('base64url')}`;
}
const TENANT = 'tenant-load';
const sig = (principal, scope) => jwt('stella-signals', { principal, tenant: TENANT, scope });
const rg = (principal, scope = 'reachgraph:read reachgraph:write') =>
  jwt('stella-reachgraph', { principal, tenant: TENANT, scope });

// ---- shared backing services ----
const cleanup = [];
const children = [];
const s3 = await testkit.startS3Server({ forceLocal: true });
cleanup.push(() => s3.stop());
const signalsDb = await testkit.createTestDatabase('load_signals');
cleanup.push(() => signalsDb.drop());
const reachgraphDb = await testkit.createTestDatabase('load_reachgraph');
cleanup.push(() => reachgraphDb.drop());
const redisPrefix = testkit.redisTestPrefix('load');
cleanup.push(async () => {
  const redis = new Redis(testkit.redisTestUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await testkit.cleanRedisPrefix(redis, redisPrefix);
  redis.disconnect();
});
const bucket = testkit.uniqueBucketName('load');
const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const bin = (name) => fileURLToPath(new URL(`services/${name}/dist/bin.js`, root));
function run(name, args, env, inherit = false) {
  const child = spawn(process.execPath, [bin(name), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', inherit ? 'inherit' : 'ignore', 'inherit'],
  });
  return child;
}
const exited = (child) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', r));
async function runToEnd(name, args, env) {
  const code = await exited(run(name, args, env));
  if (code !== 0) throw new Error(`${name} ${args.join(' ')} exited ${code}`);
}
async function serve(name, env, port) {
  const child = run(name, ['serve'], env);
  children.push(child);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return { name, base, child };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} on ${port} did not become ready`);
}
const stopAll = async (list) => {
  await Promise.all(
    list.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const done = exited(c);
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(t);
    }),
  );
};

const signalsEnv = (port) => ({
  SIGNALS_HOST: '127.0.0.1',
  SIGNALS_PORT: String(port),
  SIGNALS_LOG_LEVEL: 'warn',
  SIGNALS_DATABASE_URL: signalsDb.url,
  SIGNALS_CAS_BACKEND: 's3',
  SIGNALS_CAS_BUCKET_PREFIX: `cas://${bucket}`,
  SIGNALS_S3_ENDPOINT: s3.endpoint,
  SIGNALS_S3_REGION: s3.region,
  SIGNALS_S3_ACCESS_KEY_ID: s3.accessKeyId,
  SIGNALS_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  SIGNALS_SIGNING_KEY_ID: 'signals-load',
  SIGNALS_SIGNING_KEY_PEM: String(signingKey.privateKey.export({ type: 'pkcs8', format: 'pem' })),
  SIGNALS_AUTH_ISSUER: ISSUER,
  SIGNALS_AUTH_AUDIENCE: 'stella-signals',
  SIGNALS_AUTH_PUBLIC_KEYS: JSON.stringify([{ Kid: 'load', Pem: ISSUER_PEM, Alg: 'ES256' }]),
});
const appUrl = new URL(reachgraphDb.url);
appUrl.username = 'reachgraph_app';
const reachgraphEnv = (port, limit) => ({
  REACHGRAPH_HOST: '127.0.0.1',
  REACHGRAPH_PORT: String(port),
  REACHGRAPH_LOG_LEVEL: 'warn',
  REACHGRAPH_DATABASE_URL: appUrl.toString(),
  REACHGRAPH_MIGRATE_DATABASE_URL: reachgraphDb.url,
  REACHGRAPH_DB_APP_ROLE: 'reachgraph_app',
  REACHGRAPH_REDIS_URL: testkit.redisTestUrl(),
  REACHGRAPH_REDIS_PREFIX: redisPrefix,
  REACHGRAPH_AUTH_ISSUER: ISSUER,
  REACHGRAPH_AUTH_AUDIENCE: 'stella-reachgraph',
  REACHGRAPH_AUTH_PUBLIC_KEYS: JSON.stringify([{ kid: 'load', pem: ISSUER_PEM, alg: 'ES256' }]),
  REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE: String(limit),
  REACHGRAPH_RATE_LIMIT_WRITES_PER_MINUTE: String(limit),
});

/** Resident set size of a process in MiB (VmRSS). */
function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : Number.NaN;
}

// ---- inputs ----
const text = (p) => readFileSync(new URL(p, root), 'utf8');
const CALLGRAPH = text('examples/orders-api/callgraph.ndjson');
const FACTS = text('examples/orders-api/runtime-facts.ndjson');
const GRAPH = JSON.parse(text('schemas/examples/reachgraph-min.v1/valid-express-lodash.json'));
let counter = 0;
const unique = () => `${process.pid}-${++counter}`;
const callgraphBody = () => CALLGRAPH.replace('"source":"', `"source":"load-${unique()}-`);
const factsBody = () => FACTS.replace('"hitCount":1,', `"hitCount":${1000 + ++counter},`);
const graphBody = () =>
  JSON.stringify({ ...GRAPH, artifact: { ...GRAPH.artifact, name: `svc.load-${unique()}` } });

/** One autocannon stream; records every latency and status itself (autocannon has no P95). */
function stream(
  label,
  url,
  { method = 'GET', headers = {}, body, seconds = DURATION, connections = CONNECTIONS },
) {
  const latencies = [];
  const statuses = {};
  let errors = 0;
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method,
        headers,
        ...(typeof body === 'function' ? { setupRequest: (req) => ({ ...req, body: body() }) } : { body }),
      },
    ],
  });
  instance.on('response', (_client, status, _bytes, ms) => {
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  instance.on('reqError', () => {
    errors++;
  });
  return new Promise((resolve, reject) => {
    instance.on('done', (result) => {
      const sorted = latencies.sort((a, b) => a - b);
      resolve({
        label,
        requests: sorted.length,
        perSecond: Math.round(sorted.length / seconds),
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1],
        statuses,
        errors: errors + result.errors + result.timeouts,
      });
    });
    instance.on('error', reject);
  });
}

const lines = [];
const say = (s) => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};
const fmt = (ms) => (ms === undefined ? '-' : ms.toFixed(1));

try {
  const ports = await Promise.all([1, 2, 3, 4].map(() => testkit.freePort()));
  await runToEnd('signals', ['migrate'], signalsEnv(ports[0]));
  await runToEnd('signals', ['tenant', 'add', TENANT, 'Load tenant'], signalsEnv(ports[0]));
  await runToEnd('reachgraph', ['migrate'], reachgraphEnv(ports[2], 1));
  const signals = await Promise.all([
    serve('signals', signalsEnv(ports[0]), ports[0]),
    serve('signals', signalsEnv(ports[1]), ports[1]),
  ]);
  let reachgraph = await Promise.all([
    serve('reachgraph', reachgraphEnv(ports[2], 100_000_000), ports[2]),
    serve('reachgraph', reachgraphEnv(ports[3], 100_000_000), ports[3]),
  ]);

  // seed: one call graph to read and attach facts to, one graph to slice
  const seeded = await fetch(`${signals[0].base}/signals/callgraphs`, {
    method: 'POST',
    headers: {
      authorization: sig('scanner-worker', 'signals:write'),
      'content-type': 'application/x-ndjson',
    },
    body: callgraphBody(),
  });
  const { graphId } = await seeded.json();
  const upserted = await fetch(`${reachgraph[0].base}/v1/reachgraphs`, {
    method: 'POST',
    headers: { authorization: rg('load-writer'), 'content-type': 'application/json' },
    body: graphBody(),
  });
  const { digest } = await upserted.json();
  if (seeded.status !== 201 || upserted.status !== 201) throw new Error('seeding failed');

  // warm-up (5 s, not counted), then RSS before
  const mixed = (seconds) =>
    [0, 1].flatMap((r) => {
      const s = signals[r].base;
      const g = reachgraph[r].base;
      const c = Math.max(1, CONNECTIONS >> 1);
      return [
        stream(`signals#${r + 1} POST callgraph`, `${s}/signals/callgraphs`, {
          method: 'POST',
          headers: {
            authorization: sig('scanner-worker', 'signals:write'),
            'content-type': 'application/x-ndjson',
          },
          body: callgraphBody,
          seconds,
          connections: c,
        }),
        stream(
          `signals#${r + 1} POST runtime-facts`,
          `${s}/signals/runtime-facts?callgraphId=${graphId}&source=load-${r}`,
          {
            method: 'POST',
            headers: {
              authorization: sig('runtime-agent', 'signals:write'),
              'content-type': 'application/x-ndjson',
            },
            body: factsBody,
            seconds,
            connections: c,
          },
        ),
        stream(`signals#${r + 1} GET callgraph`, `${s}/signals/callgraphs/${graphId}`, {
          headers: { authorization: sig('policy-engine', 'signals:read'), 'accept-encoding': 'identity' },
          seconds,
          connections: c,
        }),
        stream(`reachgraph#${r + 1} POST graph`, `${g}/v1/reachgraphs`, {
          method: 'POST',
          headers: { authorization: rg('load-writer'), 'content-type': 'application/json' },
          body: graphBody,
          seconds,
          connections: c,
        }),
        stream(`reachgraph#${r + 1} GET slice`, `${g}/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`, {
          headers: { authorization: rg('load-reader') },
          seconds,
          connections: c,
        }),
      ];
    });
  await Promise.all(mixed(5));
  const all = () => [...signals, ...reachgraph];
  const rssBefore = all().map((p) => rssMiB(p.child.pid));
  const load0 = os.loadavg();
  const started = Date.now();
  // RSS every 10 s: growth that levels off is warm-up (heap, caches); growth that does not, a leak
  const series = [rssBefore];
  const sampler = setInterval(() => series.push(all().map((p) => rssMiB(p.child.pid))), 10_000);
  const results = await Promise.all(mixed(DURATION));
  clearInterval(sampler);
  const elapsed = (Date.now() - started) / 1000;
  const rssAfter = all().map((p) => rssMiB(p.child.pid));
  series.push(rssAfter);
  const load1 = os.loadavg();

  say(`# bench/load/run.mjs — ${new Date().toISOString()}`);
  say(
    `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}), load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')}`,
  );
  say(
    `2 Signals + 2 ReachGraph processes, shared PostgreSQL/Redis/S3 (s3rver); ${DURATION} s mixed (measured ${elapsed.toFixed(1)} s), ${Math.max(1, CONNECTIONS >> 1)} connections per stream, 10 streams`,
  );
  say('');
  say('| stream | requests | req/s | P50 ms | P95 ms | P99 ms | max ms | statuses | socket errors |');
  say('|---|---:|---:|---:|---:|---:|---:|---|---:|');
  let total = 0;
  let bad = 0;
  for (const r of results) {
    total += r.requests;
    for (const [status, n] of Object.entries(r.statuses)) if (!/^2|^429$/.test(status)) bad += n;
    bad += r.errors;
    say(
      `| ${r.label} | ${r.requests} | ${r.perSecond} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${Object.entries(
        r.statuses,
      )
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')} | ${r.errors} |`,
    );
  }
  say('');
  say(
    `total ${total} requests, ${Math.round(total / DURATION)} req/s; answers other than 2xx/429 and socket errors: ${bad}`,
  );
  say('');
  say('| process | RSS before MiB | RSS after MiB | growth MiB | RSS every 10 s (MiB) |');
  say('|---|---:|---:|---:|---|');
  for (const [i, p] of all().entries()) {
    const growth = (rssAfter[i] - rssBefore[i]).toFixed(1);
    const trace = series.map((sample) => sample[i]).join(' → ');
    say(`| ${p.name}#${(i % 2) + 1} | ${rssBefore[i]} | ${rssAfter[i]} | ${growth} | ${trace} |`);
  }
  const perService = (name) =>
    results.filter((r) => r.label.startsWith(name)).reduce((n, r) => n + r.requests, 0) / DURATION;
  say('');
  say(
    `Signals ${Math.round(perService('signals'))} req/s, ReachGraph ${Math.round(perService('reachgraph'))} req/s (both replicas)`,
  );

  // ---- phase 2: the rate limit across replicas ----
  await stopAll(reachgraph.map((p) => p.child));
  reachgraph = await Promise.all([
    serve('reachgraph', reachgraphEnv(ports[2], RATE_LIMIT), ports[2]),
    serve('reachgraph', reachgraphEnv(ports[3], RATE_LIMIT), ports[3]),
  ]);
  const limited = await Promise.all(
    reachgraph.map((p, r) =>
      stream(
        `reachgraph#${r + 1} GET slice (one principal)`,
        `${p.base}/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`,
        {
          headers: { authorization: rg('load-limited') },
          seconds: LIMIT_PHASE_SECONDS,
          connections: 4,
        },
      ),
    ),
  );
  const ok = limited.reduce((n, r) => n + (r.statuses[200] ?? 0), 0);
  const throttled = limited.reduce((n, r) => n + (r.statuses[429] ?? 0), 0);
  const other = limited.reduce(
    (n, r) =>
      n +
      r.errors +
      Object.entries(r.statuses).reduce((m, [s, k]) => m + (s === '200' || s === '429' ? 0 : k), 0),
    0,
  );
  say('');
  say(
    `rate limit ${RATE_LIMIT} reads/min per tenant+principal, one principal on both replicas for ${LIMIT_PHASE_SECONDS} s (one window): ` +
      `${ok} × 200 (${limited.map((r) => r.statuses[200] ?? 0).join(' + ')}), ${throttled} × 429, ${other} other; ` +
      `allowed/limit = ${(ok / RATE_LIMIT).toFixed(3)}`,
  );
  writeFileSync(OUT, `${lines.join('\n')}\n`);
  process.stdout.write(`written to ${OUT}\n`);
  await stopAll(children);
} finally {
  await stopAll(children).catch(() => {});
  for (const step of cleanup.reverse())
    await step().catch((err) => process.stderr.write(`cleanup: ${err}\n`));
}
