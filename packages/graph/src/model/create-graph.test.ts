import fc from 'fast-check';
import { smallGraph } from '../__tests__/arbitraries.js';
import { DEMO_EDGES, DEMO_NODES, demoGraph } from '../__tests__/demo-graph.js';
import { DIGEST, doc, edge, fn, graph, sha } from '../__tests__/fixtures.js';
import { compareEdges } from '../__tests__/reference.js';
import { expectValid } from '../__tests__/schema.js';
import { createGraph } from './create-graph.js';
import { FLAG_ENTRYPOINT, FLAG_SINK } from './graph.js';
import { allEdges, allNodes, findNode } from './materialize.js';

const invalid = expect.objectContaining({ code: 'GRAPH_INVALID' });

describe('createGraph', () => {
  it('numbers nodes in id order and builds forward and reverse adjacency', () => {
    const g = graph(
      [fn('c'), fn('a', { isEntrypoint: true }), fn('b', { isSink: true })],
      [edge('c', 'a'), edge('a', 'c'), edge('a', 'b')],
    );
    expect([0, 1, 2].map((i) => g.strings.get(i))).toEqual(['a', 'b', 'c']);
    expect(Array.from(g.forward.offsets)).toEqual([0, 2, 2, 3]);
    expect(Array.from(g.forward.targets)).toEqual([1, 2, 0]);
    expect(Array.from(g.reverse.offsets)).toEqual([0, 1, 2, 3]);
    expect(Array.from(g.reverse.sources)).toEqual([2, 0, 0]);
    expect(Array.from(g.reverse.edges)).toEqual([2, 0, 1]);
    expect(Array.from(g.nodes.flags)).toEqual([FLAG_ENTRYPOINT, FLAG_SINK, 0]);
    expect(findNode(g, 'b')).toBe(1);
    expect(findNode(g, 'bb')).toBe(-1);
  });

  it('gives back every node and edge in normalised form', () => {
    fc.assert(
      fc.property(smallGraph, (d) => {
        const g = createGraph(d, { digest: DIGEST });
        const byId = [...d.nodes].sort((x, y) => (x.id < y.id ? -1 : 1));
        expect(allNodes(g)).toEqual(byId);
        expect(allEdges(g)).toEqual([...d.edges].sort(compareEdges));
        expect(g.nodeCount).toBe(d.nodes.length);
        expect(g.edgeCount).toBe(d.edges.length);
        expectValid('reachgraph-min', { ...d, nodes: allNodes(g), edges: allEdges(g) });
      }),
      { numRuns: 100 },
    );
  });

  it('shares explanations between edges that explain alike and sorts CVEs and batches', () => {
    const g = graph(
      [
        fn('a', {
          cves: ['CVE-2024-0002', 'CVE-2024-0001', 'CVE-2024-0002'],
          observed: { hitCount: 1, batches: [sha('b'), sha('a')] },
        }),
        fn('b'),
        fn('c'),
      ],
      [
        edge('a', 'b', { type: 'Import' }),
        edge('a', 'c', { type: 'Import' }),
        edge('b', 'c', { type: 'Import', loc: 'x:1' }),
      ],
    );
    expect(g.explanations.type.length).toBe(2);
    expect(allNodes(g)[0]).toEqual(
      fn('a', {
        cves: ['CVE-2024-0001', 'CVE-2024-0002'],
        observed: { hitCount: 1, batches: [sha('a'), sha('b')] },
      }),
    );
  });

  it('rejects what it cannot index as GRAPH_INVALID', () => {
    const bad = [
      doc([fn('a'), fn('a')], []),
      doc([fn('a')], [edge('a', 'missing')]),
      doc([fn('a')], [edge('missing', 'a')]),
      doc([{ id: 'a', kind: 'lambda' } as never], []),
      doc([fn('')], []),
      doc([fn('a', { line: -1 })], []),
      doc([fn('a', { line: 2 ** 32 })], []),
      doc([fn('a')], [edge('a', 'a', { type: 'Teleport' as never })]),
      doc([fn('a')], [edge('a', 'a', { confidence: 2 })]),
      doc([fn('a')], [{ from: 'a', to: 'a' } as never]),
      doc([fn('a', { observed: { hitCount: -1, batches: [] } })], []),
      { ...doc([], []), schemaVersion: 'reachgraph.min@v2' },
      { ...doc([], []), nodes: 'nope' },
      null,
    ];
    for (const d of bad) expect(() => createGraph(d as never, { digest: DIGEST })).toThrow(invalid);
    expect(() => createGraph(doc([], []), { digest: 'sha256:00' })).toThrow(invalid);
  });

  it('accepts an empty graph', () => {
    const g = createGraph(doc([], []), { digest: DIGEST });
    expect(g.nodeCount).toBe(0);
    expect(allEdges(g)).toEqual([]);
  });

  it('indexes the demo graph', () => {
    const g = demoGraph();
    expect(g.nodeCount).toBe(DEMO_NODES.length);
    expect(g.edgeCount).toBe(DEMO_EDGES.length);
  });
});
