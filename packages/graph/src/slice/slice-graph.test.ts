import type { ReachGraph } from '@stella-ops/core';
import fc from 'fast-check';
import { smallGraph } from '../__tests__/arbitraries.js';
import { DEMO_EDGES, DEMO_NODES, demoGraph } from '../__tests__/demo-graph.js';
import { DIGEST, doc } from '../__tests__/fixtures.js';
import { expectValid } from '../__tests__/schema.js';
import { createGraph } from '../model/create-graph.js';
import { sliceGraph } from './slice-graph.js';
import type { AnySliceQuery } from './types.js';

const QUERIES: AnySliceQuery[] = [
  { type: 'cve', cve: 'CVE-2024-0001' },
  { type: 'cve', cve: 'CVE-2024-0002', observed: 'only' },
  { type: 'package', purl: 'pkg:npm/a', depth: 2 },
  { type: 'package', purl: 'pkg:npm/a@1.*', direction: 'upstream', observed: 'exclude' },
  { type: 'entrypoint', entrypoint: 'main', sinksOnly: true },
  { type: 'entrypoint', entrypoint: 'a0', depth: 3 },
  { type: 'file', file: 'src/**' },
];

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('sliceGraph', () => {
  it('dispatches on the query type', () => {
    const g = demoGraph();
    expect(sliceGraph(g, { type: 'cve', cve: 'CVE-2021-44906' }).verdict).toBe('reachable');
    expect(sliceGraph(g, { type: 'package', purl: 'pkg:npm/minimist' }).counts.matched).toBe(2);
    expect(sliceGraph(g, { type: 'entrypoint', entrypoint: 'app:cli' }).counts.nodes).toBe(4);
    expect(sliceGraph(g, { type: 'file', file: 'src/cli.js' }).counts.matched).toBe(2);
    const res = sliceGraph(g, { type: 'cve', cve: 'CVE-2021-23337' });
    expect(res.schemaVersion).toBe('reachgraph.slice@v1');
    expect(res.graphDigest).toBe(g.digest);
    expectValid('slice-response', res);
  });

  it('rejects unknown types and non-objects as QUERY_INVALID', () => {
    const g = demoGraph();
    for (const q of [null, 'cve', { type: 'path' }, { cve: 'CVE-2021-44906' }, []]) {
      expect(() => sliceGraph(g, q as never)).toThrow(expect.objectContaining({ code: 'QUERY_INVALID' }));
    }
  });

  it('gives the same answer whatever the order of the document’s nodes and edges', () => {
    fc.assert(
      fc.property(smallGraph, fc.nat(), fc.constantFrom(...QUERIES), (d: ReachGraph, seed, query) => {
        const shuffled = doc(shuffle(d.nodes, seed), shuffle(d.edges, seed + 1));
        const a = sliceGraph(createGraph(d, { digest: DIGEST }), query);
        const b = sliceGraph(createGraph(shuffled, { digest: DIGEST }), query);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 100 },
    );
    const demo = createGraph(doc(shuffle(DEMO_NODES, 7), shuffle(DEMO_EDGES, 8)), { digest: DIGEST });
    expect(JSON.stringify(sliceGraph(demo, { type: 'cve', cve: 'CVE-2021-23337' }))).toBe(
      JSON.stringify(sliceGraph(demoGraph(), { type: 'cve', cve: 'CVE-2021-23337' })),
    );
  });
});
