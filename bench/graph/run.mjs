// Graph engine benchmark (run with node, not jest): binary decode, JSON → graph, encode and every
// slice type on generated graphs of 100k nodes / 300k edges and 1M / 3M, against the same CVE slice
// and reachable set in Postgres (WITH RECURSIVE) and in graphology. Prints a table and writes it to
// bench/results/graph.txt.
//
//   node --expose-gc --max-old-space-size=16384 bench/graph/run.mjs [--sizes 100k,1m] [--no-sql] [--out <file>]
//                                                       [--lib <another build's index.js>]
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { graphologyBaseline } from './graphology-baseline.mjs';
import { jsonLength, parseJsonParts, toJsonParts } from './json.mjs';
import { collect, measure, ms, table } from './measure.mjs';
import { sqlBaseline } from './sql-baseline.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const lib = await import(
  option('--lib', new URL('../../packages/graph/dist/index.js', import.meta.url).href)
);
const { createGraph, cveSlice, decodeGraph, encodeGraph, entrypointNodes, entrypointSlice, fileSlice } = lib;
const { cveSubgraph, generateReachGraph, packageSlice, reachableNodes } = lib;
const SIZES = {
  '100k': { nodes: 100_000, edges: 300_000, reps: 9 },
  '1m': { nodes: 1_000_000, edges: 3_000_000, reps: 3 },
};
const sizes = option('--sizes', '100k,1m').split(',');
const out = option('--out', new URL('../results/graph.txt', import.meta.url).pathname);
const DIGEST = `blake3:${'0'.repeat(64)}`;
const log = (...m) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...m);
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

/** Setup: the document, its JSON text and the graph built from it; only the bytes survive. */
function prepare(label, r) {
  const { nodes, edges, reps } = SIZES[label];
  log(label, 'generate');
  const t = performance.now();
  const doc = generateReachGraph({ nodes, edges, seed: 7 });
  r.generateMs = performance.now() - t;
  r.edges = doc.edges.length;
  log(label, 'JSON');
  const json = toJsonParts(doc);
  r.jsonSize = jsonLength(json);
  r.jsonToGraph = measure(() => createGraph(parseJsonParts(json), { digest: DIGEST }), {
    reps: Math.min(reps, 3),
    warmup: 0,
  });
  const g = r.jsonToGraph.value;
  r.jsonToGraph.value = undefined;
  log(label, 'binary');
  r.encode = measure(() => encodeGraph(g), { reps: Math.min(reps, 5) });
  r.binarySize = r.encode.value.length;
  return { bytes: r.encode.value, scope: doc.scope };
}

/** A CVE slice on freshly decoded graphs: the slice alone is timed (its data is cold, code warm). */
function coldSlice(bytes, cve, reps) {
  const wall = [];
  const cpu = [];
  for (let i = 0; i < reps; i++) {
    const fresh = decodeGraph(bytes);
    const c = process.cpuUsage();
    const t = performance.now();
    cveSlice(fresh, { cve });
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { median: mid(wall), min: Math.min(...wall), cpu: mid(cpu) };
}

/** Our numbers, on the decoded graph alone (the setup's garbage collected first). */
function ours(label, r, bytes, scope) {
  const { reps } = SIZES[label];
  collect();
  r.decode = measure(() => decodeGraph(bytes), { reps: reps * 2 });
  r.decodeFull = measure(() => decodeGraph(bytes, { verify: 'full' }), { reps: Math.min(reps, 3) });
  const h = decodeGraph(bytes);
  log(label, 'slices');
  const cves = scope.cves.map((cve) => {
    const m = measure(() => cveSlice(h, { cve }), { reps: 3 });
    const { counts, truncated } = m.value;
    m.value = { counts, truncated };
    return { cve, m };
  });
  cves.sort((a, b) => a.m.value.counts.nodes - b.m.value.counts.nodes || a.m.median - b.m.median);
  const largest = cves[cves.length - 1];
  const byTime = [...cves].sort((a, b) => a.m.median - b.m.median);
  r.cveLargest = measure(() => cveSlice(h, { cve: largest.cve }), { reps });
  r.cveLargestInfo = largest.m.value.counts;
  r.cveLargestTruncated = largest.m.value.truncated;
  r.cveMedian = { ...byTime[Math.floor(byTime.length / 2)].m, value: undefined };
  // the data-cold path (derived facts, strings) on a freshly decoded graph, with warm code
  r.cveColdSlice = coldSlice(bytes, scope.cves[0], Math.min(reps, 5));
  const entry = scope.entrypoints[0];
  r.package = measure(() => packageSlice(h, { purl: 'pkg:npm/dep-0003', depth: 2 }), { reps });
  r.entrypoint = measure(() => entrypointSlice(h, { entrypoint: entry }), { reps });
  r.entrypointSinks = measure(() => entrypointSlice(h, { entrypoint: entry, sinksOnly: true }), { reps });
  r.file = measure(() => fileSlice(h, { file: 'src/m0000[0-4].js' }), { reps });
  const entries = entrypointNodes(h);
  r.reachable = measure(() => reachableNodes(h, entries), { reps });
  r.cveSub = measure(() => cveSubgraph(h, { cve: largest.cve }), { reps });
  r.cveFull = measure(() => cveSlice(h, { cve: largest.cve }, { maxNodes: 1e9, maxPaths: 1e9 }), {
    reps: Math.min(reps, 5),
  });
  const full = r.cveFull.value.counts;
  r.cveFull.value = undefined;
  const sub = r.cveSub.value;
  if (sub.nodes.length !== full.nodes || sub.edges.length !== full.edges) {
    throw new Error('cveSubgraph and cveSlice disagree');
  }
  const expect = { reachable: r.reachable.value.length, cveNodes: full.nodes, cveEdges: full.edges };
  r.summary = `${largest.cve}: ${full.nodes} nodes, ${full.edges} edges, ${full.paths} paths; reachable set ${expect.reachable} nodes from ${entries.length} entrypoints`;
  return { h, entries, sinks: Array.from(sub.sinks), expect };
}

async function runSize(label) {
  const { reps } = SIZES[label];
  const r = { label };
  const { bytes, scope } = prepare(label, r);
  const { h, entries, sinks, expect } = ours(label, r, bytes, scope);

  log(label, 'graphology');
  const entryIds = entries.map((i) => h.strings.get(i));
  const sinkIds = sinks.map((i) => h.strings.get(i));
  collect();
  r.graphology = graphologyBaseline({
    doc: generateReachGraph({ ...SIZES[label], seed: 7 }),
    entries: entryIds,
    sinks: sinkIds,
    reps: Math.min(reps, 5),
  });
  r.graphology.check = {
    reachable: r.graphology.answer.reachable === expect.reachable,
    cve: r.graphology.answer.nodes === expect.cveNodes && r.graphology.answer.edges === expect.cveEdges,
  };
  r.graphology.reachable.value = undefined;
  r.graphology.cve.value = undefined;
  if (!flag('--no-sql')) {
    log(label, 'postgres');
    const src = new Uint32Array(h.edgeCount);
    for (let u = 0; u < h.nodeCount; u++) src.fill(u, h.forward.offsets[u], h.forward.offsets[u + 1]);
    const sqlReps = label === '1m' ? 1 : 3;
    r.sql = await sqlBaseline({ src, dst: h.forward.targets, entries, sinks, reps: sqlReps, expect });
  }
  return r;
}

const startLoad = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const results = [];
for (const s of sizes) results.push(await runSize(s));

const col = (f) => results.map(f);
const ratio = (base, ours) => (base && ours ? `${Math.round(base.median / ours.median)}×` : '—');
const TARGETS = {
  cve: { '100k': '≤ 20 ms', '1m': '≤ 400 ms' },
  decode: { '100k': '≤ 25 ms', '1m': '≤ 250 ms' },
};
const target = (kind) => results.map((r) => TARGETS[kind][r.label]).join(' / ');
const ok = (v) => (v ? 'same answer' : 'ANSWER DIFFERS');
const rows = [
  ['edges generated', ...col((r) => r.edges.toLocaleString('en-US')), ''],
  ['JSON text / binary size', ...col((r) => `${mb(r.jsonSize)} / ${mb(r.binarySize)}`), ''],
  ['JSON → graph (JSON.parse + createGraph)', ...col((r) => ms(r.jsonToGraph)), ''],
  ['encode (graph → bytes)', ...col((r) => ms(r.encode)), ''],
  ['binary decode (checksum + range checks)', ...col((r) => ms(r.decode)), target('decode')],
  ['binary decode, verify: full', ...col((r) => ms(r.decodeFull)), ''],
  ['CVE slice, largest answer (default limits)', ...col((r) => ms(r.cveLargest)), target('cve')],
  [
    '  its answer (nodes / edges / paths / truncated)',
    ...col(
      (r) =>
        `${r.cveLargestInfo.nodes} / ${r.cveLargestInfo.edges} / ${r.cveLargestInfo.paths} / ${r.cveLargestTruncated}`,
    ),
    '',
  ],
  ['CVE slice, median of 20 CVEs', ...col((r) => ms(r.cveMedian)), ''],
  ['CVE slice, first query after decode (CVE #1)', ...col((r) => ms(r.cveColdSlice)), ''],
  ['package slice (depth 2, both)', ...col((r) => ms(r.package)), ''],
  ['entrypoint slice (depth 10)', ...col((r) => ms(r.entrypoint)), ''],
  ['entrypoint slice (sinksOnly)', ...col((r) => ms(r.entrypointSinks)), ''],
  ['file slice (40 functions)', ...col((r) => ms(r.file)), ''],
  ['reachable set from all entrypoints', ...col((r) => ms(r.reachable)), ''],
  ['— same queries, baselines —', ...col(() => ''), ''],
  ['CVE subgraph as indexes (what the SQL returns)', ...col((r) => ms(r.cveSub)), ''],
  ['CVE slice, full answer as JSON objects, no limit', ...col((r) => ms(r.cveFull)), ''],
  [
    'CVE slice, Postgres WITH RECURSIVE',
    ...col((r) => (r.sql ? `${ms(r.sql.cve)} (${ok(r.sql.check.cve)})` : '—')),
    '',
  ],
  ['CVE slice, graphology', ...col((r) => `${ms(r.graphology.cve)} (${ok(r.graphology.check.cve)})`), ''],
  [
    'reachable set, Postgres WITH RECURSIVE',
    ...col((r) => (r.sql ? `${ms(r.sql.reachable)} (${ok(r.sql.check.reachable)})` : '—')),
    '',
  ],
  [
    'reachable set, graphology',
    ...col((r) => `${ms(r.graphology.reachable)} (${ok(r.graphology.check.reachable)})`),
    '',
  ],
  ['speed-up vs SQL: CVE subgraph (like for like)', ...col((r) => ratio(r.sql?.cve, r.cveSub)), '≥ 50×'],
  ['speed-up vs SQL: CVE slice as JSON objects', ...col((r) => ratio(r.sql?.cve, r.cveFull)), ''],
  ['speed-up vs SQL: reachable set', ...col((r) => ratio(r.sql?.reachable, r.reachable)), '≥ 50×'],
  ['speed-up vs graphology: CVE subgraph', ...col((r) => ratio(r.graphology.cve, r.cveSub)), ''],
  [
    '(setup) generate / graphology build / SQL load',
    ...col(
      (r) =>
        `${Math.round(r.generateMs)} / ${Math.round(r.graphology.buildMs)} / ${r.sql ? Math.round(r.sql.loadMs) : '—'} ms`,
    ),
    '',
  ],
];
const header = [
  'operation (ms: wall median (min when ≥10% lower, process cpu))',
  ...results.map((r) => (r.label === '1m' ? '1M nodes / 3M edges' : '100k nodes / 300k edges')),
  'target',
];
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const text = [
  `# @stella-ops/graph benchmark — ${new Date().toISOString()}`,
  `# node ${process.version}, ${cpu}, ${os.cpus().length} cores, load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, at the start ${startLoad} (machine shared with other work: wall times are noisy;`,
  '# "cpu" is the process CPU time, all threads, which other processes disturb less)',
  '# graphs: generateReachGraph({seed: 7}); CVE slices use default limits (10k nodes, 1000 paths, 5 per pair)',
  '# unless "full answer"; baselines answer the largest CVE slice (nodes + edges on entrypoint→sink paths, no',
  '# paths) and the reachable set, and are checked against our answer.',
  ...results.map((r) => `# ${r.label}: ${r.summary}`),
  '',
  table(header, rows),
  '',
].join('\n');
console.log(text);
writeFileSync(out, text);
log('wrote', out);
