import { demoGraph } from '../__tests__/demo-graph.js';
import { edge, fn, graph } from '../__tests__/fixtures.js';
import { expectValid } from '../__tests__/schema.js';
import { cveSlice } from './cve-slice.js';
import { cveSubgraph } from './cve-subgraph.js';
import { entrypointSlice } from './entrypoint-slice.js';
import { fileSlice } from './file-slice.js';
import { packageSlice } from './package-slice.js';
import { sliceGraph } from './slice-graph.js';

const CVE = 'CVE-2024-0001';
const entry = fn('e', { isEntrypoint: true, file: 'src/e.js', purl: 'pkg:npm/app@1.0.0' });
const sink = fn('s', { cves: [CVE], file: 'src/s.js', purl: 'pkg:npm/lib@1.0.0' });
const through = (why: Parameters<typeof edge>[2]) =>
  graph([entry, fn('m'), sink], [edge('e', 'm', why), edge('m', 's')]);

describe('conditional reachability (assume)', () => {
  it('FEATURE_X=disabled prunes a FeatureFlag FEATURE_X=enabled edge; enabled satisfies it', () => {
    const g = through({ type: 'FeatureFlag', guard: 'FEATURE_X=enabled' });
    const open = cveSlice(g, { cve: CVE });
    expect(open.verdict).toBe('gated');
    expect(open.sinks).toEqual({ reachable: [], gated: ['s'], unreachable: [] });
    expect(open.paths?.[0]?.openGuards).toEqual(['FEATURE_X=enabled']);

    const off = cveSlice(g, { cve: CVE, assume: { FEATURE_X: 'disabled' } });
    expectValid('slice-response', off);
    expect(off.verdict).toBe('not_reachable');
    expect(off.sinks).toEqual({ reachable: [], gated: [], unreachable: ['s'] });
    expect(off.paths).toEqual([]);
    expect(off.edges).toEqual([]);
    expect(off.query).toEqual({ type: 'cve', cve: CVE, assume: { FEATURE_X: 'disabled' } });

    const on = cveSlice(g, { cve: CVE, assume: { FEATURE_X: 'ENABLED' } });
    expect(on.verdict).toBe('reachable');
    expect(on.paths?.[0]?.guards).toEqual(['FEATURE_X=enabled']);
    expect(on.paths?.[0]?.openGuards).toEqual([]);
  });

  it('os=linux prunes a PlatformArch os=windows edge and satisfies os!=windows and os=linux|darwin', () => {
    expect(
      cveSlice(through({ type: 'PlatformArch', guard: 'os=windows' }), { cve: CVE, assume: { os: 'linux' } })
        .verdict,
    ).toBe('not_reachable');
    expect(
      cveSlice(through({ type: 'PlatformArch', guard: 'os!=windows' }), { cve: CVE, assume: { os: 'linux' } })
        .verdict,
    ).toBe('reachable');
    expect(
      cveSlice(through({ type: 'PlatformArch', guard: 'os!=windows' }), {
        cve: CVE,
        assume: { os: 'Windows' },
      }).verdict,
    ).toBe('not_reachable');
    const alternatives = through({ type: 'EnvGuard', guard: 'os=linux|darwin' });
    expect(cveSlice(alternatives, { cve: CVE, assume: { os: 'darwin' } }).verdict).toBe('reachable');
    expect(cveSlice(alternatives, { cve: CVE, assume: { os: 'windows' } }).verdict).toBe('not_reachable');
    expect(cveSlice(alternatives, { cve: CVE, assume: { arch: 'arm64' } }).verdict).toBe('gated');
  });

  it('never prunes or gates on guards of other edge types, or guards not of the KEY=VALUE form', () => {
    for (const why of [
      { type: 'LoaderRule' as const, guard: 'os=windows' },
      { type: 'DirectCall' as const, guard: 'FEATURE_X=enabled' },
      { type: 'LoaderRule' as const, guard: 'RTLD_LAZY' },
      { type: 'EnvGuard' as const, guard: 'RTLD_LAZY' },
    ]) {
      const res = cveSlice(through(why), {
        cve: CVE,
        assume: { os: 'linux', FEATURE_X: 'disabled', RTLD_LAZY: 'no' },
      });
      expect({ why, verdict: res.verdict, open: res.paths?.[0]?.openGuards }).toEqual({
        why,
        verdict: 'reachable',
        open: [],
      });
      expect(res.paths?.[0]?.guards).toEqual([why.guard]);
    }
  });

  it('is exact over all paths: one unguarded path makes a sink reachable, even when the listed paths are guarded', () => {
    // two short guarded paths and one longer unguarded one; with pathsPerPair 1 only a guarded one is listed
    const nodes = [entry, fn('a'), fn('b'), fn('c'), sink];
    const edges = [
      edge('e', 'a', { type: 'FeatureFlag', guard: 'A=on' }),
      edge('a', 's'),
      edge('e', 'b'),
      edge('b', 'c'),
      edge('c', 's'),
    ];
    const res = cveSlice(graph(nodes, edges), { cve: CVE }, { pathsPerPair: 1 });
    expect(res.verdict).toBe('reachable');
    expect(res.paths?.map((p) => p.openGuards)).toEqual([['A=on']]);
    // pruning the unguarded route's only edge leaves the sink gated
    const gated = cveSlice(
      graph(nodes, [...edges.slice(0, 4), edge('c', 's', { type: 'EnvGuard', guard: 'B=1' })]),
      {
        cve: CVE,
      },
    );
    expect(gated.verdict).toBe('gated');
    expect(gated.paths?.map((p) => p.openGuards)).toEqual([['A=on'], ['B=1']]);
  });

  it('a sink is gated when every path has an open guard, though on different hops', () => {
    const g = graph(
      [entry, fn('a'), sink, fn('t', { cves: [CVE] })],
      [edge('e', 'a', { type: 'EnvGuard', guard: 'DEBUG=true' }), edge('a', 's'), edge('e', 't')],
    );
    const res = cveSlice(g, { cve: CVE });
    expect(res.verdict).toBe('reachable');
    expect(res.sinks).toEqual({ reachable: ['t'], gated: ['s'], unreachable: [] });
    expect(cveSlice(g, { cve: CVE, assume: { DEBUG: 'false' } }).sinks).toEqual({
      reachable: ['t'],
      gated: [],
      unreachable: ['s'],
    });
  });

  it('explains a hop by an edge whose guard the assumptions settle before one still open', () => {
    const g = graph(
      [entry, sink],
      [
        edge('e', 's', { type: 'EnvGuard', guard: 'A=1' }),
        edge('e', 's', { type: 'FeatureFlag', guard: 'B=1' }),
      ],
    );
    expect(cveSlice(g, { cve: CVE }).paths?.[0]?.guards).toEqual(['A=1']);
    const res = cveSlice(g, { cve: CVE, assume: { B: '1' } });
    expect(res.verdict).toBe('reachable');
    expect(res.paths?.[0]).toMatchObject({ guards: ['B=1'], openGuards: [] });
    // the pruned parallel edge is gone from the subgraph, the other one stays
    const pruned = cveSlice(g, { cve: CVE, assume: { A: '2' } });
    expect(pruned.edges.map((e) => e.why.guard)).toEqual(['B=1']);
    expect(pruned.paths?.[0]?.openGuards).toEqual(['B=1']);
  });

  it('the demo: CVE-2021-23337 is gated on CUSTOM_REPORTS or PDF_EXPORT and os=linux', () => {
    const g = demoGraph();
    const cve = 'CVE-2021-23337';
    const open = cveSlice(g, { cve });
    expect(open.verdict).toBe('gated');
    expect(open.paths?.map((p) => p.openGuards)).toEqual([
      ['CUSTOM_REPORTS=enabled'],
      ['PDF_EXPORT=enabled', 'os=linux'],
    ]);

    const linux = cveSlice(g, { cve, assume: { os: 'linux', PDF_EXPORT: 'enabled' } });
    expect(linux.verdict).toBe('reachable');
    expect(linux.paths?.map((p) => p.openGuards)).toEqual([['CUSTOM_REPORTS=enabled'], []]);

    const windows = cveSlice(g, { cve, assume: { os: 'windows' } });
    expect(windows.verdict).toBe('gated');
    expect(windows.paths?.map((p) => p.openGuards)).toEqual([['CUSTOM_REPORTS=enabled']]);
    expect(windows.nodes.map((n) => n.id)).not.toContain('app:renderLinux');

    const off = cveSlice(g, { cve, assume: { CUSTOM_REPORTS: 'disabled', os: 'windows' } });
    expect(off.verdict).toBe('not_reachable');
    expect(off.sinks).toEqual({ reachable: [], gated: [], unreachable: ['lodash:template'] });
    expect(
      Array.from(cveSubgraph(g, { cve, assume: { CUSTOM_REPORTS: 'disabled', os: 'windows' } }).reachedSinks),
    ).toEqual([]);
    // the CLI path to minimist has no guard at all
    expect(cveSlice(g, { cve: 'CVE-2021-44906', assume: { os: 'windows' } }).verdict).toBe('reachable');
  });

  it('every slice type honours assume: pruned edges do not exist for the query', () => {
    const g = demoGraph();
    const assume = { DEBUG: 'false', PDF_EXPORT: 'disabled' };
    const entry = entrypointSlice(g, { entrypoint: 'app:main', assume });
    expect(entry.nodes.map((n) => n.id)).not.toContain('app:dumpState');
    expect(entry.nodes.map((n) => n.id)).not.toContain('app:exportPdf');
    expect(entry.query).toEqual({ type: 'entrypoint', entrypoint: 'app:main', depth: 10, assume });
    // two hops up from lodash reach app:main only through the DEBUG=true edge
    const callers = { purl: 'pkg:npm/lodash', depth: 2, direction: 'upstream' as const };
    expect(packageSlice(g, callers).nodes.map((n) => n.id)).toContain('app:main');
    const pkg = packageSlice(g, { ...callers, assume });
    expect(pkg.nodes.map((n) => n.id)).not.toContain('app:main');
    expect(pkg.edges.some((e) => e.why.guard === 'DEBUG=true')).toBe(false);
    const file = fileSlice(g, { file: 'src/lib/**', assume });
    expect(file.paths).toEqual([]);
    expect(fileSlice(g, { file: 'src/lib/**' }).paths?.[0]?.openGuards).toEqual(['PDF_EXPORT=enabled']);
    expect(sliceGraph(g, { type: 'cve', cve: 'CVE-2021-23337', assume }).query).toEqual({
      type: 'cve',
      cve: 'CVE-2021-23337',
      assume,
    });
  });

  it('rejects malformed assumptions as QUERY_INVALID', () => {
    const g = demoGraph();
    for (const assume of [{ os: '' }, { '9': 'x' }, 'os=linux', { os: ['linux'] }]) {
      expect(() => cveSlice(g, { cve: 'CVE-2021-23337', assume } as never)).toThrow(
        expect.objectContaining({ code: 'QUERY_INVALID' }),
      );
    }
  });
});
