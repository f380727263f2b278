import { DEMO_EDGES, DEMO_NODES, demoGraph } from '../__tests__/demo-graph.js';
import { edge, fn, graph, sha } from '../__tests__/fixtures.js';
import { expectValid } from '../__tests__/schema.js';
import { cveSlice } from './cve-slice.js';
import { entrypointSlice } from './entrypoint-slice.js';
import { sliceGraph } from './slice-graph.js';

const seen = { hitCount: 3, batches: [sha('b')] };

describe('observed filter', () => {
  // e (seen) → a (seen) → s (seen, sink); e → b (not seen) → s; the edge a → s was seen itself
  const g = graph(
    [
      fn('e', { isEntrypoint: true, observed: seen }),
      fn('a', { observed: seen }),
      fn('b'),
      fn('s', { cves: ['CVE-2024-0001'], observed: seen }),
    ],
    [edge('e', 'a'), edge('a', 's', {}, { observed: seen }), edge('e', 'b'), edge('b', 's')],
  );

  it('only: keeps observed nodes and the edges between them', () => {
    const res = cveSlice(g, { cve: 'CVE-2024-0001', observed: 'only' });
    expect(res.nodes.map((n) => n.id)).toEqual(['a', 'e', 's']);
    expect(res.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['a>s', 'e>a']);
    expect(res.paths?.[0]?.hops.map((h) => h.observed)).toEqual([false, true]);
    expect(res.query).toEqual({ type: 'cve', cve: 'CVE-2024-0001', observed: 'only' });
    expectValid('slice-response', res);
  });

  it('exclude: keeps nodes never observed and unobserved edges between them', () => {
    const res = sliceGraph(g, { type: 'entrypoint', entrypoint: 'b', observed: 'exclude' });
    expect(res.nodes.map((n) => n.id)).toEqual(['b']);
    const cve = cveSlice(g, { cve: 'CVE-2024-0001', observed: 'exclude' });
    expect(cve.verdict).toBe('not_reachable');
    expect(cve.sinks).toEqual({ reachable: [], gated: [], unreachable: ['s'] });
  });

  it('exclude drops an observed edge even between unobserved nodes', () => {
    const h = graph([fn('x', { isEntrypoint: true }), fn('y')], [edge('x', 'y', {}, { observed: seen })]);
    expect(entrypointSlice(h, { entrypoint: 'x', observed: 'exclude' }).nodes.map((n) => n.id)).toEqual([
      'x',
    ]);
    expect(entrypointSlice(h, { entrypoint: 'x' }).nodes.map((n) => n.id)).toEqual(['x', 'y']);
  });

  it('keeps the demo sink reachable without a filter but not on observed code only', () => {
    // the agent never saw express's app.listen/app.handle, so no all-observed path exists
    expect(cveSlice(demoGraph(), { cve: 'CVE-2021-23337', observed: 'only' }).verdict).toBe('not_reachable');
    // once they are observed, the route through the feature flag is confirmed end to end
    const nodes = DEMO_NODES.map((n) => (n.id.startsWith('express:') ? { ...n, observed: seen } : n));
    const confirmed = cveSlice(graph(nodes, DEMO_EDGES), { cve: 'CVE-2021-23337', observed: 'only' });
    expect(confirmed.verdict).toBe('gated');
    expect(confirmed.paths).toHaveLength(1);
    expect(confirmed.paths?.[0]?.guards).toEqual(['CUSTOM_REPORTS=enabled']);
  });
});
