/**
 * Deterministic generator of a realistic reachgraph.min@v1 document for benchmarks.
 *
 * Same seed and sizes → the same document, byte for byte. Ids, purls, symbols, files and lines look
 * like what the Node.js call-graph producer emits; edges carry `why` types in realistic proportions,
 * some with guards, most with a source location; a few nodes and edges were observed at runtime.
 * A small share of symbols are non-ASCII so the canonicalizer's two-byte string paths are exercised.
 */

/** mulberry32: a tiny seeded PRNG with a 2^32 period (plenty for a benchmark fixture). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'array',
  'buffer',
  'cache',
  'config',
  'crypto',
  'date',
  'encode',
  'event',
  'fetch',
  'format',
  'handler',
  'http',
  'json',
  'loader',
  'logger',
  'merge',
  'parse',
  'path',
  'query',
  'render',
  'request',
  'resolve',
  'router',
  'schema',
  'session',
  'stream',
  'string',
  'template',
  'token',
  'util',
  'validate',
  'watch',
  'yaml',
  'zlib',
  'socket',
  'worker',
  'queue',
  'plugin',
  'middleware',
  'auth',
];
const UNICODE_WORDS = ['café', 'naïve', 'größe', '日本語', 'données', 'αβγ', 'emoji😀'];
const EDGE_TYPES = [
  ['DirectCall', 0.7],
  ['Import', 0.12],
  ['DynamicLoad', 0.04],
  ['Reflection', 0.02],
  ['EnvGuard', 0.04],
  ['FeatureFlag', 0.04],
  ['PlatformArch', 0.02],
  ['LoaderRule', 0.02],
];
const GUARDS = {
  EnvGuard: ['DEBUG=true', 'NODE_ENV=production', 'LOG_LEVEL=trace', 'USE_NATIVE=1'],
  FeatureFlag: ['FEATURE_X=enabled', 'FEATURE_STREAMING=on', 'beta.search=true'],
  PlatformArch: ['os=linux', 'os=darwin', 'arch=arm64', 'os=win32'],
  DynamicLoad: ['RTLD_LAZY'],
  LoaderRule: ['exports["./node"]', 'browser=false'],
};
const KINDS = [
  ['function', 0.62],
  ['method', 0.3],
  ['module', 0.05],
  ['file', 0.02],
  ['package', 0.01],
];

function hex(rand, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += ((rand() * 16) | 0).toString(16);
  return s;
}
function pickWeighted(rand, table) {
  let r = rand();
  for (const [v, w] of table) {
    r -= w;
    if (r < 0) return v;
  }
  return table[table.length - 1][0];
}
function capitalize(word) {
  return word[0].toUpperCase() + word.slice(1);
}
function pick(rand, arr) {
  return arr[(rand() * arr.length) | 0];
}

/**
 * Build the document. Default: 100k nodes / 300k edges (≈50 MB of JSON).
 * @param {{nodes?: number, edges?: number, seed?: number}} [opts]
 */
export function generateReachGraph(opts = {}) {
  const nNodes = opts.nodes ?? 100_000;
  const nEdges = opts.edges ?? 300_000;
  const rand = prng(opts.seed ?? 20250101);

  const packages = [];
  for (let i = 0; i < 600; i++) {
    const scope = rand() < 0.25 ? pick(rand, WORDS) : undefined;
    const name = `${pick(rand, WORDS)}-${pick(rand, WORDS)}${i}`;
    const version = `${(rand() * 9) | 0}.${(rand() * 30) | 0}.${(rand() * 20) | 0}`;
    packages.push({
      name: scope ? `@${scope}/${name}` : name,
      purl: scope ? `pkg:npm/%40${scope}/${name}@${version}` : `pkg:npm/${name}@${version}`,
      short: i.toString(36),
      files: Array.from({ length: 4 + ((rand() * 12) | 0) }, () => `lib/${pick(rand, WORDS)}.js`),
    });
  }

  const batches = Array.from({ length: 40 }, () => `sha256:${hex(rand, 64)}`);
  const nodes = [];
  const ids = [];
  for (let i = 0; i < nNodes; i++) {
    const pkg = pick(rand, packages);
    const file = pick(rand, pkg.files);
    const kind = pickWeighted(rand, KINDS);
    const word = rand() < 0.002 ? pick(rand, UNICODE_WORDS) : pick(rand, WORDS);
    const symbol =
      kind === 'method'
        ? `${capitalize(pick(rand, WORDS))}.${word}${(rand() * 100) | 0}`
        : `${word}${capitalize(pick(rand, WORDS))}${(rand() * 100) | 0}`;
    const line = 1 + ((rand() * 2000) | 0);
    const id = `${pkg.short}:${symbol}:${i.toString(36)}`;
    ids.push(id);
    const node = { id, kind, purl: pkg.purl, symbol, file: `node_modules/${pkg.name}/${file}`, line };
    if (rand() < 0.01) node.isEntrypoint = true;
    if (rand() < 0.005) {
      node.isSink = true;
      node.cves = [`CVE-20${20 + ((rand() * 6) | 0)}-${10000 + ((rand() * 50000) | 0)}`];
      if (rand() < 0.3)
        node.cves.push(
          `GHSA-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 4)}`.replace(
            /[0-9a-f]/g,
            (c) => 'cfghjmpqrvwx23456789'[parseInt(c, 16)],
          ),
        );
    }
    if (rand() < 0.05) {
      node.observed = {
        hitCount: (rand() * 100000) | 0,
        batches: [...new Set([pick(rand, batches), pick(rand, batches)])],
      };
    }
    nodes.push(node);
  }

  const edges = [];
  for (let i = 0; i < nEdges; i++) {
    const from = (rand() * nNodes) | 0;
    // Calls are local more often than not: neighbours in generation order share packages.
    const to =
      rand() < 0.6
        ? Math.min(nNodes - 1, Math.max(0, from + (((rand() - 0.5) * 200) | 0)))
        : (rand() * nNodes) | 0;
    const type = pickWeighted(rand, EDGE_TYPES);
    const why = { type };
    const fromNode = nodes[from];
    if (rand() < 0.7)
      why.loc = `${fromNode.file.slice(fromNode.file.lastIndexOf('/lib/') + 1)}:${fromNode.line + ((rand() * 40) | 0)}:${1 + ((rand() * 80) | 0)}`;
    const guards = GUARDS[type];
    if (guards && rand() < 0.85) why.guard = pick(rand, guards);
    if (type !== 'DirectCall' && rand() < 0.5) why.confidence = Math.round(rand() * 1000) / 1000;
    const edge = { from: ids[from], to: ids[to], why };
    if (rand() < 0.03) edge.observed = { hitCount: (rand() * 5000) | 0, batches: [pick(rand, batches)] };
    edges.push(edge);
  }

  return {
    schemaVersion: 'reachgraph.min@v1',
    artifact: {
      name: 'registry.example.com/shop/orders-api:2.14.0',
      digest: `sha256:${hex(rand, 64)}`,
      env: ['linux/amd64', 'linux/arm64'],
    },
    scope: {
      entrypoints: ids.filter((_, i) => nodes[i].isEntrypoint).slice(0, 50),
      selectors: ['prod', 'http'],
      cves: [...new Set(nodes.flatMap((n) => n.cves ?? []))].slice(0, 100),
    },
    nodes,
    edges,
    provenance: {
      inputs: [
        { kind: 'callgraph', digest: `sha256:${hex(rand, 64)}`, id: '01JD8X3V6Q9ZK4M2N7P5R0S1T2' },
        ...batches.slice(0, 8).map((digest, i) => ({ kind: 'runtime-facts', digest, id: `batch-${i}` })),
        { kind: 'sbom', digest: `sha256:${hex(rand, 64)}` },
      ],
      analyzer: { name: 'stella-reachgraph', version: '0.1.0' },
      computedAt: '2025-01-01T12:00:00Z',
    },
    signatures: [{ keyid: 'reachgraph-signer-2025-001', sig: 'MEUCIQDx' }],
  };
}
