/**
 * Canonical JSON + BLAKE3 benchmark on a generated ~55 MB reachgraph (100k nodes / 300k edges).
 *
 *   pnpm --filter @stella-ops/core bench         (builds core first; runs node --expose-gc)
 *   node --expose-gc bench/core/canonicalize.bench.mjs --iterations=7
 *
 * In one process, round-robin (so machine noise hits every contender alike), it times
 * JSON.stringify (the floor, not canonical), json-canonicalize, canonicalize (npm) and ours: each
 * canonicalization alone and canonicalization + BLAKE3-256 end to end. It reports the median and
 * minimum, MB/s of canonical output bytes, the peak RSS above the pre-call baseline (sampled by a
 * worker thread every millisecond) and the heap still held right after the call, asserts that ours
 * is byte-identical to both references, prints a table and writes it to
 * bench/results/core-canonicalize.txt. Not a test and not run in CI.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { generateReachGraph } from './gen-reachgraph.mjs';

const coreDir = new URL('../../packages/core/', import.meta.url);
const requireFromCore = createRequire(new URL('package.json', coreDir));
const load = async (name) => import(pathToFileURL(requireFromCore.resolve(name)).href);

const core = await import(new URL('dist/index.js', coreDir).href);
const { canonicalize: jsonCanonicalize } = await load('json-canonicalize');
const { default: erdtmanCanonicalize } = await load('canonicalize');
const { blake3: wasmBlake3 } = await load('hash-wasm');

const ITERATIONS = Number(process.argv.find((a) => a.startsWith('--iterations='))?.slice(13) ?? 5);
const gc = globalThis.gc ?? (() => {});
const MB = 1e6;

// ---- the document ---------------------------------------------------------------------------
const loadBefore = os.loadavg();
const t0 = performance.now();
// Round-trip through JSON text: a service gets the graph from a request body or a database, so its
// strings are flat, as JSON.parse makes them (the generator's are concatenation ropes).
const doc = JSON.parse(JSON.stringify(generateReachGraph()));
const genMs = performance.now() - t0;
const issues = core.schemaIssues('reachgraph.min@v1', doc);
if (issues.length > 0)
  throw new Error(`generated graph is not schema-valid: ${JSON.stringify(issues.slice(0, 3))}`);

// ---- correctness first (in a function, so its big strings are garbage before timing starts) ----
async function checkOutputs() {
  const reference = jsonCanonicalize(doc);
  const ours = core.canonicalize(doc);
  if (ours !== reference) throw new Error('ours differs from json-canonicalize');
  if (erdtmanCanonicalize(doc) !== reference)
    throw new Error('canonicalize (npm) differs from json-canonicalize');
  const referenceBytes = Buffer.from(reference, 'utf8');
  if (!referenceBytes.equals(core.canonicalizeToBytes(doc))) throw new Error('canonicalizeToBytes differs');
  const digest = `blake3:${await wasmBlake3(referenceBytes)}`;
  if ((await core.blake3Canonical(doc)) !== digest) throw new Error('blake3Canonical differs');
  if ((await core.blake3(ours)) !== digest) throw new Error('blake3(string) differs');
  return { outBytes: referenceBytes.length, expectedDigest: digest };
}
const { outBytes, expectedDigest } = await checkOutputs();
// Held for the hash-only rows (is piecewise UTF-8 encoding of a large string faster than one copy?).
const canonicalText = core.canonicalize(doc);
// The same graph as a client that sends normalised documents uploads it (parsed from JSON): the
// digest then takes the no-copy path (normalizedReachGraphView).
const normalisedDoc = JSON.parse(JSON.stringify(core.normalizeReachGraph(doc)));
if (!core.isNormalizedReachGraph(normalisedDoc)) throw new Error('normalised document not recognised');
if ((await core.reachGraphDigest(normalisedDoc)) !== (await core.reachGraphDigest(doc)))
  throw new Error('reachGraphDigest differs between the document and its normalised form');
const canonicalBytes = core.canonicalizeToBytes(doc);

// ---- contenders -----------------------------------------------------------------------------
/** @type {{name: string, op: string, run: () => unknown}[]} */
const contenders = [
  { name: 'JSON.stringify (floor, not canonical)', op: 'serialize', run: () => JSON.stringify(doc) },
  { name: 'json-canonicalize 3.0.1', op: 'canonicalize', run: () => jsonCanonicalize(doc) },
  { name: 'canonicalize (npm) 5.1.0', op: 'canonicalize', run: () => erdtmanCanonicalize(doc) },
  { name: 'ours canonicalize() → string', op: 'canonicalize', run: () => core.canonicalize(doc) },
  { name: 'ours canonicalizeToBytes()', op: 'canonicalize', run: () => core.canonicalizeToBytes(doc) },
  {
    name: 'JSON.stringify + blake3 (floor)',
    op: 'end to end',
    run: () => wasmBlake3(JSON.stringify(doc)),
  },
  {
    name: 'json-canonicalize + blake3',
    op: 'end to end',
    run: () => wasmBlake3(jsonCanonicalize(doc)),
  },
  {
    name: 'canonicalize (npm) + blake3',
    op: 'end to end',
    run: () => wasmBlake3(erdtmanCanonicalize(doc)),
  },
  { name: 'ours blake3(canonicalize())', op: 'end to end', run: () => core.blake3(core.canonicalize(doc)) },
  { name: 'ours blake3Canonical() (streamed)', op: 'end to end', run: () => core.blake3Canonical(doc) },
  { name: 'ours reachGraphDigest() (+normalise)', op: 'end to end', run: () => core.reachGraphDigest(doc) },
  {
    name: 'ours reachGraphDigest(), input normalised',
    op: 'end to end',
    run: () => core.reachGraphDigest(normalisedDoc),
  },
  { name: 'hash-wasm blake3(bytes)', op: 'hash only', run: () => wasmBlake3(canonicalBytes) },
  { name: 'hash-wasm blake3(string): one copy', op: 'hash only', run: () => wasmBlake3(canonicalText) },
  { name: 'ours blake3(string): 16 Ki pieces', op: 'hash only', run: () => core.blake3(canonicalText) },
];

const sampler = new Worker(new URL('rss-sampler.mjs', import.meta.url));
const ask = (msg) =>
  new Promise((resolve) => {
    sampler.once('message', resolve);
    sampler.postMessage(msg);
  });

const results = new Map(contenders.map((c) => [c.name, { times: [], cpu: [], rss: [], heap: [] }]));
for (let i = 0; i < ITERATIONS; i++) {
  for (const c of contenders) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = await ask('reset');
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const result = await c.run();
    const ms = performance.now() - start;
    const cpuUsed = process.cpuUsage(cpuBefore);
    const heapAfter = process.memoryUsage().heapUsed;
    await new Promise((r) => setTimeout(r, 5));
    const peak = await ask('peak');
    const r = results.get(c.name);
    r.times.push(ms);
    r.cpu.push((cpuUsed.user + cpuUsed.system) / 1000);
    r.rss.push(peak - rssBefore);
    r.heap.push(heapAfter - heapBefore);
    // Every hashing contender but the floor and the (differently normalised) graph digest must
    // produce the digest of the canonical bytes (hash-wasm returns bare hex, ours is prefixed).
    const hashes = c.op !== 'canonicalize' && c.op !== 'serialize';
    if (hashes && !c.name.includes('JSON') && !c.name.includes('reachGraph')) {
      const digest = String(result).startsWith('blake3:') ? result : `blake3:${result}`;
      if (digest !== expectedDigest) throw new Error(`${c.name}: wrong digest`);
    }
    process.stderr.write('.');
  }
}
process.stderr.write('\n');
await sampler.terminate();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const min = (xs) => Math.min(...xs);
const refMedian = (name) => median(results.get(name).times);

const rows = contenders.map((c) => {
  const r = results.get(c.name);
  const med = median(r.times);
  const ref = refMedian(
    c.op === 'end to end'
      ? 'json-canonicalize + blake3'
      : c.op === 'hash only'
        ? 'hash-wasm blake3(string): one copy'
        : 'json-canonicalize 3.0.1',
  );
  return [
    c.name,
    c.op,
    med.toFixed(0),
    min(r.times).toFixed(0),
    median(r.cpu).toFixed(0),
    (outBytes / MB / (med / 1000)).toFixed(1),
    c.name.startsWith('JSON.stringify') || c.name === 'hash-wasm blake3(bytes)'
      ? '–'
      : `${(ref / med).toFixed(2)}×`,
    (median(r.rss) / MB).toFixed(0),
    (median(r.heap) / MB).toFixed(0),
  ];
});
const header = [
  'implementation',
  'operation',
  'median ms',
  'min ms',
  'cpu ms',
  'MB/s',
  'speed-up',
  'peak RSS MB',
  'heap held MB',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');

const ourE2E = median(results.get('ours blake3Canonical() (streamed)').times);
const ourE2EString = median(results.get('ours blake3(canonicalize())').times);
const refE2E = refMedian('json-canonicalize + blake3');
const mbps = outBytes / MB / (ourE2E / 1000);
const report = [
  'Stella Reach core: RFC 8785 canonical JSON + BLAKE3 benchmark (bench/core/canonicalize.bench.mjs)',
  `date: ${new Date().toISOString()}`,
  `node: ${process.version} (${process.platform}/${process.arch}), V8 ${process.versions.v8}`,
  `cpu: ${os.cpus()[0]?.model ?? 'unknown'} × ${os.cpus().length} (shared with other work: numbers are noisy)`,
  `load average (1/5/15 min): ${loadBefore.map((l) => l.toFixed(2)).join(' ')} at start, ` +
    `${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end`,
  `document: ${doc.nodes.length} nodes, ${doc.edges.length} edges; canonical output ${(outBytes / MB).toFixed(1)} MB ` +
    `(${outBytes} bytes, includes a few non-Latin-1 strings); generated + parsed in ${genMs.toFixed(0)} ms`,
  `iterations: ${ITERATIONS}, round-robin; MB/s = canonical output bytes / median time; 'cpu ms' = median process CPU time (all threads, incl. GC and the 1 ms RSS sampler); ` +
    "'peak RSS' = peak resident set above the pre-call level (1 ms sampling); 'heap held' = JS heap growth at return (before GC)",
  'byte-identical: ours == json-canonicalize == canonicalize (npm): yes (asserted); all digests equal: yes (asserted)',
  "speed-up: vs json-canonicalize (canonicalize rows), vs json-canonicalize + blake3 (end to end rows), vs hash-wasm's one-copy string path (hash only rows)",
  '',
  line(header),
  line(widths.map((w) => '-'.repeat(w))),
  ...rows.map(line),
  '',
  `target: >= 55 MB/s end to end and >= 4x json-canonicalize`,
  `ours, streamed (blake3Canonical): ${mbps.toFixed(1)} MB/s, ${(refE2E / ourE2E).toFixed(2)}x json-canonicalize + blake3 -> ` +
    `${mbps >= 55 && refE2E / ourE2E >= 4 ? 'MET' : 'MISSED'}`,
  `ours, string then hash (blake3(canonicalize())): ${(outBytes / MB / (ourE2EString / 1000)).toFixed(1)} MB/s, ` +
    `${(refE2E / ourE2EString).toFixed(2)}x -> ${outBytes / MB / (ourE2EString / 1000) >= 55 && refE2E / ourE2EString >= 4 ? 'MET' : 'MISSED'}`,
  '',
];
const text = report.join('\n');
process.stdout.write(text);
writeFileSync(new URL('../results/core-canonicalize.txt', import.meta.url), text);
