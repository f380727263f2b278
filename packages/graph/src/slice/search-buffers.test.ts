import fc from 'fast-check';
import {
  assumptions,
  CVES,
  FILES,
  guardedGraph,
  observedFilter,
  smallGraph,
} from '../__tests__/arbitraries.js';
import { DIGEST } from '../__tests__/fixtures.js';
import { createGraph } from '../model/create-graph.js';
import { cveSlice } from './cve-slice.js';
import { fileSlice } from './file-slice.js';

const query = fc.record({
  kind: fc.constantFrom('cve', 'file'),
  cve: fc.constantFrom(...CVES),
  file: fc.constantFrom(...FILES, '**/*.js', 'src/**'),
  observed: observedFilter,
  assume: assumptions,
  pathsPerPair: fc.integer({ min: 1, max: 4 }),
  maxPaths: fc.integer({ min: 1, max: 20 }),
});

describe('search buffers kept between slices of a graph', () => {
  it('leave every answer as a fresh graph gives it, whatever was asked before', () => {
    fc.assert(
      fc.property(
        fc.oneof(smallGraph, guardedGraph),
        fc.array(query, { minLength: 2, maxLength: 8 }),
        (d, qs) => {
          const reused = createGraph(d, { digest: DIGEST });
          for (const q of qs) {
            const filters = {
              ...(q.observed ? { observed: q.observed } : {}),
              ...(q.assume && Object.keys(q.assume).length > 0 ? { assume: q.assume } : {}),
            };
            const limits = { pathsPerPair: q.pathsPerPair, maxPaths: q.maxPaths };
            const answer = (g: ReturnType<typeof createGraph>) =>
              q.kind === 'cve'
                ? cveSlice(g, { cve: q.cve, ...filters }, limits)
                : fileSlice(g, { file: q.file, ...filters }, limits);
            expect(answer(reused)).toEqual(answer(createGraph(d, { digest: DIGEST })));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
