import {
  type CallgraphEdgeRecord,
  type CallgraphRecord,
  canonicalize,
  normalizeReachGraph,
  type ReachGraph,
  type ReachGraphEdge,
  reachGraphDigest,
} from '@stella-ops/core';
import fc from 'fast-check';
import { sha } from '../__tests__/fixtures.js';
import { generateReachGraph } from '../testing/generate.js';
import { buildReachGraphReport } from './build-reach-graph.js';
import { readCallgraph } from './callgraph.js';
import { type Observations, observe } from './observe.js';
import { callgraphDigest } from './provenance.js';
import type { ReachGraphBuildInputs } from './types.js';

// Digests of the builder's output computed by the builder as it was before its fast paths (commit
// 1fd9f57): the document it builds must stay byte for byte the same.

/** Build inputs that reproduce a generated graph (as bench/reachgraph/inputs.mjs makes them). */
function inputsOf(graph: ReachGraph): ReachGraphBuildInputs {
  const records: CallgraphRecord[] = [
    {
      type: 'header',
      schemaVersion: 'stella.callgraph@v1',
      language: 'javascript',
      source: 'bench-generator',
      componentPurl: 'pkg:npm/bench-app@1.0.0',
      entryPoints: graph.nodes.filter((n) => n.isEntrypoint).map((n) => n.id),
    },
  ];
  for (const n of graph.nodes) {
    const r: Record<string, unknown> = { type: 'node', id: n.id, kind: n.kind };
    if (n.symbol) r['symbol'] = n.symbol;
    if (n.purl) r['purl'] = n.purl;
    if (n.file) r['file'] = n.file;
    if (n.line !== undefined) r['line'] = n.line;
    if (n.isEntrypoint) r['isEntrypoint'] = true;
    records.push(r as unknown as CallgraphRecord);
  }
  for (const e of graph.edges) records.push({ type: 'edge', from: e.from, to: e.to, why: e.why });
  const facts = graph.nodes
    .filter((n) => n.observed)
    .map((n) => ({
      symbolId: n.id,
      hitCount: Math.max(1, n.observed?.hitCount ?? 1),
      observedAt: '2026-11-20T10:00:00Z',
      factType: 'invocation' as const,
    }));
  const sinks = graph.nodes.flatMap((n) =>
    n.isSink && n.purl && n.symbol
      ? (n.cves ?? []).map((cve) => ({ cve, purl: n.purl as string, symbol: n.symbol as string }))
      : [],
  );
  return {
    artifact: graph.artifact,
    callgraph: { records },
    runtimeFacts: [{ provenanceHash: `sha256:${'ab'.repeat(32)}`, facts }],
    sinks,
  };
}

const header: CallgraphRecord = {
  type: 'header',
  schemaVersion: 'stella.callgraph@v1',
  language: 'javascript',
  source: 'test',
  componentPurl: 'pkg:npm/app@1.0.0',
  entryPoints: ['z', 'missing'],
};
const node = (id: string, extra: Record<string, unknown> = {}) =>
  ({ type: 'node', id, ...extra }) as CallgraphRecord;
const edge = (from: string, to: string, why?: Record<string, unknown>) =>
  ({ type: 'edge', from, to, ...(why ? { why } : {}) }) as CallgraphRecord;

/** Exact and near duplicates, parallel edges, empty vs absent guard and loc, unsorted ids. */
const TRICKY: ReachGraphBuildInputs = {
  artifact: { name: 'tricky', digest: sha('d') },
  callgraph: {
    records: [
      header,
      node('z', { symbol: 'z', purl: 'pkg:npm/app@1.0.0' }),
      node('b', { symbol: 'template', purl: 'pkg:npm/lodash@4.17.20', kind: 'method' }),
      node('a', { symbol: 'a', isEntrypoint: true, line: 3, file: 'a.js' }),
      node('é', { symbol: 'é' }),
      node('A'),
      edge('z', 'b'),
      edge('z', 'b', { type: 'DirectCall' }),
      edge('z', 'b', { type: 'DirectCall', loc: '' }),
      edge('z', 'b', { type: 'DirectCall', loc: 'x.js:2' }),
      edge('z', 'b', { type: 'DirectCall', loc: 'x.js:1' }),
      edge('z', 'b', { type: 'DirectCall', loc: 'x.js:1', confidence: 0.5 }),
      edge('z', 'b', { type: 'DirectCall', loc: 'x.js:1', confidence: 0.25 }),
      edge('z', 'b', { type: 'EnvGuard', guard: '' }),
      edge('z', 'b', { type: 'EnvGuard' }),
      edge('z', 'b', { type: 'EnvGuard', guard: 'DEBUG=1' }),
      edge('z', 'b', { type: 'EnvGuard', guard: 'DEBUG=1' }),
      edge('a', 'z', { type: 'Import' }),
      edge('a', 'é'),
      edge('é', 'A'),
      edge('A', 'a', { type: 'Reflection', guard: 'g', loc: 'l', confidence: 1 }),
      edge('A', 'a', { type: 'Reflection', guard: 'g', loc: 'l', confidence: 1 }),
      edge('b', 'b'),
    ],
  },
  runtimeFacts: [
    {
      provenanceHash: sha('b'),
      facts: [
        {
          symbolId: 'b',
          hitCount: 2,
          observedAt: '2026-01-02T00:00:00Z',
          factType: 'call',
          callerSymbolId: 'z',
        },
        { symbolId: 'A', hitCount: 1, observedAt: '2026-01-03T00:00:00+02:00', factType: 'invocation' },
        {
          symbolId: 'a',
          hitCount: 1,
          observedAt: '2026-01-01T00:00:00Z',
          factType: 'call',
          callerSymbolId: 'b',
        },
      ],
    },
    {
      provenanceHash: sha('a'),
      batchId: 'batch-a',
      facts: [
        {
          symbolId: 'b',
          hitCount: 5,
          observedAt: '2026-01-02T00:00:00Z',
          factType: 'call',
          callerSymbolId: 'z',
        },
        { symbolId: 'ghost', hitCount: 1, observedAt: '2026-01-02T00:00:00Z', factType: 'invocation' },
      ],
    },
  ],
  sinks: [{ cve: 'CVE-2021-23337', purl: 'pkg:npm/lodash', symbol: 'template' }],
  scope: { selectors: ['b', 'a', 'b'] },
};

async function fingerprint(inputs: ReachGraphBuildInputs) {
  const report = buildReachGraphReport(inputs);
  return {
    digest: await reachGraphDigest(report.graph),
    callgraph: report.graph.provenance.inputs[0]?.digest,
    nodes: report.graph.nodes.length,
    edges: report.graph.edges.length,
    unmatchedFacts: report.unmatchedFacts,
    unmatchedSinks: report.unmatchedSinks.length,
  };
}

describe('buildReachGraph output (pinned)', () => {
  it('builds a generated 3k-node graph into the same document as before', async () => {
    const graph = generateReachGraph({ nodes: 3000, edges: 9000, seed: 7 });
    expect(await fingerprint(inputsOf(graph))).toEqual(PINNED_GENERATED);
  });

  it('builds duplicates, parallel edges and empty guards and locations into the same document as before', async () => {
    expect(await fingerprint(TRICKY)).toEqual(PINNED_TRICKY);
  });

  it('returns a normalised document (normalising it again changes nothing)', () => {
    for (const inputs of [TRICKY, inputsOf(generateReachGraph({ nodes: 500, edges: 1500, seed: 3 }))]) {
      const built = buildReachGraphReport(inputs).graph;
      expect(normalizeReachGraph(built)).toEqual(built);
    }
  });

  it('hashes the call graph records as canonical NDJSON', () => {
    expect(callgraphDigest(TRICKY.callgraph.records)).toBe(PINNED_TRICKY.callgraph);
  });
});

/** The builder's edges as it made them before (1fd9f57): a joined-string key per edge, input order. */
function referenceEdges(records: CallgraphRecord[], obs: Observations) {
  const byKey = new Map<string, ReachGraphEdge>();
  const pairs = new Set<string>();
  for (const r of records.filter((x): x is CallgraphEdgeRecord => x.type === 'edge')) {
    const w = r.why ?? { type: 'DirectCall' as const };
    const why: ReachGraphEdge['why'] = { type: w.type };
    if (w.loc !== undefined) why.loc = w.loc;
    if (w.guard !== undefined) why.guard = w.guard;
    if (w.confidence !== undefined) why.confidence = w.confidence;
    const key = [r.from, r.to, why.type, why.guard ?? '', why.loc ?? '', why.confidence ?? ''].join('\u0000');
    if (byKey.has(key)) continue;
    const edge: ReachGraphEdge = { from: r.from, to: r.to, why };
    const seen = obs.calls.get(r.from)?.get(r.to);
    if (seen) edge.observed = { hitCount: seen.hitCount, batches: [...seen.batches] };
    byKey.set(key, edge);
    pairs.add(`${r.from}\u0000${r.to}`);
  }
  let unmatchedCalls = 0;
  for (const [from, callees] of obs.calls) {
    for (const to of callees.keys()) if (!pairs.has(`${from}\u0000${to}`)) unmatchedCalls++;
  }
  return { edges: [...byKey.values()], unmatchedCalls };
}

describe('buildReachGraph edges (differential)', () => {
  const ids = ['a', 'b', 'B', 'é', 'a\u0000b', 'b\u0000c', 'c', 'z'];
  const id = fc.constantFrom(...ids);
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const why = fc.record(
    {
      type: fc.constantFrom('DirectCall', 'EnvGuard', 'Import'),
      guard: opt(fc.constantFrom('', 'g', 'h', 'g\u0000')),
      loc: opt(fc.constantFrom('', 'x.js:1', 'x.js:2')),
      confidence: opt(fc.constantFrom(0, 0.5, 1)),
    },
    { requiredKeys: ['type'] },
  );
  const edgeRecord = fc.record({ from: id, to: id, why: opt(why) });
  const callFact = fc.record({ caller: fc.constantFrom(...ids, 'ghost'), callee: id, hits: fc.nat(5) });

  it('keeps the same edges, observations and unmatched calls as the joined-key builder did', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(edgeRecord, { maxLength: 40 }),
        fc.array(callFact, { maxLength: 10 }),
        (withNul, edges, calls) => {
          const nodeIds = withNul ? ids : ids.filter((i) => !i.includes('\u0000'));
          const records: CallgraphRecord[] = [
            header,
            ...[...nodeIds].reverse().map((i) => node(i)),
            ...edges
              .filter((e) => nodeIds.includes(e.from) && nodeIds.includes(e.to))
              .map((e) => ({
                type: 'edge' as const,
                from: e.from,
                to: e.to,
                ...(e.why ? { why: e.why } : {}),
              })),
          ] as CallgraphRecord[];
          const runtimeFacts = [
            {
              provenanceHash: sha('c'),
              facts: calls
                .filter((c) => nodeIds.includes(c.callee))
                .map((c) => ({
                  symbolId: c.callee,
                  hitCount: c.hits,
                  observedAt: '2026-01-01T00:00:00Z',
                  factType: 'call' as const,
                  callerSymbolId: c.caller,
                })),
            },
          ];
          const inputs: ReachGraphBuildInputs = {
            artifact: { name: 'diff', digest: sha('d') },
            callgraph: { records },
            runtimeFacts,
            sinks: [],
          };
          const built = buildReachGraphReport(inputs);
          const cg = readCallgraph(records);
          const obs = observe(runtimeFacts, new Set(cg.nodes.keys()));
          const ref = referenceEdges(records, obs);
          const expected = normalizeReachGraph({ ...built.graph, edges: ref.edges });
          expect(canonicalize(built.graph)).toBe(canonicalize(expected));
          expect(built.unmatchedFacts).toBe(obs.unknownSymbols + ref.unmatchedCalls);
        },
      ),
      { numRuns: 300 },
    );
  });
});

const PINNED_GENERATED = {
  digest: 'blake3:144fc8918af64c23a8e57cca6714a2af21c15aeab8a34cbed7edb2b821f9cc38',
  callgraph: 'sha256:3d9f3f858819117ac6f1509832a2f93cff4f03a566d360ebfcebd0d17011215e',
  nodes: 3000,
  edges: 8998,
  unmatchedFacts: 0,
  unmatchedSinks: 0,
};
const PINNED_TRICKY = {
  digest: 'blake3:1fbe276ec1971588896f9150021199cc951f7f273096b9dd1723db8179ef277b',
  callgraph: 'sha256:a318040bbc8e154980a1b3f3bfb55934d6435e25744e8a2d6aaeb3ad489ff7cd',
  nodes: 5,
  edges: 12,
  unmatchedFacts: 2,
  unmatchedSinks: 0,
};
