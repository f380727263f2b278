import fc from 'fast-check';
import { canonicalize } from '../json/canonicalize.js';
import { reachGraphDigest } from './reachgraph-digest.js';
import { normalizeReachGraph } from './reachgraph-normalize.js';
import { isNormalizedReachGraph, normalizedReachGraphView } from './reachgraph-normalized.js';
import type { ReachGraph } from './reachgraph-types.js';

const sha = (c: string) => `sha256:${c.repeat(64)}`;
const digest = fc.constantFrom(...'0123a'.split('').map(sha));
/** A tiny alphabet (with a lone-free astral character) so that ties and near-ties are common. */
const id = fc.string({
  unit: fc.constantFrom('a', 'B', 'é', '😀', '\u0001', ':'),
  minLength: 1,
  maxLength: 2,
});
const stringSet = (values: string[]) => fc.array(fc.constantFrom(...values), { maxLength: 3 });
const maybeNull = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: arb }, fc.constant(null));
const observed = fc.record({ hitCount: fc.nat(9), batches: fc.array(digest, { maxLength: 3 }) });

const node = fc.record(
  {
    id,
    kind: fc.constantFrom('function', 'module'),
    purl: maybeNull(fc.constant('pkg:npm/a@1.0.0')),
    line: fc.nat(9),
    isSink: fc.boolean(),
    cves: stringSet(['CVE-2024-1', 'CVE-2024-10', 'GHSA-2345-6789-cfgh']),
    observed: maybeNull(observed),
  },
  { requiredKeys: ['id', 'kind'] },
);
const edge = fc.record(
  {
    from: id,
    to: id,
    why: fc.record(
      {
        type: fc.constantFrom('DirectCall', 'EnvGuard', 'Import'),
        guard: maybeNull(fc.constantFrom('A', 'DEBUG=true')),
        loc: fc.constantFrom('a.js:1', 'a.js:2'),
        confidence: fc.constantFrom(0, 0.5),
      },
      { requiredKeys: ['type'] },
    ),
    observed: maybeNull(observed),
  },
  { requiredKeys: ['from', 'to', 'why'] },
);
const graph = fc.record(
  {
    schemaVersion: fc.constant('reachgraph.min@v1'),
    artifact: fc.record({
      name: fc.constant('app'),
      digest,
      env: stringSet(['linux/amd64', 'linux/arm64']),
    }),
    scope: fc.record(
      { entrypoints: fc.array(id, { maxLength: 3 }), cves: stringSet(['CVE-2024-1', 'CVE-2024-10']) },
      { requiredKeys: [] },
    ),
    nodes: fc.array(maybeNull(node), { maxLength: 6 }),
    edges: fc.array(edge, { maxLength: 8 }),
    provenance: fc.record(
      {
        inputs: fc.array(
          fc.record(
            { kind: fc.constantFrom('callgraph', 'sbom'), digest, id: fc.constantFrom('x', 'y') },
            { requiredKeys: ['kind', 'digest'] },
          ),
          { maxLength: 4 },
        ),
        analyzer: fc.constant({ name: 'stella', version: '1' }),
        computedAt: fc.constantFrom(
          '2025-01-01T00:00:00Z',
          '2025-01-01T01:00:00+01:00',
          '2025-01-01T00:00:00.50Z',
        ),
      },
      { requiredKeys: ['inputs', 'analyzer'] },
    ),
    signatures: fc.array(fc.record({ keyid: fc.constant('k'), sig: fc.constant('AAAA') }), { maxLength: 1 }),
  },
  { requiredKeys: ['schemaVersion', 'artifact', 'scope', 'nodes', 'edges', 'provenance'] },
) as unknown as fc.Arbitrary<ReachGraph>;

/** Random graphs, and normalised ones (the fast path's case) with or without one small change. */
const candidates = fc.oneof(
  graph,
  graph.map((g) => normalizeReachGraph(g) as ReachGraph),
  fc
    .tuple(graph, fc.nat(), fc.constantFrom('swap-nodes', 'swap-edges', 'null', 'unsort-cves', 'signature'))
    .map(([g, at, change]) => {
      const n = JSON.parse(JSON.stringify(normalizeReachGraph(g))) as Record<string, never> & ReachGraph;
      const swap = (list: unknown[]) => {
        if (list.length < 2) return;
        const i = at % (list.length - 1);
        [list[i], list[i + 1]] = [list[i + 1], list[i]];
      };
      if (change === 'swap-nodes') swap(n.nodes);
      if (change === 'swap-edges') swap(n.edges);
      if (change === 'null') (n.artifact as unknown as Record<string, unknown>)['env'] = null;
      if (change === 'unsort-cves') n.nodes.find((x) => (x.cves?.length ?? 0) > 1)?.cves?.reverse();
      if (change === 'signature') n.signatures = [{ keyid: 'k', sig: 'BBBB' }];
      return n as ReachGraph;
    }),
);

const withoutSignatures = (doc: ReachGraph) => {
  const { signatures: _s, ...rest } = doc;
  return rest;
};

describe('normalizedReachGraphView', () => {
  it('has the canonical JSON of normalizeReachGraph for every document, normalised or not', () => {
    let fast = 0;
    fc.assert(
      fc.property(candidates, (doc) => {
        const before = JSON.stringify(doc);
        if (isNormalizedReachGraph(doc)) fast++;
        expect(canonicalize(normalizedReachGraphView(doc))).toBe(canonicalize(normalizeReachGraph(doc)));
        expect(JSON.stringify(doc)).toBe(before);
      }),
      { numRuns: 2000 },
    );
    expect(fast).toBeGreaterThan(300);
  });

  it('only claims a document is normalised when normalising changes nothing but dropping signatures', () => {
    fc.assert(
      fc.property(candidates, (doc) => {
        if (!isNormalizedReachGraph(doc)) return;
        expect(canonicalize(withoutSignatures(doc))).toBe(canonicalize(normalizeReachGraph(doc)));
      }),
      { numRuns: 2000 },
    );
  });

  it('recognises every normalised document (ties included) and shares its parts instead of copying', () => {
    fc.assert(
      fc.property(graph, (g) => {
        const n = normalizeReachGraph(g) as ReachGraph;
        expect(isNormalizedReachGraph(n)).toBe(true);
        const view = normalizedReachGraphView({ ...n, signatures: [{ keyid: 'k', sig: 'AAAA' }] });
        expect(view.nodes).toBe(n.nodes);
        expect('signatures' in view).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('orders parallel edges that tie on (from, to, type, guard) by their canonical JSON', () => {
    const d = (locs: string[]) =>
      ({
        schemaVersion: 'reachgraph.min@v1',
        artifact: { name: 'app', digest: sha('1') },
        scope: {},
        nodes: [
          { id: 'a', kind: 'function' },
          { id: 'b', kind: 'function' },
        ],
        edges: locs.map((loc) => ({ from: 'a', to: 'b', why: { type: 'DirectCall', loc } })),
        provenance: { inputs: [], analyzer: { name: 's', version: '1' } },
      }) as ReachGraph;
    expect(isNormalizedReachGraph(d(['a.js:1', 'a.js:2']))).toBe(true);
    expect(isNormalizedReachGraph(d(['a.js:2', 'a.js:1']))).toBe(false);
    expect(isNormalizedReachGraph(d(['a.js:1', 'a.js:1']))).toBe(true);
  });

  it('says no to each thing normalisation would change', () => {
    const base = normalizeReachGraph({
      schemaVersion: 'reachgraph.min@v1',
      artifact: { name: 'app', digest: sha('1'), env: ['a', 'b'] },
      scope: { entrypoints: ['m'], cves: ['CVE-2024-1'] },
      nodes: [
        { id: 'm', kind: 'function', isEntrypoint: true },
        {
          id: 's',
          kind: 'function',
          cves: ['CVE-2024-1', 'CVE-2024-2'],
          observed: { hitCount: 1, batches: ['x', 'y'] },
        },
      ],
      edges: [
        { from: 'm', to: 's', why: { type: 'DirectCall' } },
        { from: 'm', to: 's', why: { type: 'EnvGuard', guard: 'A' } },
      ],
      provenance: {
        inputs: [
          { kind: 'callgraph', digest: sha('1') },
          { kind: 'sbom', digest: sha('1') },
        ],
        analyzer: { name: 'stella', version: '1' },
        computedAt: '2025-01-01T00:00:00Z',
      },
    } as ReachGraph) as ReachGraph;
    expect(isNormalizedReachGraph(base)).toBe(true);
    const changes: ((d: ReachGraph & Record<string, unknown>) => void)[] = [
      (d) => d.nodes.reverse(),
      (d) => d.edges.reverse(),
      // ties with the last edge, but its canonical JSON sorts first
      (d) => {
        const last = d.edges[1] as ReachGraph['edges'][number];
        d.edges.push({ ...last, why: { ...last.why, confidence: 0 } });
      },
      (d) => d.nodes[1]?.cves?.reverse(),
      (d) => d.nodes[1]?.observed?.batches.reverse(),
      (d) => d.artifact.env?.push('a'),
      (d) => d.provenance.inputs.reverse(),
      (d) => {
        d.provenance.computedAt = '2025-01-01T01:00:00+01:00';
      },
      (d) => {
        (d.nodes[0] as unknown as Record<string, unknown>)['line'] = null;
      },
      (d) => {
        (d.scope as unknown as Record<string, unknown>)['selectors'] = [null];
      },
      (d) => {
        d['extra'] = new Date(0);
      },
    ];
    for (const change of changes) {
      const d = structuredClone(base) as ReachGraph & Record<string, unknown>;
      change(d);
      expect(isNormalizedReachGraph(d)).toBe(false);
    }
  });

  it('keeps the golden digest of a normalised document', async () => {
    const doc = {
      schemaVersion: 'reachgraph.min@v1',
      artifact: { name: 'app', digest: sha('a') },
      scope: { cves: ['CVE-2024-1'] },
      nodes: [
        { id: 'a', kind: 'function', isEntrypoint: true },
        { id: 'b', kind: 'function', cves: ['CVE-2024-1'], isSink: true },
      ],
      edges: [{ from: 'a', to: 'b', why: { type: 'DirectCall', loc: 'a.js:1' } }],
      provenance: {
        inputs: [{ kind: 'callgraph', digest: sha('b') }],
        analyzer: { name: 's', version: '1' },
      },
    } as ReachGraph;
    expect(isNormalizedReachGraph(doc)).toBe(true);
    const expected = await reachGraphDigest(structuredClone({ ...doc, nodes: [...doc.nodes].reverse() }));
    expect(await reachGraphDigest(doc)).toBe(expected);
    expect(expected).toBe(PINNED);
  });
});

/** reachGraphDigest of the document above, computed by the build before the fast path existed. */
const PINNED = 'blake3:20bc725e0b9361c98dd5c71259a77a960602e8e78d0117cf91c3f3b47cfaf2c8';
