import fc from 'fast-check';
import { smallGraph } from '../__tests__/arbitraries.js';
import { DIGEST, doc, edge, fn, graph } from '../__tests__/fixtures.js';
import { reach, refAdmission, refGraph } from '../__tests__/reference.js';
import { createGraph } from '../model/create-graph.js';
import { admissionOf } from './admission.js';
import { bfs } from './bfs.js';
import { cveSlice } from './cve-slice.js';
import { reachableNodes } from './reachable.js';

describe('bfs', () => {
  it('gives reference distances and orders nodes by (hops, index)', () => {
    fc.assert(
      fc.property(
        smallGraph,
        fc.nat(9),
        fc.boolean(),
        fc.integer({ min: 0, max: 5 }),
        (d, pick, forward, maxDepth) => {
          const g = createGraph(d, { digest: DIGEST });
          const seed = pick % g.nodeCount;
          const r = bfs(g, [seed], forward, maxDepth, admissionOf(g, undefined));
          const ref = reach(refGraph(d), [seed], forward, maxDepth, refAdmission(refGraph(d)));
          const order = Array.from(r.order);
          expect(order.map((v) => [v, r.dist[v]])).toEqual(
            [...ref.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('sorts wide layers through a bitmap and stays linear on long chains', () => {
    // a star: one hub calling 5,000 leaves (one wide layer), then a 200,000-node chain
    const leaves = Array.from({ length: 5000 }, (_, i) => `leaf${String(4999 - i).padStart(5, '0')}`);
    const star = graph(
      [fn('hub', { isEntrypoint: true }), ...leaves.map((id) => fn(id))],
      leaves.map((id) => edge('hub', id)),
    );
    const order = Array.from(
      bfs(star, [0], true, Number.POSITIVE_INFINITY, admissionOf(star, undefined)).order,
    );
    expect(order.slice(1)).toEqual([...order.slice(1)].sort((a, b) => a - b));
    expect(order).toHaveLength(5001);

    const n = 200_000;
    const id = (i: number) => `n${String(i).padStart(6, '0')}`;
    const nodes = Array.from({ length: n }, (_, i) =>
      fn(id(i), i === 0 ? { isEntrypoint: true } : i === n - 1 ? { cves: ['CVE-2024-0001'] } : {}),
    );
    const edges = Array.from({ length: n - 1 }, (_, i) => edge(id(i), id(i + 1)));
    const chain = createGraph(doc(nodes, edges), { digest: DIGEST });
    const started = performance.now();
    expect(reachableNodes(chain, [0])).toHaveLength(n);
    const res = cveSlice(chain, { cve: 'CVE-2024-0001' }, { maxNodes: 10 });
    expect(res.verdict).toBe('reachable');
    expect(res.paths?.[0]?.hops).toHaveLength(n - 1);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
