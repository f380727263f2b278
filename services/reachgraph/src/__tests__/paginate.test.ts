import type { SliceResponse } from '@stella-ops/core';
import { createGraph, generateReachGraph } from '@stella-ops/graph';
import { runSlice } from '../engine.js';
import { paginate } from '../slice/paginate.js';

const hop = (from: string, to: string) => ({ from, to, why: { type: 'DirectCall' as const } });

function cveSlice(): SliceResponse {
  return {
    schemaVersion: 'reachgraph.slice@v1',
    graphDigest: `blake3:${'1'.repeat(64)}`,
    query: { type: 'cve', cve: 'CVE-2024-1234' },
    verdict: 'reachable',
    nodes: ['a', 'b', 'c', 's'].map((id) => ({ id, kind: 'function' as const })),
    edges: [hop('a', 's'), hop('b', 's'), hop('c', 's')],
    paths: ['a', 'b', 'c'].map((e) => ({ entrypoint: e, target: 's', hops: [hop(e, 's')] })),
    sinks: { reachable: ['s'], unreachable: [] },
    counts: { nodes: 4, edges: 3, paths: 3 },
    truncated: false,
  };
}

describe('paginate', () => {
  const hash = 'a'.repeat(64);

  it('returns a file slice that fits one page unchanged', () => {
    const file: SliceResponse = { ...cveSlice(), query: { type: 'file', file: 'src/**' } };
    expect(paginate(file, 10, 0, hash)).toEqual(file);
  });

  it('keeps only the nodes and edges a CVE page traverses, even on a single page', () => {
    const full = cveSlice();
    full.nodes.push({ id: 'between', kind: 'function' });
    full.edges.push(hop('a', 'between'));
    const page = paginate(full, 10, 0, hash);
    expect(page.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c', 's']);
    expect(page.edges).toHaveLength(3);
    expect(page.counts).toEqual(full.counts);
    expect(page.nextCursor).toBeUndefined();
  });

  it('pages paths with the nodes and edges each page uses, and a cursor while more remains', () => {
    const p1 = paginate(cveSlice(), 2, 0, hash);
    expect(p1.paths?.map((p) => p.entrypoint)).toEqual(['a', 'b']);
    expect(p1.nodes.map((n) => n.id)).toEqual(['a', 'b', 's']);
    expect(p1.edges).toEqual([hop('a', 's'), hop('b', 's')]);
    expect(p1.counts).toEqual({ nodes: 4, edges: 3, paths: 3 });
    expect(p1.nextCursor).toBeDefined();
    const p2 = paginate(cveSlice(), 2, 2, hash);
    expect(p2.paths?.map((p) => p.entrypoint)).toEqual(['c']);
    expect(p2.nodes.map((n) => n.id)).toEqual(['c', 's']);
    expect(p2.nextCursor).toBeUndefined();
  });

  it('pages the nodes of slices without paths; each edge on the page of its source', () => {
    const { paths: _p, verdict: _v, sinks: _s, ...rest } = cveSlice();
    const pkg: SliceResponse = { ...rest, query: { type: 'package', purl: 'pkg:npm/x' } };
    const pages = [0, 2].map((o) => paginate(pkg, 2, o, hash));
    expect(pages.map((p) => p.nodes.map((n) => n.id))).toEqual([
      ['a', 'b'],
      ['c', 's'],
    ]);
    expect(pages.flatMap((p) => p.edges)).toEqual(pkg.edges);
  });

  it('pages a CVE slice the engine cut to the page (pathPage) exactly as it pages the full answer', () => {
    const doc = generateReachGraph({ nodes: 2_000, edges: 6_000, seed: 3 });
    const g = createGraph(doc, { digest: `blake3:${'2'.repeat(64)}` });
    const limits = { maxNodes: 500, maxPaths: 200 };
    let compared = 0;
    for (const cve of doc.scope.cves ?? []) {
      const full = runSlice(g, { type: 'cve', cve }, limits);
      for (const [offset, limit] of [
        [0, 1],
        [0, 7],
        [5, 20],
        [0, 1000],
      ] as const) {
        const cut = runSlice(g, { type: 'cve', cve }, { ...limits, pathPage: { offset, limit } });
        const expected = paginate(full, limit, offset, hash);
        expect(paginate(cut, limit, offset, hash)).toEqual(expected);
        // What the service does: the engine's cut is the page's nodes and edges as they are.
        expect(paginate(cut, limit, offset, hash, true)).toEqual(expected);
        if ((full.paths?.length ?? 0) > offset) compared++;
      }
    }
    expect(compared).toBeGreaterThan(10);
  });
});
