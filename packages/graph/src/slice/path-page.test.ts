import fc from 'fast-check';
import { CVES, FILES, observedFilter, smallGraph } from '../__tests__/arbitraries.js';
import { demoGraph } from '../__tests__/demo-graph.js';
import { DIGEST } from '../__tests__/fixtures.js';
import { createGraph } from '../model/create-graph.js';
import { cveSlice } from './cve-slice.js';
import { fileSlice } from './file-slice.js';
import type { SliceResult } from './types.js';

/**
 * The cut a client paging through the paths makes of a full answer: the answer's nodes on the
 * page's paths, and its edges whose (from, to, type, guard) is a hop of one of them.
 */
function cutByPaths(full: SliceResult, offset: number, limit: number) {
  const paths = (full.paths ?? []).slice(offset, offset + limit);
  const ids = new Set<string>();
  const hops = new Set<string>();
  for (const p of paths) {
    ids.add(p.entrypoint);
    ids.add(p.target);
    for (const h of p.hops) {
      ids.add(h.from);
      ids.add(h.to);
      hops.add(JSON.stringify([h.from, h.to, h.why.type, h.why.guard ?? '']));
    }
  }
  return {
    nodes: full.nodes.filter((n) => ids.has(n.id)),
    edges: full.edges.filter((e) => hops.has(JSON.stringify([e.from, e.to, e.why.type, e.why.guard ?? '']))),
  };
}

const page = fc.record({ offset: fc.integer({ min: 0, max: 12 }), limit: fc.integer({ min: 1, max: 6 }) });

describe('slices materialise only a page of paths when asked (pathPage)', () => {
  it('CVE slice: nodes and edges are exactly the full answer cut by the page, the rest is unchanged', () => {
    fc.assert(
      fc.property(
        smallGraph,
        fc.constantFrom(...CVES),
        observedFilter,
        page,
        fc.integer({ min: 1, max: 12 }),
        (d, cve, observed, { offset, limit }, maxNodes) => {
          const g = createGraph(d, { digest: DIGEST });
          const query = { cve, ...(observed ? { observed } : {}) };
          const full = cveSlice(g, query, { maxNodes, pathsPerPair: 3 });
          const paged = cveSlice(g, query, { maxNodes, pathsPerPair: 3, pathPage: { offset, limit } });
          expect({ nodes: paged.nodes, edges: paged.edges }).toEqual(cutByPaths(full, offset, limit));
          expect(JSON.stringify({ ...paged, nodes: [], edges: [] })).toBe(
            JSON.stringify({ ...full, nodes: [], edges: [] }),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('file slice: the same cut', () => {
    fc.assert(
      fc.property(
        smallGraph,
        fc.constantFrom(...FILES, '**', 'src/**'),
        page,
        fc.integer({ min: 1, max: 12 }),
        (d, file, { offset, limit }, maxNodes) => {
          const g = createGraph(d, { digest: DIGEST });
          const full = fileSlice(g, { file }, { maxNodes });
          const paged = fileSlice(g, { file }, { maxNodes, pathPage: { offset, limit } });
          expect({ nodes: paged.nodes, edges: paged.edges }).toEqual(cutByPaths(full, offset, limit));
          expect(JSON.stringify({ ...paged, nodes: [], edges: [] })).toBe(
            JSON.stringify({ ...full, nodes: [], edges: [] }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('on the demo graph, the first of two one-path pages carries only the first path’s nodes', () => {
    const full = cveSlice(demoGraph(), { cve: 'CVE-2021-23337' });
    const first = cveSlice(demoGraph(), { cve: 'CVE-2021-23337' }, { pathPage: { offset: 0, limit: 1 } });
    const onPath = new Set([
      first.paths?.[0]?.entrypoint,
      ...(first.paths?.[0]?.hops.map((h) => h.to) ?? []),
    ]);
    expect(first.paths).toEqual(full.paths);
    expect(first.counts).toEqual(full.counts);
    expect(first.nodes.map((n) => n.id).sort()).toEqual([...onPath].sort());
    expect(first.nodes.length).toBeLessThan(full.nodes.length);
    expect(first.edges).toHaveLength((first.paths?.[0]?.hops.length ?? 0) as number);
  });

  it('rejects a malformed page as QUERY_INVALID', () => {
    const g = demoGraph();
    for (const pathPage of [
      { offset: -1, limit: 1 },
      { offset: 0, limit: 0 },
      { offset: 0.5, limit: 1 },
      { offset: 0 },
      null,
    ]) {
      expect(() => cveSlice(g, { cve: 'CVE-2021-23337' }, { pathPage } as never)).toThrow(
        expect.objectContaining({ code: 'QUERY_INVALID' }),
      );
    }
  });
});
