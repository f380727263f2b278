import { readFileSync } from 'node:fs';
import {
  type CallgraphRecord,
  canonicalize,
  type ReachGraph,
  type RuntimeFact,
  reachGraphDigest,
  sha256,
  type VulnerableSink,
} from '@stella-ops/core';
import fc from 'fast-check';
import { sha } from '../__tests__/fixtures.js';
import { expectValid } from '../__tests__/schema.js';
import { createGraph } from '../model/create-graph.js';
import { cveSlice } from '../slice/cve-slice.js';
import { BUILDER_NAME, GRAPH_PACKAGE_VERSION } from '../version.js';
import { buildReachGraph, buildReachGraphReport } from './build-reach-graph.js';
import type { ReachGraphBuildInputs } from './types.js';

const example = (name: string) =>
  readFileSync(new URL(`../../../../examples/orders-api/${name}`, import.meta.url), 'utf8');
const ndjson = <T>(text: string): T[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

const ARTIFACT = { name: 'acme/orders-api', digest: sha('d') };
const header: CallgraphRecord = {
  type: 'header',
  schemaVersion: 'stella.callgraph@v1',
  language: 'javascript',
  source: 'test',
  componentPurl: 'pkg:npm/app@1.0.0',
  entryPoints: ['main', 'bin/cli.js'],
  generatedAt: '2026-01-01T00:00:00Z',
};
const node = (id: string, extra: Record<string, unknown> = {}): CallgraphRecord =>
  ({ type: 'node', id, ...extra }) as CallgraphRecord;
const edge = (from: string, to: string, extra: Record<string, unknown> = {}): CallgraphRecord =>
  ({ type: 'edge', from, to, ...extra }) as CallgraphRecord;
const fact = (symbolId: string, hitCount: number, extra: Partial<RuntimeFact> = {}): RuntimeFact => ({
  symbolId,
  hitCount,
  observedAt: '2026-01-02T00:00:00Z',
  factType: 'invocation',
  ...extra,
});

const RECORDS: CallgraphRecord[] = [
  header,
  node('main', { kind: 'function', symbol: 'main', purl: 'pkg:npm/app@1.0.0', file: 'src/main.js', line: 1 }),
  node('cli', { symbol: 'cli', purl: 'pkg:npm/app@1.0.0', isEntrypoint: true }),
  node('lodash3:template', { symbol: 'template', purl: 'pkg:npm/lodash@3.10.1' }),
  node('lodash4:template', { symbol: 'template', purl: 'pkg:npm/lodash@4.17.20' }),
  node('lodash4:merge', { symbol: 'merge', purl: 'pkg:npm/lodash@4.17.20' }),
  edge('main', 'lodash4:template'),
  edge('main', 'lodash4:merge', { why: { type: 'EnvGuard', guard: 'DEBUG=true', loc: 'src/main.js:3' } }),
  edge('cli', 'lodash3:template', { why: { type: 'DynamicLoad', confidence: 0.5 } }),
  edge('cli', 'main'),
  edge('cli', 'main'),
];
const SINKS: VulnerableSink[] = [
  { cve: 'CVE-2021-23337', purl: 'pkg:npm/lodash', symbol: 'template' },
  { cve: 'CVE-2020-8203', purl: 'pkg:npm/lodash@4.17.20', symbol: 'zipObjectDeep' },
  { cve: 'CVE-2019-10744', purl: 'pkg:npm/lodash@4.17.20', symbol: 'merge' },
];
const inputs = (over: Partial<ReachGraphBuildInputs> = {}): ReachGraphBuildInputs => ({
  artifact: ARTIFACT,
  callgraph: { records: RECORDS },
  runtimeFacts: [
    {
      provenanceHash: sha('a'),
      batchId: '01JBATCHA0000000000000000A',
      facts: [fact('main', 3), fact('lodash4:template', 2)],
    },
    {
      provenanceHash: sha('b'),
      facts: [
        fact('main', 4, { observedAt: '2026-01-05T00:00:00Z' }),
        fact('lodash4:template', 1, { factType: 'call', callerSymbolId: 'main' }),
        fact('ghost', 1),
      ],
    },
  ],
  sinks: SINKS,
  ...over,
});

const byId = (g: ReachGraph, id: string) => g.nodes.find((n) => n.id === id);

describe('buildReachGraph', () => {
  it('builds a valid document: defaults, entrypoints, sinks, observations, provenance', () => {
    const report = buildReachGraphReport(inputs());
    const g = report.graph;
    expectValid('reachgraph-min', g);
    expect(byId(g, 'cli')).toEqual({
      id: 'cli',
      kind: 'function',
      symbol: 'cli',
      purl: 'pkg:npm/app@1.0.0',
      isEntrypoint: true,
    });
    expect(byId(g, 'main')?.isEntrypoint).toBe(true);
    expect(g.scope.entrypoints).toEqual(['bin/cli.js', 'cli', 'main']);
    // a versionless sink purl matches every version; a versioned one only its own
    expect(byId(g, 'lodash3:template')).toMatchObject({ isSink: true, cves: ['CVE-2021-23337'] });
    expect(byId(g, 'lodash4:template')).toMatchObject({ isSink: true, cves: ['CVE-2021-23337'] });
    expect(byId(g, 'lodash4:merge')).toMatchObject({ isSink: true, cves: ['CVE-2019-10744'] });
    expect(g.scope.cves).toEqual(['CVE-2019-10744', 'CVE-2021-23337']);
    expect(report.unmatchedSinks).toEqual([SINKS[1]]);
    // edges: `why` defaults to DirectCall, explanations carried over, exact duplicates dropped
    expect(g.edges).toContainEqual({ from: 'cli', to: 'main', why: { type: 'DirectCall' } });
    expect(g.edges.filter((e) => e.from === 'cli' && e.to === 'main')).toHaveLength(1);
    expect(g.edges).toContainEqual({
      from: 'cli',
      to: 'lodash3:template',
      why: { type: 'DynamicLoad', confidence: 0.5 },
    });
    expect(g.edges).toHaveLength(4);
    // observations: hits summed over batches, provenance hashes sorted; a call fact marks its edge
    expect(byId(g, 'main')?.observed).toEqual({ hitCount: 7, batches: [sha('a'), sha('b')] });
    expect(byId(g, 'lodash4:template')?.observed).toEqual({ hitCount: 3, batches: [sha('a'), sha('b')] });
    expect(byId(g, 'cli')?.observed).toBeUndefined();
    expect(g.edges.find((e) => e.to === 'lodash4:template')?.observed).toEqual({
      hitCount: 1,
      batches: [sha('b')],
    });
    expect(report.unmatchedFacts).toBe(1);
    expect(g.provenance.computedAt).toBe('2026-01-05T00:00:00Z');
    expect(g.provenance.analyzer).toEqual({ name: BUILDER_NAME, version: GRAPH_PACKAGE_VERSION });
  });

  it('counts an execution once when a batch reports both its invocation and the call into it', () => {
    const both = (provenanceHash: string, hits: number) => ({
      provenanceHash,
      facts: [
        fact('lodash4:merge', hits),
        fact('lodash4:merge', hits, { factType: 'call' as const, callerSymbolId: 'main' }),
      ],
    });
    const g = buildReachGraph(inputs({ runtimeFacts: [both(sha('a'), 5), both(sha('b'), 7)] }));
    expect(byId(g, 'lodash4:merge')?.observed).toEqual({ hitCount: 12, batches: [sha('a'), sha('b')] });
    expect(g.edges.find((e) => e.to === 'lodash4:merge')?.observed).toEqual({
      hitCount: 12,
      batches: [sha('a'), sha('b')],
    });
    // sums saturate at Number.MAX_SAFE_INTEGER, so the order of batches cannot change them
    const huge = [both(sha('a'), Number.MAX_SAFE_INTEGER - 1), both(sha('b'), 3)];
    const x = buildReachGraph(inputs({ runtimeFacts: huge }));
    const y = buildReachGraph(inputs({ runtimeFacts: [...huge].reverse() }));
    expect(byId(x, 'lodash4:merge')?.observed?.hitCount).toBe(Number.MAX_SAFE_INTEGER);
    expect(x).toEqual(y);
  });

  it('records the digest of every input', () => {
    const g = buildReachGraph(inputs());
    const lines = RECORDS.map((r) => `${canonicalize(r)}\n`).join('');
    const sorted = [...SINKS].sort((a, b) => (a.cve < b.cve ? -1 : 1));
    expect(g.provenance.inputs).toEqual([
      { kind: 'callgraph', digest: sha256(new TextEncoder().encode(lines)) },
      { kind: 'runtime-facts', digest: sha('a'), id: '01JBATCHA0000000000000000A' },
      { kind: 'runtime-facts', digest: sha('b') },
      { kind: 'sinks', digest: sha256(new TextEncoder().encode(canonicalize(sorted))) },
    ]);
    const given = buildReachGraph(
      inputs({ callgraph: { records: RECORDS, digest: sha('e'), graphId: '01JGRAPH000000000000000000' } }),
    );
    expect(given.provenance.inputs[0]).toEqual({
      kind: 'callgraph',
      digest: sha('e'),
      id: '01JGRAPH000000000000000000',
    });
  });

  it('uses no clock: computedAt comes from the inputs, or is left out', () => {
    const RealDate = Date;
    class NoClock extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) throw new Error('the builder read the clock');
        super(...(args as [string]));
      }
      static override now(): number {
        throw new Error('the builder read the clock');
      }
    }
    const before = buildReachGraph(inputs());
    globalThis.Date = NoClock as DateConstructor;
    try {
      expect(buildReachGraph(inputs())).toEqual(before);
    } finally {
      globalThis.Date = RealDate;
    }
    const { generatedAt: _, ...undated } = header as Extract<CallgraphRecord, { type: 'header' }>;
    const g = buildReachGraph(
      inputs({ callgraph: { records: [undated, ...RECORDS.slice(1)] }, runtimeFacts: [] }),
    );
    expect(g.provenance.computedAt).toBeUndefined();
  });

  it('gives the same digest whatever the order of records, facts, batches and sinks', async () => {
    const base = inputs({ callgraph: { records: RECORDS, digest: sha('c') } });
    const expected = await reachGraphDigest(buildReachGraph(base));
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(RECORDS, { minLength: RECORDS.length }),
        fc.shuffledSubarray([...(base.runtimeFacts ?? [])], { minLength: 2 }),
        fc.shuffledSubarray(SINKS, { minLength: SINKS.length }),
        fc.boolean(),
        async (records, batches, sinks, reverseFacts) => {
          const shuffled = batches.map((b) => ({
            ...b,
            facts: reverseFacts ? [...b.facts].reverse() : b.facts,
          }));
          const built = buildReachGraph({
            ...base,
            callgraph: { records, digest: sha('c') },
            runtimeFacts: shuffled,
            sinks,
          });
          expect(await reachGraphDigest(built)).toBe(expected);
        },
      ),
      { numRuns: 40 },
    );
    // without a given digest, the call graph's digest follows the records' order; nothing else does
    const reordered = buildReachGraph(inputs({ callgraph: { records: [...RECORDS].reverse() } }));
    const original = buildReachGraph(inputs());
    expect(reordered.provenance.inputs[0]?.digest).not.toBe(original.provenance.inputs[0]?.digest);
    expect({ ...reordered, provenance: undefined }).toEqual({ ...original, provenance: undefined });
  });

  it('rejects inconsistent inputs as INPUT_INVALID', () => {
    const invalid = expect.objectContaining({ code: 'INPUT_INVALID' });
    const bad: Partial<ReachGraphBuildInputs>[] = [
      { callgraph: { records: RECORDS.slice(1) } },
      { callgraph: { records: [...RECORDS, header] } },
      { callgraph: { records: [...RECORDS, edge('main', 'nowhere')] } },
      { callgraph: { records: [...RECORDS, edge('nowhere', 'main')] } },
      { callgraph: { records: [...RECORDS, node('main')] } },
      { callgraph: { records: [...RECORDS, { type: 'comment' } as never] } },
      { sinks: [{ cve: 'not-a-cve', purl: 'pkg:npm/x', symbol: 'f' }] },
      { sinks: [{ cve: 'CVE-2024-0001', purl: 'npm/x', symbol: 'f' }] },
      { runtimeFacts: [{ provenanceHash: 'md5:00', facts: [] }] },
      {
        runtimeFacts: [
          { provenanceHash: sha('a'), facts: [] },
          { provenanceHash: sha('a'), facts: [] },
        ],
      },
      { runtimeFacts: [{ provenanceHash: sha('a'), facts: [fact('main', 1, { factType: 'call' })] }] },
      { runtimeFacts: [{ provenanceHash: sha('a'), facts: [fact('main', 1, { observedAt: 'yesterday' })] }] },
    ];
    for (const over of bad) expect(() => buildReachGraph(inputs(over))).toThrow(invalid);
  });

  it('rebuilds the orders-api example with the answers its README gives', async () => {
    const records = ndjson<CallgraphRecord>(example('callgraph.ndjson'));
    const facts = ndjson<RuntimeFact>(example('runtime-facts.ndjson'));
    const sinks = JSON.parse(example('sinks.json')) as VulnerableSink[];
    const report = buildReachGraphReport({
      artifact: ARTIFACT,
      callgraph: { records },
      runtimeFacts: [{ provenanceHash: sha('f'), facts }],
      sinks,
    });
    const doc = report.graph;
    expectValid('reachgraph-min', doc);
    expect(report.unmatchedSinks).toEqual([]);
    const g = createGraph(doc, { digest: await reachGraphDigest(doc) });
    const template = cveSlice(g, { cve: 'CVE-2021-23337' });
    // every path passes a feature flag: reached only if CUSTOM_REPORTS or PDF_EXPORT is enabled
    expect(template.verdict).toBe('gated');
    expect(cveSlice(g, { cve: 'CVE-2021-23337', assume: { CUSTOM_REPORTS: 'enabled' } }).verdict).toBe(
      'reachable',
    );
    expect(
      cveSlice(g, { cve: 'CVE-2021-23337', assume: { CUSTOM_REPORTS: 'disabled', PDF_EXPORT: 'disabled' } })
        .verdict,
    ).toBe('not_reachable');
    expect(template.paths?.map((p) => p.guards)).toEqual([
      ['CUSTOM_REPORTS=enabled'],
      ['PDF_EXPORT=enabled', 'os=linux'],
    ]);
    expect(template.nodes.find((n) => n.symbol === 'template')?.observed?.hitCount).toBe(212);
    const minimist = cveSlice(g, { cve: 'CVE-2021-44906' });
    expect(minimist.verdict).toBe('reachable');
    expect(new Set(minimist.paths?.map((p) => p.entrypoint))).toEqual(new Set(['app:src/cli.js#main']));
    expect(minimist.paths?.every((p) => p.hops.every((h) => !h.observed))).toBe(true);
    expect(cveSlice(g, { cve: 'CVE-2020-8203' }).verdict).toBe('not_reachable');
    expect(g.digest).toBe(
      await reachGraphDigest(
        buildReachGraph({
          artifact: ARTIFACT,
          callgraph: { records },
          runtimeFacts: [{ provenanceHash: sha('f'), facts }],
          sinks: [...sinks].reverse(),
        }),
      ),
    );
  });
});
