import fc from 'fast-check';
import { canonicalize } from '../json/canonicalize.js';
import { blake3 } from './blake3.js';
import { REACHGRAPH_PAYLOAD_TYPE, reachGraphDigest, reachGraphPayload } from './reachgraph-digest.js';
import { normalizeReachGraph } from './reachgraph-normalize.js';
import type { EdgeType, ReachGraph, ReachGraphEdge, ReachGraphNode } from './reachgraph-types.js';

const sha = (c: string) => `sha256:${c.repeat(64)}`;

/** A small fixed document: unsorted, with duplicates, nulls, an offset timestamp and a signature. */
const GOLDEN_INPUT = {
  schemaVersion: 'reachgraph.min@v1',
  artifact: {
    name: 'registry.example.com/shop/orders-api:2.14.0',
    digest: sha('a'),
    env: ['linux/arm64', 'linux/amd64'],
  },
  scope: { entrypoints: ['app:main'], selectors: ['prod', 'http', 'prod'], cves: ['CVE-2024-4068'] },
  nodes: [
    {
      id: 'lodash:merge',
      kind: 'function',
      purl: 'pkg:npm/lodash@4.17.20',
      symbol: 'merge',
      file: 'node_modules/lodash/merge.js',
      line: 36,
      isSink: true,
      cves: ['CVE-2024-4068', 'CVE-2020-8203', 'CVE-2024-4068'],
    },
    { id: 'app:main', kind: 'function', purl: 'pkg:npm/orders-api@2.14.0', isEntrypoint: true, line: null },
    { id: 'app:löad', kind: 'module', observed: { hitCount: 12, batches: [sha('c'), sha('b')] } },
  ],
  edges: [
    {
      from: 'app:main',
      to: 'lodash:merge',
      why: { type: 'DirectCall', loc: 'src/main.js:10:3', guard: null },
    },
    { from: 'app:main', to: 'app:löad', why: { type: 'DynamicLoad', guard: 'RTLD_LAZY', confidence: 0.9 } },
    { from: 'app:main', to: 'app:löad', why: { type: 'DynamicLoad' } },
    { from: 'app:löad', to: 'lodash:merge', why: { type: 'EnvGuard', guard: 'DEBUG=true' }, observed: null },
  ],
  provenance: {
    inputs: [
      { kind: 'runtime-facts', digest: sha('b'), id: '01JD8X3V6Q9ZK4M2N7P5R0S1T2' },
      { kind: 'callgraph', digest: sha('d') },
    ],
    analyzer: { name: 'stella-reachgraph', version: '0.1.0' },
    computedAt: '2025-03-01T10:15:30.120+02:00',
  },
  signatures: [{ keyid: 'reachgraph-signer-2025-001', sig: 'MEUCIQDx' }],
} as unknown as ReachGraph;

/** Its canonical normalised form, written out by hand from DESIGN §4. */
const GOLDEN_CANONICAL =
  '{"artifact":{"digest":"' +
  sha('a') +
  '","env":["linux/amd64","linux/arm64"],"name":"registry.example.com/shop/orders-api:2.14.0"},' +
  '"edges":[' +
  '{"from":"app:löad","to":"lodash:merge","why":{"guard":"DEBUG=true","type":"EnvGuard"}},' +
  '{"from":"app:main","to":"app:löad","why":{"type":"DynamicLoad"}},' +
  '{"from":"app:main","to":"app:löad","why":{"confidence":0.9,"guard":"RTLD_LAZY","type":"DynamicLoad"}},' +
  '{"from":"app:main","to":"lodash:merge","why":{"loc":"src/main.js:10:3","type":"DirectCall"}}],' +
  '"nodes":[' +
  `{"id":"app:löad","kind":"module","observed":{"batches":["${sha('b')}","${sha('c')}"],"hitCount":12}},` +
  '{"id":"app:main","isEntrypoint":true,"kind":"function","purl":"pkg:npm/orders-api@2.14.0"},' +
  '{"cves":["CVE-2020-8203","CVE-2024-4068"],"file":"node_modules/lodash/merge.js","id":"lodash:merge",' +
  '"isSink":true,"kind":"function","line":36,"purl":"pkg:npm/lodash@4.17.20","symbol":"merge"}],' +
  '"provenance":{"analyzer":{"name":"stella-reachgraph","version":"0.1.0"},"computedAt":"2025-03-01T08:15:30.12Z",' +
  `"inputs":[{"digest":"${sha('d')}","kind":"callgraph"},` +
  `{"digest":"${sha('b')}","id":"01JD8X3V6Q9ZK4M2N7P5R0S1T2","kind":"runtime-facts"}]},` +
  '"schemaVersion":"reachgraph.min@v1",' +
  '"scope":{"cves":["CVE-2024-4068"],"entrypoints":["app:main"],"selectors":["http","prod"]}}';

/** Pinned: a change here means every stored graph digest changes. */
const GOLDEN_DIGEST = 'blake3:2bef8da69d866d30602057b2dc18efea8b4f2131436e62147fc4e34dd93f1c4b';

describe('reachGraphDigest: golden document', () => {
  it('normalises to the hand-written canonical text', () => {
    expect(canonicalize(normalizeReachGraph(GOLDEN_INPUT))).toBe(GOLDEN_CANONICAL);
    expect(Buffer.from(reachGraphPayload(GOLDEN_INPUT)).toString('utf8')).toBe(GOLDEN_CANONICAL);
  });

  it('has the pinned digest, which is blake3 of that text', async () => {
    expect(await blake3(GOLDEN_CANONICAL)).toBe(GOLDEN_DIGEST);
    expect(await reachGraphDigest(GOLDEN_INPUT)).toBe(GOLDEN_DIGEST);
  });

  it('names the DSSE payload type', () => {
    expect(REACHGRAPH_PAYLOAD_TYPE).toBe('application/vnd.stella.reachgraph.min+json');
  });
});

// ---- property tests ------------------------------------------------------------------------------

const EDGE_TYPES: EdgeType[] = [
  'DirectCall',
  'Import',
  'DynamicLoad',
  'Reflection',
  'EnvGuard',
  'FeatureFlag',
  'PlatformArch',
  'LoaderRule',
];
/** Ids from a tiny alphabet so that near-ties and code-unit-vs-locale differences are common. */
const idArb = fc.string({
  unit: fc.constantFrom('a', 'B', 'é', '😀', '\uFB33', ':', '1'),
  minLength: 1,
  maxLength: 3,
});
const digestArb = fc.constantFrom(...'0123456789abcdef'.split('').map(sha));
const cveArb = fc.constantFrom('CVE-2024-1', 'CVE-2024-10', 'CVE-2023-9', 'GHSA-2345-6789-cfgh');
const observedArb = fc.record({
  hitCount: fc.nat(100),
  batches: fc.uniqueArray(digestArb, { maxLength: 3 }),
});

const nodeArb: fc.Arbitrary<ReachGraphNode> = fc.record(
  {
    id: idArb,
    kind: fc.constantFrom('function', 'method', 'module', 'package', 'file', 'binary'),
    purl: fc.constantFrom('pkg:npm/a@1.0.0', 'pkg:npm/b@2.0.0'),
    line: fc.nat(500),
    isSink: fc.boolean(),
    cves: fc.uniqueArray(cveArb, { maxLength: 3 }),
    observed: observedArb,
  },
  { requiredKeys: ['id', 'kind'] },
);
const edgeArb: fc.Arbitrary<ReachGraphEdge> = fc.record(
  {
    from: idArb,
    to: idArb,
    why: fc.record(
      {
        type: fc.constantFrom(...EDGE_TYPES),
        guard: fc.constantFrom('DEBUG=true', 'os=linux', 'A'),
        loc: fc.constantFrom('a.js:1', 'a.js:2:3'),
        confidence: fc.constantFrom(0, 0.5, 1),
      },
      { requiredKeys: ['type'] },
    ),
    observed: observedArb,
  },
  { requiredKeys: ['from', 'to', 'why'] },
);
const graphArb: fc.Arbitrary<ReachGraph> = fc.record({
  schemaVersion: fc.constant('reachgraph.min@v1' as const),
  artifact: fc.record({
    name: fc.constant('app'),
    digest: digestArb,
    env: fc.uniqueArray(fc.constantFrom('linux/amd64', 'linux/arm64', 'darwin/arm64')),
  }),
  scope: fc.record(
    {
      entrypoints: fc.uniqueArray(idArb, { maxLength: 3 }),
      selectors: fc.uniqueArray(fc.constantFrom('prod', 'http', 'é'), { maxLength: 3 }),
      cves: fc.uniqueArray(cveArb, { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
  nodes: fc.uniqueArray(nodeArb, { selector: (n) => n.id, maxLength: 8 }),
  edges: fc.array(edgeArb, { maxLength: 12 }),
  provenance: fc.record(
    {
      inputs: fc.array(
        fc.record(
          {
            kind: fc.constantFrom('callgraph', 'runtime-facts', 'sbom'),
            digest: digestArb,
            id: fc.constantFrom('x', 'y'),
          },
          { requiredKeys: ['kind', 'digest'] },
        ),
        { maxLength: 5 },
      ),
      analyzer: fc.constant({ name: 'stella', version: '1' }),
      computedAt: fc.constantFrom('2025-01-01T00:00:00Z', '2025-01-01T00:00:00.5Z'),
    },
    { requiredKeys: ['inputs', 'analyzer'] },
  ),
});

/** A seeded PRNG (mulberry32) so each property run shuffles reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(list: T[] | undefined, rand: () => number): void {
  if (!list) return;
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
}

/** Shuffles a set-like array and repeats one of its entries. */
function shuffleSet(list: string[] | undefined, rand: () => number): void {
  if (!list || list.length === 0) return;
  list.push(list[Math.floor(rand() * list.length)]!);
  shuffle(list, rand);
}

/** The same graph with every order-insensitive list permuted (sets also get a duplicate). */
function permuted(graph: ReachGraph, seed: number): ReachGraph {
  const g = structuredClone(graph);
  const rand = prng(seed);
  shuffle(g.nodes, rand);
  shuffle(g.edges, rand);
  shuffle(g.provenance.inputs, rand);
  shuffleSet(g.artifact.env, rand);
  shuffleSet(g.scope.entrypoints, rand);
  shuffleSet(g.scope.selectors, rand);
  shuffleSet(g.scope.cves, rand);
  for (const n of g.nodes) {
    shuffleSet(n.cves, rand);
    shuffleSet(n.observed?.batches, rand);
  }
  for (const e of g.edges) shuffleSet(e.observed?.batches, rand);
  return g;
}

/** The same graph with `null` in optional fields that are absent (and some extra nulls). */
function withNulls(graph: ReachGraph, seed: number): ReachGraph {
  const g = structuredClone(graph) as unknown as Record<string, unknown>;
  const rand = prng(seed);
  const fill = (o: unknown, keys: string[]) => {
    const rec = o as Record<string, unknown>;
    for (const k of keys) if (rec[k] === undefined && rand() < 0.7) rec[k] = rand() < 0.5 ? null : undefined;
  };
  const graphView = g as unknown as ReachGraph;
  fill(g, ['signatures']);
  fill(graphView.artifact, ['env']);
  fill(graphView.scope, ['entrypoints', 'selectors', 'cves']);
  fill(graphView.provenance, ['computedAt']);
  for (const n of graphView.nodes)
    fill(n, ['purl', 'symbol', 'file', 'line', 'isEntrypoint', 'isSink', 'cves', 'observed']);
  for (const e of graphView.edges) {
    fill(e, ['observed']);
    fill(e.why, ['loc', 'guard', 'confidence']);
  }
  for (const i of graphView.provenance.inputs) fill(i, ['id']);
  return g as unknown as ReachGraph;
}

const runs = { numRuns: 200 };

describe('reachGraphDigest properties (fast-check)', () => {
  it('equals blake3(canonicalize(normalizeReachGraph(doc)))', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, async (g) => {
        expect(await reachGraphDigest(g)).toBe(await blake3(canonicalize(normalizeReachGraph(g))));
      }),
      runs,
    );
  });

  it('is invariant under permutations of nodes, edges, inputs and set-like lists (and set duplicates)', async () => {
    await fc.assert(
      fc.asyncProperty(graphArb, fc.integer(), async (g, seed) => {
        expect(await reachGraphDigest(permuted(g, seed))).toBe(await reachGraphDigest(g));
      }),
      runs,
    );
  });

  it('is invariant under added null fields and under adding or changing signatures', async () => {
    await fc.assert(
      fc.asyncProperty(
        graphArb,
        fc.integer(),
        fc.array(fc.record({ keyid: fc.string({ minLength: 1 }), sig: fc.base64String({ minLength: 4 }) })),
        async (g, seed, signatures) => {
          const expected = await reachGraphDigest(g);
          expect(await reachGraphDigest(withNulls(g, seed))).toBe(expected);
          expect(await reachGraphDigest({ ...g, signatures })).toBe(expected);
          expect(await reachGraphDigest({ ...permuted(withNulls(g, seed), seed), signatures })).toBe(
            expected,
          );
        },
      ),
      runs,
    );
  });

  it('changes when a node id, an edge end, an edge type or a guard changes', async () => {
    const withNode = graphArb.filter((g) => g.nodes.length > 0 && g.edges.length > 0);
    await fc.assert(
      fc.asyncProperty(
        withNode,
        fc.nat(),
        fc.constantFrom('id', 'from', 'to', 'type', 'guard'),
        async (g, pick, what) => {
          const changed = structuredClone(g);
          const node = changed.nodes[pick % changed.nodes.length]!;
          const edge = changed.edges[pick % changed.edges.length]!;
          if (what === 'id') node.id = `${node.id}~renamed`;
          if (what === 'from') edge.from = `${edge.from}~x`;
          if (what === 'to') edge.to = `${edge.to}~x`;
          if (what === 'type') edge.why.type = edge.why.type === 'Import' ? 'Reflection' : 'Import';
          if (what === 'guard') {
            if (edge.why.guard === undefined) edge.why.guard = 'NEW=1';
            else delete edge.why.guard;
          }
          expect(await reachGraphDigest(changed)).not.toBe(await reachGraphDigest(g));
        },
      ),
      runs,
    );
  });
});
