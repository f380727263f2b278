import fc from 'fast-check';
import type { SliceEdge, SliceNode } from '../model/types.js';
import { edgePath, layoutSlice, NODE_HEIGHT, nodeWidth } from './layout.js';

const node = (id: string, extra: Partial<SliceNode> = {}): SliceNode => ({ id, kind: 'function', ...extra });
const edge = (from: string, to: string, type: SliceEdge['why']['type'] = 'DirectCall'): SliceEdge => ({
  from,
  to,
  why: { type },
});

describe('layered layout of a slice', () => {
  it('places a chain left to right, one layer per hop, with the symbol and package as labels', () => {
    const layout = layoutSlice(
      [
        node('a#main', { symbol: 'main' }),
        node('b#mid'),
        node('c#sink', { purl: 'pkg:npm/%40acme/x@1.0.0' }),
      ],
      [edge('a#main', 'b#mid'), edge('b#mid', 'c#sink')],
    );
    const [a, b, c] = layout.nodes;
    expect(layout.nodes.map((n) => [n.id, n.label, n.sublabel])).toEqual([
      ['a#main', 'main', undefined],
      ['b#mid', 'mid', undefined],
      ['c#sink', 'sink', '@acme/x@1.0.0'],
    ]);
    expect(a!.x).toBeLessThan(b!.x);
    expect(b!.x).toBeLessThan(c!.x);
    expect(new Set(layout.nodes.map((n) => n.y)).size).toBe(1);
    expect(
      layout.nodes.every((n) => n.height === NODE_HEIGHT && n.width === nodeWidth(n.label, n.sublabel)),
    ).toBe(true);
    expect(layout.width).toBeGreaterThan(c!.x);
    for (const e of layout.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps parallel explained edges between the same pair apart, and adds nodes an edge names', () => {
    const layout = layoutSlice([node('a')], [edge('a', 'b', 'DirectCall'), edge('a', 'b', 'EnvGuard')]);
    expect(layout.edges.map((e) => e.edge.why.type)).toEqual(['DirectCall', 'EnvGuard']);
    expect(new Set(layout.edges.map((e) => e.key)).size).toBe(2);
    expect(layout.nodes.map((n) => [n.id, n.node])).toEqual([
      ['a', node('a')],
      ['b', undefined],
    ]);
  });

  it('puts every edge of a random DAG from a left layer to a right one, without overlapping nodes, deterministically (property)', () => {
    const dag = fc.integer({ min: 2, max: 14 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        pairs: fc.uniqueArray(
          fc
            .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }))
            .filter(([x, y]) => x < y),
          { maxLength: 24, selector: ([x, y]) => `${x}-${y}` },
        ),
      }),
    );
    fc.assert(
      fc.property(dag, ({ n, pairs }) => {
        const nodes = Array.from({ length: n }, (_, i) => node(`n${i}`));
        const edges = pairs.map(([x, y]) => edge(`n${x}`, `n${y}`));
        const layout = layoutSlice(nodes, edges);
        const at = new Map(layout.nodes.map((p) => [p.id, p]));
        for (const [x, y] of pairs) expect(at.get(`n${x}`)!.x).toBeLessThan(at.get(`n${y}`)!.x);
        for (const p of layout.nodes) {
          for (const q of layout.nodes) {
            if (p === q) continue;
            const apart =
              Math.abs(p.x - q.x) >= (p.width + q.width) / 2 - 0.5 ||
              Math.abs(p.y - q.y) >= (p.height + q.height) / 2 - 0.5;
            expect(apart).toBe(true);
          }
        }
        expect(layoutSlice(nodes, edges)).toEqual(layout);
      }),
      { numRuns: 40 },
    );
  });

  it('writes SVG paths through the routed points', () => {
    expect(
      edgePath([
        { x: 0, y: 1 },
        { x: 2.25, y: 3 },
      ]),
    ).toBe('M0.0,1.0 L2.3,3.0');
    expect(edgePath([])).toBe('');
  });

  it('sizes nodes by their label, within bounds', () => {
    expect(nodeWidth('a')).toBe(90);
    expect(nodeWidth('x'.repeat(200))).toBe(300);
    expect(nodeWidth('renderCustomTemplate')).toBeGreaterThan(nodeWidth('main'));
  });
});
