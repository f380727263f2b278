import fc from 'fast-check';
import { guardedGraph, smallGraph } from '../__tests__/arbitraries.js';
import { DIGEST } from '../__tests__/fixtures.js';
import { refAdmission, refGraph, simplePaths } from '../__tests__/reference.js';
import { createGraph } from '../model/create-graph.js';
import type { Graph } from '../model/graph.js';
import { bfs } from './bfs.js';
import { filterFacts } from './derived.js';
import { kShortestPaths, PathSearchScratch } from './k-shortest.js';

const INF = Number.POSITIVE_INFINITY;

/** Every (source, target) pair of `g` with the distance-to-target of each node. */
function* pairs(g: Graph): Generator<{ source: number; toTarget: Int32Array }> {
  const { admission } = filterFacts(g, undefined);
  for (let t = 0; t < g.nodeCount; t++) {
    const toTarget = bfs(g, [t], false, INF, admission).dist;
    for (let source = 0; source < g.nodeCount; source++) yield { source, toTarget };
  }
}

const ids = (g: Graph, paths: number[][]) => paths.map((p) => p.map((i) => g.strings.get(i)));

describe('kShortestPaths', () => {
  it('finds the k shortest simple paths of a pair, shortest first, ties in node order (brute force)', () => {
    fc.assert(
      fc.property(fc.oneof(smallGraph, guardedGraph), fc.integer({ min: 1, max: 6 }), (d, k) => {
        const g = createGraph(d, { digest: DIGEST });
        const ref = refGraph(d);
        const a = refAdmission(ref);
        const { admission } = filterFacts(g, undefined);
        for (const { source, toTarget } of pairs(g)) {
          const found = kShortestPaths(g, source, toTarget, k, 1_000_000, admission);
          const target = toTarget.indexOf(0);
          const expected =
            target < 0 || (toTarget[source] as number) < 0
              ? []
              : simplePaths(
                  ref,
                  ref.index.get(g.strings.get(source)) as number,
                  ref.index.get(g.strings.get(target)) as number,
                  a,
                )
                  .slice(0, k)
                  .map((p) => p.map((i) => ref.nodes[i]?.id as string));
          expect(found.cut).toBe(false);
          expect(ids(g, found.paths)).toEqual(expected);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('stops at its budget with cut set, having found a prefix of the unbudgeted answer', () => {
    fc.assert(
      fc.property(
        fc.oneof(smallGraph, guardedGraph),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        (d, k, budget) => {
          const g = createGraph(d, { digest: DIGEST });
          const { admission } = filterFacts(g, undefined);
          for (const { source, toTarget } of pairs(g)) {
            const all = kShortestPaths(g, source, toTarget, k, 1_000_000, admission);
            const some = kShortestPaths(g, source, toTarget, k, budget, admission);
            expect(all.paths.slice(0, some.paths.length)).toEqual(some.paths);
            if (!some.cut) expect(some.paths).toEqual(all.paths);
            else expect(some.paths.length).toBeLessThan(k);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers the same when one scratch serves every search of a graph', () => {
    fc.assert(
      fc.property(fc.oneof(smallGraph, guardedGraph), fc.integer({ min: 1, max: 6 }), (d, k) => {
        const g = createGraph(d, { digest: DIGEST });
        const { admission } = filterFacts(g, undefined);
        const scratch = new PathSearchScratch(g.nodeCount);
        for (const { source, toTarget } of pairs(g)) {
          expect(kShortestPaths(g, source, toTarget, k, 40, admission, scratch)).toEqual(
            kShortestPaths(g, source, toTarget, k, 40, admission),
          );
        }
      }),
      { numRuns: 150 },
    );
  });
});
