import { type SliceResponse, schemaIssues } from '@stella-ops/core';
import { DEMO_EDGES, DEMO_NODES } from '../__tests__/demo-graph.js';
import { edge, graph } from '../__tests__/fixtures.js';
import { isGraphError } from '../error.js';
import { sliceGraph } from '../slice/slice-graph.js';
import { diffSlices } from './diff-slices.js';

const BASE = `blake3:${'b'.repeat(64)}`;
const HEAD = `blake3:${'e'.repeat(64)}`;

function slice(edges: typeof DEMO_EDGES, query: SliceResponse['query'], digest: string): SliceResponse {
  return { ...sliceGraph(graph(DEMO_NODES, edges), query), graphDigest: digest };
}

const without = (from: string, to: string) => DEMO_EDGES.filter((e) => !(e.from === from && e.to === to));

describe('diffSlices', () => {
  const cve = (id: string) => ({ type: 'cve' as const, cve: id });

  it('reports a sink a new edge makes reachable, with the added path, and validates as reachgraph.diff@v1', () => {
    const q = cve('CVE-2020-8203');
    const base = slice(DEMO_EDGES, q, BASE);
    const head = slice([...DEMO_EDGES, edge('app:main', 'lodash:zipObjectDeep')], q, HEAD);
    const diff = diffSlices(base, head);
    expect(schemaIssues('reachgraph.diff@v1', diff)).toEqual([]);
    expect(diff).toMatchObject({
      digest: HEAD,
      baseDigest: BASE,
      query: q,
      verdict: { base: 'not_reachable', head: 'reachable' },
      sinks: {
        newlyReachable: ['lodash:zipObjectDeep'],
        noLongerReachable: [],
        stillReachable: [],
        changed: [{ node: 'lodash:zipObjectDeep', base: 'unreachable', head: 'reachable' }],
      },
      counts: { newlyReachable: 1, pathsAdded: 1, pathsRemoved: 0, basePaths: 0, headPaths: 1 },
      truncated: false,
    });
    expect(diff.paths.added.map((p) => p.hops.map((h) => `${h.from}>${h.to}`))).toEqual([
      ['app:main>lodash:zipObjectDeep'],
    ]);
  });

  it('reports a sink whose only path disappeared as no longer reachable, with the removed path', () => {
    const q = cve('CVE-2021-44906');
    const diff = diffSlices(
      slice(DEMO_EDGES, q, BASE),
      slice(without('minimist:minimist', 'minimist:setKey'), q, HEAD),
    );
    expect(diff.verdict).toEqual({ base: 'reachable', head: 'not_reachable' });
    expect(diff.sinks.noLongerReachable).toEqual(['minimist:setKey']);
    expect(diff.sinks.newlyReachable).toEqual([]);
    expect(diff.paths.removed.map((p) => p.target)).toEqual(['minimist:setKey']);
    expect(diff.paths.added).toEqual([]);
  });

  it('lists a sink that stays reachable by another route under stillReachable, with the changed paths', () => {
    const q = cve('CVE-2021-44906');
    const head = [...without('app:parseOptions', 'minimist:minimist'), edge('app:cli', 'minimist:minimist')];
    const diff = diffSlices(slice(DEMO_EDGES, q, BASE), slice(head, q, HEAD));
    expect(diff.sinks).toMatchObject({
      newlyReachable: [],
      noLongerReachable: [],
      stillReachable: ['minimist:setKey'],
    });
    expect(diff.sinks.changed).toEqual([]);
    expect(diff.paths.added.map((p) => p.hops.length)).toEqual([2]);
    expect(diff.paths.removed.map((p) => p.hops.length)).toEqual([3]);
  });

  it('is empty for a slice compared with itself', () => {
    const s = slice(DEMO_EDGES, cve('CVE-2021-44906'), BASE);
    const diff = diffSlices(s, s);
    expect(diff.sinks.changed).toEqual([]);
    expect(diff.sinks.stillReachable).toEqual(['minimist:setKey']);
    expect(diff.paths).toEqual({ added: [], removed: [], truncated: false });
  });

  it('ignores where a call is and whether it was observed: only the hop sequence identifies a path', () => {
    const q = cve('CVE-2021-44906');
    const moved = DEMO_EDGES.map((e) =>
      e.from === 'app:parseOptions'
        ? {
            ...e,
            why: { ...e.why, loc: 'src/cli.js:99' },
            observed: { hitCount: 1, batches: [`sha256:${'a'.repeat(64)}`] },
          }
        : e,
    );
    expect(diffSlices(slice(DEMO_EDGES, q, BASE), slice(moved, q, HEAD)).paths.added).toEqual([]);
  });

  it('diffs file slices: the nodes in matching files are the sinks', () => {
    const q = { type: 'file' as const, file: 'src/cli.js' };
    const base = slice(DEMO_EDGES, q, BASE);
    const head = slice(without('app:cli', 'app:parseOptions'), q, HEAD);
    const diff = diffSlices(base, head);
    expect(schemaIssues('reachgraph.diff@v1', diff)).toEqual([]);
    expect(diff.sinks.noLongerReachable).toEqual(['app:parseOptions']);
    expect(diff.sinks.changed).toEqual([
      { node: 'app:parseOptions', base: 'reachable', head: 'unreachable' },
    ]);
    expect(diff.verdict).toEqual({
      base: 'reachable',
      head: diff.sinks.stillReachable.length > 0 ? 'reachable' : 'not_reachable',
    });
    expect(diff.paths.removed.every((p) => p.target === 'app:parseOptions')).toBe(true);
    expect(diff.paths.removed.length).toBeGreaterThan(0);
  });

  it('cuts the path lists at maxPaths, keeping the counts, and says so', () => {
    const q = { type: 'file' as const, file: 'src/**' };
    const base = slice([], q, BASE);
    const head = slice(DEMO_EDGES, q, HEAD);
    const full = diffSlices(base, head);
    expect(full.counts.pathsAdded).toBeGreaterThan(2);
    const cut = diffSlices(base, head, { maxPaths: 2 });
    expect(cut.paths.added).toEqual(full.paths.added.slice(0, 2));
    expect(cut.paths.truncated).toBe(true);
    expect(cut.truncated).toBe(true);
    expect(cut.counts.pathsAdded).toBe(full.counts.pathsAdded);
  });

  it('is truncated when either slice was cut by a limit', () => {
    const q = cve('CVE-2021-44906');
    const s = slice(DEMO_EDGES, q, BASE);
    expect(diffSlices(s, { ...s, truncated: true }).truncated).toBe(true);
    expect(diffSlices({ ...s, truncated: true }, s).truncated).toBe(true);
    expect(diffSlices({ ...s, truncated: true }, s).paths.truncated).toBe(false);
  });

  describe('gated sinks (paths that depend on open conditional guards)', () => {
    const gatedPath = {
      entrypoint: 'app:main',
      target: 'lodash:template',
      hops: [
        {
          from: 'app:main',
          to: 'lodash:template',
          why: { type: 'FeatureFlag' as const, guard: 'X=enabled' },
        },
      ],
      guards: ['X=enabled'],
      openGuards: ['X=enabled'],
    };
    const openPath = {
      entrypoint: 'app:main',
      target: 'lodash:template',
      hops: [{ from: 'app:main', to: 'lodash:template', why: { type: 'DirectCall' as const } }],
      guards: [],
      openGuards: [],
    };
    const cveSliceWith = (
      digest: string,
      sinks: Record<string, string[]>,
      paths: unknown[],
      verdict: string,
    ) =>
      ({
        schemaVersion: 'reachgraph.slice@v1',
        graphDigest: digest,
        query: { type: 'cve', cve: 'CVE-2021-23337' },
        verdict,
        nodes: [],
        edges: [],
        paths,
        sinks: { reachable: [], unreachable: [], ...sinks },
        counts: { nodes: 0, edges: 0 },
        truncated: false,
      }) as unknown as SliceResponse;
    const gated = cveSliceWith(BASE, { gated: ['lodash:template'] }, [gatedPath], 'gated');
    const reachable = cveSliceWith(HEAD, { reachable: ['lodash:template'] }, [openPath], 'reachable');
    const unreachable = cveSliceWith(HEAD, { unreachable: ['lodash:template'] }, [], 'not_reachable');

    it('reports gated → reachable as newly reachable and no longer gated', () => {
      const diff = diffSlices(gated, reachable);
      expect(schemaIssues('reachgraph.diff@v1', diff)).toEqual([]);
      expect(diff.verdict).toEqual({ base: 'gated', head: 'reachable' });
      expect(diff.sinks).toEqual({
        newlyReachable: ['lodash:template'],
        noLongerReachable: [],
        stillReachable: [],
        newlyGated: [],
        noLongerGated: ['lodash:template'],
        changed: [{ node: 'lodash:template', base: 'gated', head: 'reachable' }],
      });
      expect(diff.paths.added).toEqual([openPath]);
      expect(diff.paths.removed).toEqual([gatedPath]);
    });

    it('reports unreachable → gated as newly gated, not newly reachable', () => {
      const diff = diffSlices(unreachable, { ...gated, graphDigest: HEAD });
      expect(diff.sinks.newlyReachable).toEqual([]);
      expect(diff.sinks.newlyGated).toEqual(['lodash:template']);
      expect(diff.sinks.changed).toEqual([{ node: 'lodash:template', base: 'unreachable', head: 'gated' }]);
    });

    it('derives gated for file slices from the paths: gated when every path to a node has open guards', () => {
      const file = (paths: unknown[]) =>
        ({
          ...cveSliceWith(BASE, {}, paths, 'reachable'),
          query: { type: 'file', file: 'lodash/**' },
          verdict: undefined,
          sinks: undefined,
          counts: { nodes: 1, edges: 0, matched: 1 },
        }) as unknown as SliceResponse;
      const diff = diffSlices(file([gatedPath]), file([gatedPath, openPath]));
      expect(diff.verdict).toEqual({ base: 'gated', head: 'reachable' });
      expect(diff.sinks.changed).toEqual([{ node: 'lodash:template', base: 'gated', head: 'reachable' }]);
    });
  });

  it('refuses slices of different queries, and slices without paths', () => {
    const a = slice(DEMO_EDGES, cve('CVE-2021-44906'), BASE);
    const b = slice(DEMO_EDGES, cve('CVE-2020-8203'), BASE);
    const pkg = slice(DEMO_EDGES, { type: 'package', purl: 'pkg:npm/lodash' }, BASE);
    for (const [x, y] of [
      [a, b],
      [pkg, pkg],
    ] as const) {
      let caught: unknown;
      try {
        diffSlices(x, y);
      } catch (err) {
        caught = err;
      }
      expect(isGraphError(caught, 'QUERY_INVALID')).toBe(true);
    }
    expect(() => diffSlices(a, a, { maxPaths: 0 })).toThrow(/maxPaths/);
  });
});
