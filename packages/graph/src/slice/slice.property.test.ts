import type { ReachGraph, ReachGraphNode } from '@stella-ops/core';
import fc from 'fast-check';
import picomatch from 'picomatch';
import {
  assumptions,
  CVES,
  FILES,
  guardedGraph,
  observedFilter,
  SYMBOLS,
  smallGraph,
} from '../__tests__/arbitraries.js';
import { DIGEST } from '../__tests__/fixtures.js';
import {
  entrypoints,
  hopEdge,
  idsOf,
  inducedEdges,
  isSink,
  onPath,
  type RefAssume,
  type RefGraph,
  reach,
  refAdmission,
  refGraph,
  refGuardStatus,
  refPaths,
  refWithoutOpen,
  resolveEntry,
} from '../__tests__/reference.js';
import { expectValid } from '../__tests__/schema.js';
import { createGraph } from '../model/create-graph.js';
import { edgeSource } from '../model/csr.js';
import { edgeAt } from '../model/materialize.js';
import { cveSlice } from './cve-slice.js';
import { cveSubgraph } from './cve-subgraph.js';
import { entrypointSlice } from './entrypoint-slice.js';
import { fileSlice } from './file-slice.js';
import { packageSlice } from './package-slice.js';
import { reachableNodes } from './reachable.js';
import type { SliceResult } from './types.js';

const RUNS = 150;
const INF = Number.POSITIVE_INFINITY;
const UNLIMITED = { maxNodes: 1_000, maxPaths: 100_000, maxExpansionsPerPair: 1_000_000 };

/** Non-empty assumptions as a query field. */
const assumeField = (assume: RefAssume) =>
  assume !== undefined && Object.keys(assume).length > 0 ? { assume } : {};

/** Checks every path hop by hop against the reference graph and returns them as id sequences. */
function checkPaths(
  ref: RefGraph,
  res: SliceResult,
  observed: 'only' | 'exclude' | undefined,
  assume?: RefAssume,
): string[][] {
  const a = refAdmission(ref, observed, assume);
  return (res.paths ?? []).map((p) => {
    const start = ref.index.get(p.entrypoint) as number;
    expect(ref.nodes[start]?.isEntrypoint).toBe(true);
    const seq = [p.entrypoint];
    const open: string[] = [];
    for (const hop of p.hops) {
      expect(hop.from).toBe(seq[seq.length - 1]);
      const expected = hopEdge(
        ref,
        ref.index.get(hop.from) as number,
        ref.index.get(hop.to) as number,
        a,
        assume,
      );
      expect(refGuardStatus(expected, assume)).not.toBe('contradicted');
      if (refGuardStatus(expected, assume) === 'open') open.push(expected.why.guard as string);
      expect(expected).toBeDefined();
      expect(hop.why).toEqual(expected.why);
      expect(hop.observed).toBe(expected.observed !== undefined);
      seq.push(hop.to);
    }
    expect(seq[seq.length - 1]).toBe(p.target);
    expect(new Set(seq).size).toBe(seq.length);
    expect(p.guards).toEqual(p.hops.flatMap((h) => (h.why.guard === undefined ? [] : [h.why.guard])));
    expect(p.openGuards).toEqual(open);
    return seq;
  });
}

const nodesById = (d: ReachGraph, ids: string[]): ReachGraphNode[] =>
  ids.map((id) => d.nodes.find((n) => n.id === id) as ReachGraphNode);

describe('slices agree with a brute-force reference on random graphs', () => {
  it('CVE slice: exactly the nodes and edges on entrypoint→sink paths, and the k shortest paths per pair', () => {
    fc.assert(
      fc.property(
        fc.oneof(smallGraph, guardedGraph),
        fc.constantFrom(...CVES),
        observedFilter,
        fc.integer({ min: 1, max: 4 }),
        assumptions,
        (d, cve, observed, k, assume) => {
          const g = createGraph(d, { digest: DIGEST });
          const query = { cve, ...(observed ? { observed } : {}), ...assumeField(assume) };
          const res = cveSlice(g, query, { ...UNLIMITED, pathsPerPair: k });
          const ref = refGraph(d);
          const a = refAdmission(ref, observed, assume);
          const sinks = ref.nodes.flatMap((n, i) => (n.cves?.includes(cve) ? [i] : []));
          const entries = entrypoints(ref, a);
          const targets = sinks.filter((t) => a.node(t));
          const set = onPath(ref, entries, targets, a);
          const fwd = reach(ref, entries, true, INF, a);
          const reached = targets.filter((t) => fwd.has(t));
          // reachable without depending on an open guard: over the edges whose guard is not open
          const free = reach(ref, entries, true, INF, refWithoutOpen(ref, a, assume));
          const reachable = reached.filter((t) => free.has(t));
          const gated = reached.filter((t) => !free.has(t));

          expect(res.nodes).toEqual(nodesById(d, idsOf(ref, set)));
          expect(res.edges).toEqual(inducedEdges(ref, set, a));
          for (const e of res.edges) expect(refGuardStatus(e, assume)).not.toBe('contradicted');
          expect(res.sinks).toEqual({
            reachable: idsOf(ref, reachable),
            gated: idsOf(ref, gated),
            unreachable: idsOf(
              ref,
              sinks.filter((s) => !reached.includes(s)),
            ),
          });
          expect(res.verdict).toBe(
            sinks.length === 0
              ? 'unknown'
              : reachable.length > 0
                ? 'reachable'
                : gated.length > 0
                  ? 'gated'
                  : 'not_reachable',
          );
          expect(res.query).toEqual({ type: 'cve', ...query });
          const seqs = checkPaths(ref, res, observed, assume);
          // a gated sink's listed paths all depend on an open guard
          for (const p of res.paths ?? [])
            if (res.sinks?.gated?.includes(p.target)) expect(p.openGuards?.length).toBeGreaterThan(0);
          for (const seq of seqs) expect(sinks).toContain(ref.index.get(seq[seq.length - 1] as string));
          expect(seqs).toEqual(
            refPaths(ref, entries, reached, a, k).map((p) => p.nodes.map((i) => ref.nodes[i]?.id as string)),
          );
          expect(res.truncated).toBe(false);
          expect(res.counts).toEqual({
            nodes: set.size,
            edges: res.edges.length,
            matched: sinks.length,
            paths: seqs.length,
          });
          const sub = cveSubgraph(g, query);
          expect(Array.from(sub.nodes)).toEqual([...set].sort((x, y) => x - y));
          expect(Array.from(sub.edges, (k) => edgeAt(g, k, edgeSource(g.forward.offsets, k)))).toEqual(
            res.edges,
          );
          expect(Array.from(sub.sinks)).toEqual(sinks);
          expect(Array.from(sub.reachedSinks)).toEqual(reached);
          expectValid('slice-response', res);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('package slice: the matching nodes and their neighbours within depth', () => {
    const patterns: Record<string, string[]> = {
      'pkg:npm/a': ['pkg:npm/a@1.0.0', 'pkg:npm/a@1.2.0', 'pkg:npm/a@2.0.0'],
      'pkg:npm/a@1.*': ['pkg:npm/a@1.0.0', 'pkg:npm/a@1.2.0'],
      'pkg:npm/a@2.0.0': ['pkg:npm/a@2.0.0'],
      'pkg:npm/b@1.0.0': ['pkg:npm/b@1.0.0'],
      'pkg:npm/%40s/c': ['pkg:npm/%40s/c@1.0.0'],
      'pkg:npm/zzz': [],
    };
    fc.assert(
      fc.property(
        smallGraph,
        fc.constantFrom(...Object.keys(patterns)),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('upstream' as const, 'downstream' as const, 'both' as const),
        observedFilter,
        assumptions,
        (d, purl, depth, direction, observed, assume) => {
          const g = createGraph(d, { digest: DIGEST });
          const res = packageSlice(
            g,
            { purl, depth, direction, ...(observed ? { observed } : {}), ...assumeField(assume) },
            UNLIMITED,
          );
          const ref = refGraph(d);
          const a = refAdmission(ref, observed, assume);
          const seeds = ref.nodes.flatMap((n, i) =>
            n.purl && patterns[purl]?.includes(n.purl) && a.node(i) ? [i] : [],
          );
          const set = new Set(seeds);
          if (direction !== 'upstream') for (const v of reach(ref, seeds, true, depth, a).keys()) set.add(v);
          if (direction !== 'downstream')
            for (const v of reach(ref, seeds, false, depth, a).keys()) set.add(v);
          expect(res.nodes).toEqual(nodesById(d, idsOf(ref, set)));
          expect(res.edges).toEqual(inducedEdges(ref, set, a));
          expect(res.counts.matched).toBe(seeds.length);
          expectValid('slice-response', res);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('entrypoint slice: everything within depth, or only what reaches a sink', () => {
    fc.assert(
      fc.property(
        smallGraph,
        fc.oneof(fc.constantFrom(...SYMBOLS, ...FILES), fc.constantFrom('a0', 'm1', 'z2', 'b3', 'a4', 'x9')),
        fc.integer({ min: 1, max: 10 }),
        fc.boolean(),
        observedFilter,
        assumptions,
        (d, entrypoint, depth, sinksOnly, observed, assume) => {
          const g = createGraph(d, { digest: DIGEST });
          const query = {
            entrypoint,
            depth,
            sinksOnly,
            ...(observed ? { observed } : {}),
            ...assumeField(assume),
          };
          const res = entrypointSlice(g, query, UNLIMITED);
          const ref = refGraph(d);
          const a = refAdmission(ref, observed, assume);
          const starts = resolveEntry(ref, entrypoint, a);
          const region = reach(ref, starts, true, depth, a);
          let set = new Set(region.keys());
          if (sinksOnly) {
            const sinks = [...set].filter((v) => isSink(ref.nodes[v] as ReachGraphNode));
            set = new Set(reach(ref, sinks, false, INF, a, set).keys());
          }
          expect(res.nodes).toEqual(nodesById(d, idsOf(ref, set)));
          expect(res.edges).toEqual(inducedEdges(ref, set, a));
          for (const v of set) expect(region.get(v)).toBeLessThanOrEqual(depth);
          expect(res.counts.matched).toBe(starts.length);
          expectValid('slice-response', res);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('file slice: the matching nodes plus every entrypoint path into them', () => {
    const globs = ['src/**', '**/*.ts', 'lib/*.js', '**', '{src,test}/**/*.ts', 'nomatch/**', 'lib/.*'];
    fc.assert(
      fc.property(
        smallGraph,
        fc.constantFrom(...globs),
        observedFilter,
        fc.integer({ min: 1, max: 3 }),
        assumptions,
        (d, file, observed, k, assume) => {
          const g = createGraph(d, { digest: DIGEST });
          const res = fileSlice(
            g,
            { file, ...(observed ? { observed } : {}), ...assumeField(assume) },
            { ...UNLIMITED, pathsPerPair: k },
          );
          const ref = refGraph(d);
          const a = refAdmission(ref, observed, assume);
          const match = picomatch(file, { dot: true });
          const targets = ref.nodes.flatMap((n, i) => (n.file && match(n.file) && a.node(i) ? [i] : []));
          const entries = entrypoints(ref, a);
          const set = onPath(ref, entries, targets, a);
          for (const t of targets) set.add(t);
          const fwd = reach(ref, entries, true, INF, a);
          expect(res.nodes).toEqual(nodesById(d, idsOf(ref, set)));
          expect(res.edges).toEqual(inducedEdges(ref, set, a));
          const seqs = checkPaths(ref, res, observed, assume);
          const expected = refPaths(
            ref,
            entries,
            targets.filter((t) => fwd.has(t)),
            a,
            k,
          );
          expect(seqs).toEqual(expected.map((p) => p.nodes.map((i) => ref.nodes[i]?.id as string)));
          expect(res.counts.matched).toBe(targets.length);
          expectValid('slice-response', res);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reachableNodes: the reference closure, both directions, with and without limits', () => {
    fc.assert(
      fc.property(
        smallGraph,
        fc.array(fc.nat(9), { maxLength: 3 }),
        fc.constantFrom('downstream' as const, 'upstream' as const),
        fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
        observedFilter,
        (d, picks, direction, maxDepth, observed) => {
          const g = createGraph(d, { digest: DIGEST });
          const seeds = [...new Set(picks.map((p) => p % g.nodeCount))];
          const options = {
            direction,
            ...(maxDepth !== undefined ? { maxDepth } : {}),
            ...(observed ? { observed } : {}),
          };
          const got = reachableNodes(g, seeds, options);
          const ref = refGraph(d);
          const a = refAdmission(ref, observed);
          const expected = reach(
            ref,
            seeds.filter((s) => a.node(s)),
            direction === 'downstream',
            maxDepth ?? INF,
            a,
          );
          expect(Array.from(got)).toEqual([...expected.keys()].sort((x, y) => x - y));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('node limit: keeps the nearest nodes, says so, and counts the full answer', () => {
    fc.assert(
      fc.property(smallGraph, fc.integer({ min: 1, max: 6 }), (d, maxNodes) => {
        const g = createGraph(d, { digest: DIGEST });
        const full = packageSlice(g, { purl: 'pkg:npm/a', depth: 3 }, UNLIMITED);
        const cut = packageSlice(g, { purl: 'pkg:npm/a', depth: 3 }, { ...UNLIMITED, maxNodes });
        const ids = full.nodes.map((n) => n.id);
        expect(cut.truncated).toBe(ids.length > maxNodes);
        expect(cut.nodes.length).toBe(Math.min(maxNodes, ids.length));
        expect(cut.counts.nodes).toBe(ids.length);
        expect(cut.counts.edges).toBe(full.edges.length);
        const kept = new Set(cut.nodes.map((n) => n.id));
        for (const id of kept) expect(ids).toContain(id);
        for (const e of cut.edges) expect(kept.has(e.from) && kept.has(e.to)).toBe(true);
        expect(cut.edges).toEqual(full.edges.filter((e) => kept.has(e.from) && kept.has(e.to)));
      }),
      { numRuns: RUNS },
    );
  });
  it('assumptions on keys no guard names change nothing but the echoed query; {} is no assumption', () => {
    fc.assert(
      fc.property(smallGraph, fc.constantFrom(...CVES), observedFilter, (d, cve, observed) => {
        const g = createGraph(d, { digest: DIGEST });
        const base = { cve, ...(observed ? { observed } : {}) };
        const plain = cveSlice(g, base);
        expect(JSON.stringify(cveSlice(g, { ...base, assume: {} }))).toBe(JSON.stringify(plain));
        const unrelated = cveSlice(g, { ...base, assume: { UNUSED: 'x' } });
        expect(unrelated.query).toEqual({ type: 'cve', ...base, assume: { UNUSED: 'x' } });
        expect(JSON.stringify({ ...unrelated, query: plain.query })).toBe(JSON.stringify(plain));
      }),
      { numRuns: RUNS },
    );
  });

  it('assuming what every open guard of a gated sink asks makes it reachable; contradicting prunes', () => {
    fc.assert(
      fc.property(guardedGraph, fc.constantFrom(...CVES), (d, cve) => {
        const g = createGraph(d, { digest: DIGEST });
        const res = cveSlice(g, { cve }, UNLIMITED);
        for (const p of res.paths ?? []) {
          // a path whose open guards are all plain KEY=VALUE guards on distinct keys
          const pairs = p.openGuards?.map((x) => x.split('=').map((v) => v.trim())) ?? [];
          const keys = pairs.map(([k]) => k as string);
          if (pairs.some((kv) => kv.length !== 2 || (kv[0] as string).endsWith('!') || kv[1]?.includes('|')))
            continue;
          if (new Set(keys).size !== keys.length || pairs.length === 0) continue;
          const assume = Object.fromEntries(pairs as [string, string][]);
          const satisfied = cveSlice(g, { cve, assume }, UNLIMITED);
          expect(satisfied.sinks?.reachable).toContain(p.target);
        }
      }),
      { numRuns: RUNS },
    );
  });
  it('the verdict and the sinks do not depend on how many paths are listed', () => {
    fc.assert(
      fc.property(
        fc.oneof(smallGraph, guardedGraph),
        fc.constantFrom(...CVES),
        assumptions,
        fc.integer({ min: 1, max: 3 }),
        (d, cve, assume, maxPaths) => {
          const g = createGraph(d, { digest: DIGEST });
          const query = { cve, ...assumeField(assume) };
          const all = cveSlice(g, query, UNLIMITED);
          const few = cveSlice(g, query, { maxPaths, pathsPerPair: 1 });
          expect({ verdict: few.verdict, sinks: few.sinks }).toEqual({
            verdict: all.verdict,
            sinks: all.sinks,
          });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
