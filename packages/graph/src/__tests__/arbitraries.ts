import type { EdgeExplanation, ReachGraph, ReachGraphEdge, ReachGraphNode } from '@stella-ops/core';
import fc from 'fast-check';
import { doc, sha } from './fixtures.js';

export const CVES = ['CVE-2024-0001', 'CVE-2024-0002'];
export const PURLS = [
  'pkg:npm/a@1.0.0',
  'pkg:npm/a@1.2.0',
  'pkg:npm/a@2.0.0',
  'pkg:npm/b@1.0.0',
  'pkg:npm/%40s/c@1.0.0',
];
export const FILES = ['src/a.js', 'src/b/c.ts', 'lib/.hidden.js', 'lib/d.js', 'test/e.test.ts'];
export const SYMBOLS = ['main', 'run', 'parse', 'helper'];

const WHYS: EdgeExplanation[] = [
  { type: 'DirectCall' },
  { type: 'DirectCall', loc: 'src/a.js:3' },
  { type: 'Import' },
  { type: 'DynamicLoad', confidence: 0.5 },
  { type: 'Reflection', loc: 'src/b/c.ts:9', confidence: 0.9 },
  { type: 'EnvGuard', guard: 'DEBUG=true' },
  { type: 'FeatureFlag', guard: 'FEATURE_X=enabled' },
  { type: 'PlatformArch', guard: 'os=linux' },
  { type: 'LoaderRule', guard: 'RTLD_LAZY' },
  { type: 'FeatureFlag', guard: 'FEATURE_X=disabled' },
  { type: 'PlatformArch', guard: 'os=windows' },
  { type: 'PlatformArch', guard: 'os!=windows' },
  { type: 'PlatformArch', guard: 'arch=arm64|X64' },
  { type: 'EnvGuard', guard: 'DEBUG = TRUE' },
  { type: 'EnvGuard', guard: 'not a condition' },
  { type: 'LoaderRule', guard: 'os=linux' },
  { type: 'DirectCall', guard: 'FEATURE_X=enabled' },
];

/** Assumptions over the keys the guards above use (and one they never use), or none. */
export const assumptions: fc.Arbitrary<Record<string, string> | undefined> = fc.option(
  fc
    .record(
      {
        os: fc.constantFrom('linux', 'windows', 'Darwin'),
        arch: fc.constantFrom('arm64', 'x64', 'riscv'),
        DEBUG: fc.constantFrom('true', 'false', 'True'),
        FEATURE_X: fc.constantFrom('enabled', 'disabled', 'ENABLED'),
        UNUSED: fc.constant('x'),
      },
      { requiredKeys: [] },
    )
    .map((r) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))),
  { nil: undefined },
);

const observation = fc.option(
  fc.record({ hitCount: fc.nat(1000), batches: fc.subarray([sha('a'), sha('b')], { minLength: 1 }) }),
  { nil: undefined, freq: 2 },
);

/**
 * Random small reachgraph documents: 1–10 nodes with shuffled ids, n to 4n+4 edges including
 * self-loops, cycles and parallel edges of different types, random entrypoints, CVE sinks, purls,
 * files and runtime observations.
 */
export const smallGraph: fc.Arbitrary<ReachGraph> = graphsWith(WHYS);

/** Like {@link smallGraph}, but most edges carry a conditional guard (so sinks are often gated). */
export const guardedGraph: fc.Arbitrary<ReachGraph> = graphsWith([
  { type: 'DirectCall' },
  ...WHYS.filter((w) => ['EnvGuard', 'FeatureFlag', 'PlatformArch'].includes(w.type)),
]);

function graphsWith(whys: EdgeExplanation[]): fc.Arbitrary<ReachGraph> {
  return fc.integer({ min: 1, max: 10 }).chain((n) =>
    fc
      .record({
        prefixes: fc.array(fc.constantFrom('a', 'm', 'z', 'b'), { minLength: n, maxLength: n }),
        nodes: fc.array(
          fc.record({
            entry: fc.boolean(),
            cves: fc.subarray(CVES),
            purl: fc.option(fc.constantFrom(...PURLS), { nil: undefined }),
            file: fc.option(fc.constantFrom(...FILES), { nil: undefined }),
            symbol: fc.option(fc.constantFrom(...SYMBOLS), { nil: undefined }),
            observed: observation,
          }),
          { minLength: n, maxLength: n },
        ),
        edges: fc.array(
          fc.record({
            from: fc.nat(n - 1),
            to: fc.nat(n - 1),
            why: fc.constantFrom(...whys),
            observed: observation,
          }),
          { minLength: n, maxLength: 4 * n + 4 },
        ),
      })
      .map(({ prefixes, nodes, edges }) => {
        const ids = prefixes.map((p, i) => `${p}${i}`);
        const ns: ReachGraphNode[] = nodes.map((x, i) => {
          const node: ReachGraphNode = { id: ids[i] as string, kind: 'function' };
          if (x.purl) node.purl = x.purl;
          if (x.symbol) node.symbol = x.symbol;
          if (x.file) node.file = x.file;
          if (x.entry) node.isEntrypoint = true;
          if (x.cves.length > 0) {
            node.isSink = true;
            node.cves = x.cves;
          }
          if (x.observed) node.observed = x.observed;
          return node;
        });
        const seen = new Set<string>();
        const es: ReachGraphEdge[] = [];
        for (const e of edges) {
          const key = `${e.from},${e.to},${JSON.stringify(e.why)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const edge: ReachGraphEdge = {
            from: ids[e.from] as string,
            to: ids[e.to] as string,
            why: { ...e.why },
          };
          if (e.observed) edge.observed = e.observed;
          es.push(edge);
        }
        return doc(ns, es);
      }),
  );
}

/** An optional observed filter. */
export const observedFilter = fc.constantFrom(undefined, 'only' as const, 'exclude' as const);
