import type { ReachGraph, SliceResponse } from '@stella-ops/core';
import { schemaIssues } from '@stella-ops/core';
import fc from 'fast-check';
import picomatch from 'picomatch';
import { CVES, smallGraph } from '../__tests__/arbitraries.js';
import { createGraph } from '../model/create-graph.js';
import { sliceGraph } from '../slice/slice-graph.js';
import { diffSlices } from './diff-slices.js';
import { pathKey } from './path-key.js';

const RUNS = 150;
const UNLIMITED = { maxNodes: 1_000, maxPaths: 100_000, maxExpansionsPerPair: 1_000_000 };
const BASE = `blake3:${'b'.repeat(64)}`;
const HEAD = `blake3:${'e'.repeat(64)}`;

/** Two versions of a graph: the head keeps some of the base's edges and may be a new graph altogether. */
const graphPair: fc.Arbitrary<[ReachGraph, ReachGraph]> = fc.oneof(
  fc.tuple(smallGraph, smallGraph),
  smallGraph.chain((base) =>
    fc.subarray(base.edges).map((edges): [ReachGraph, ReachGraph] => [base, { ...base, edges }]),
  ),
);

/** Assumptions on the keys the arbitrary graphs' guards use (or none). */
const assume = fc.option(
  fc
    .record(
      {
        DEBUG: fc.constantFrom('true', 'false'),
        FEATURE_X: fc.constantFrom('enabled', 'disabled'),
        os: fc.constant('linux'),
      },
      { requiredKeys: [] },
    )
    .filter((a) => Object.keys(a).length > 0),
  { nil: undefined },
);

const query = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(...CVES).map((cve) => ({ type: 'cve' as const, cve })),
      fc.constantFrom('src/**', 'lib/*.js', '**/*.ts').map((file) => ({ type: 'file' as const, file })),
    ),
    assume,
  )
  .map(([q, a]): SliceResponse['query'] => (a === undefined ? q : { ...q, assume: a }));

function sliceOf(d: ReachGraph, q: SliceResponse['query'], digest: string): SliceResponse {
  return sliceGraph(createGraph(d, { digest }), q, UNLIMITED);
}

/** The status of `node` in a slice, as the diff should see it (`gated` lists and `openGuards` when the engine has them). */
function statusIn(s: SliceResponse, node: string): string {
  if (s.query.type === 'cve') {
    const sinks = s.sinks as { reachable: string[]; gated?: string[]; unreachable: string[] } | undefined;
    if (sinks?.reachable.includes(node)) return 'reachable';
    if (sinks?.gated?.includes(node)) return 'gated';
    if (sinks?.unreachable.includes(node)) return 'unreachable';
    return 'absent';
  }
  const paths = (s.paths ?? []).filter((p) => p.target === node) as { openGuards?: string[] }[];
  if (paths.some((p) => (p.openGuards ?? []).length === 0)) return 'reachable';
  if (paths.length > 0) return 'gated';
  const matches = picomatch(s.query.file ?? '', { dot: true });
  return s.nodes.some((n) => n.id === node && n.file !== undefined && matches(n.file))
    ? 'unreachable'
    : 'absent';
}

const keys = (s: SliceResponse) => new Set((s.paths ?? []).map(pathKey));

describe('diffSlices (properties)', () => {
  it('diff(a, a) reports no change', () => {
    fc.assert(
      fc.property(smallGraph, query, (d, q) => {
        const s = sliceOf(d, q, BASE);
        const diff = diffSlices(s, s);
        expect(diff.sinks.changed).toEqual([]);
        expect(diff.sinks.newlyReachable).toEqual([]);
        expect(diff.sinks.noLongerReachable).toEqual([]);
        expect(diff.sinks.newlyGated).toEqual([]);
        expect(diff.sinks.noLongerGated).toEqual([]);
        expect(diff.paths).toEqual({ added: [], removed: [], truncated: false });
        expect(diff.verdict.base).toBe(diff.verdict.head);
      }),
      { numRuns: RUNS },
    );
  });

  it('swapping base and head swaps added/removed and newly/no longer, and nothing else', () => {
    fc.assert(
      fc.property(graphPair, query, ([b, h], q) => {
        const base = sliceOf(b, q, BASE);
        const head = sliceOf(h, q, HEAD);
        const ab = diffSlices(base, head);
        const ba = diffSlices(head, base);
        expect(ba.paths.added).toEqual(ab.paths.removed);
        expect(ba.paths.removed).toEqual(ab.paths.added);
        expect(ba.sinks.newlyReachable).toEqual(ab.sinks.noLongerReachable);
        expect(ba.sinks.noLongerReachable).toEqual(ab.sinks.newlyReachable);
        expect(ba.sinks.newlyGated).toEqual(ab.sinks.noLongerGated);
        expect(ba.sinks.noLongerGated).toEqual(ab.sinks.newlyGated);
        expect(ba.sinks.stillReachable).toEqual(ab.sinks.stillReachable);
        expect(ba.sinks.changed).toEqual(
          ab.sinks.changed.map((c) => ({ node: c.node, base: c.head, head: c.base })),
        );
        expect(ba.verdict).toEqual({ base: ab.verdict.head, head: ab.verdict.base });
        expect([ba.digest, ba.baseDigest]).toEqual([ab.baseDigest, ab.digest]);
      }),
      { numRuns: RUNS },
    );
  });

  it('every reported sink has the statuses the two slices give it, and every changed sink is reported', () => {
    fc.assert(
      fc.property(graphPair, query, ([b, h], q) => {
        const base = sliceOf(b, q, BASE);
        const head = sliceOf(h, q, HEAD);
        const diff = diffSlices(base, head);
        expect(schemaIssues('reachgraph.diff@v1', diff)).toEqual([]);
        for (const c of diff.sinks.changed) {
          expect(c.base).toBe(statusIn(base, c.node));
          expect(c.head).toBe(statusIn(head, c.node));
          expect(c.base).not.toBe(c.head);
        }
        for (const n of diff.sinks.newlyReachable) {
          expect([statusIn(base, n), statusIn(head, n)]).toEqual([
            expect.not.stringMatching(/^reachable$/),
            'reachable',
          ]);
        }
        for (const n of diff.sinks.noLongerReachable) {
          expect([statusIn(base, n), statusIn(head, n)]).toEqual([
            'reachable',
            expect.not.stringMatching(/^reachable$/),
          ]);
        }
        for (const n of diff.sinks.stillReachable)
          expect([statusIn(base, n), statusIn(head, n)]).toEqual(['reachable', 'reachable']);
        const candidates = new Set([
          ...(base.paths ?? []).map((p) => p.target),
          ...(head.paths ?? []).map((p) => p.target),
          ...(base.sinks?.reachable ?? []),
          ...(head.sinks?.reachable ?? []),
          ...(base.sinks?.unreachable ?? []),
          ...(head.sinks?.unreachable ?? []),
          ...((base.sinks as { gated?: string[] } | undefined)?.gated ?? []),
          ...((head.sinks as { gated?: string[] } | undefined)?.gated ?? []),
        ]);
        for (const n of candidates) {
          const changed = statusIn(base, n) !== statusIn(head, n);
          expect({ n, reported: diff.sinks.changed.some((c) => c.node === n) }).toEqual({
            n,
            reported: changed,
          });
        }
        for (const list of [
          diff.sinks.newlyReachable,
          diff.sinks.noLongerReachable,
          diff.sinks.stillReachable,
        ]) {
          expect(list).toEqual([...list].sort());
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('added paths are exactly the head paths the base lacks, removed the reverse', () => {
    fc.assert(
      fc.property(graphPair, query, ([b, h], q) => {
        const base = sliceOf(b, q, BASE);
        const head = sliceOf(h, q, HEAD);
        const diff = diffSlices(base, head);
        const [kb, kh] = [keys(base), keys(head)];
        expect(new Set(diff.paths.added.map(pathKey))).toEqual(new Set([...kh].filter((k) => !kb.has(k))));
        expect(new Set(diff.paths.removed.map(pathKey))).toEqual(new Set([...kb].filter((k) => !kh.has(k))));
        expect(diff.counts.pathsAdded).toBe(diff.paths.added.length);
        expect(JSON.stringify(diffSlices(base, head))).toBe(JSON.stringify(diff));
      }),
      { numRuns: RUNS },
    );
  });
});
