import { demoGraph } from '../__tests__/demo-graph.js';
import { edge, fn, graph } from '../__tests__/fixtures.js';
import { expectValid } from '../__tests__/schema.js';
import { packageSlice } from './package-slice.js';

const ids = (r: { nodes: { id: string }[] }) => r.nodes.map((n) => n.id);

describe('packageSlice', () => {
  const g = graph(
    [
      fn('app:a', { purl: 'pkg:npm/app@1.0.0', isEntrypoint: true }),
      fn('lodash3:x', { purl: 'pkg:npm/lodash@3.10.1' }),
      fn('lodash4:y', { purl: 'pkg:npm/lodash@4.17.20' }),
      fn('lodash4:z', { purl: 'pkg:npm/lodash@4.17.21?arch=x64' }),
      fn('lodashes:w', { purl: 'pkg:npm/lodash-es@4.17.21' }),
      fn('scoped:s', { purl: 'pkg:npm/%40babel/core@7.0.0' }),
      fn('dep:d1', { purl: 'pkg:npm/dep@1.0.0' }),
      fn('dep:d2', { purl: 'pkg:npm/dep@1.0.0' }),
      fn('nopurl', {}),
    ],
    [
      edge('app:a', 'lodash3:x'),
      edge('app:a', 'lodash4:y'),
      edge('lodash4:y', 'dep:d1'),
      edge('dep:d1', 'dep:d2'),
      edge('app:a', 'scoped:s'),
      edge('nopurl', 'app:a'),
    ],
  );

  it('matches every version without a version, a version prefix with `*`, or one exact version', () => {
    expect(ids(packageSlice(g, { purl: 'pkg:npm/lodash', depth: 1, direction: 'downstream' }))).toEqual([
      'dep:d1',
      'lodash3:x',
      'lodash4:y',
      'lodash4:z',
    ]);
    const prefix = packageSlice(g, { purl: 'pkg:npm/lodash@4.*', direction: 'downstream' });
    expect(prefix.counts.matched).toBe(2);
    expect(ids(packageSlice(g, { purl: 'pkg:npm/lodash@3.10.1', direction: 'downstream' }))).toEqual([
      'lodash3:x',
    ]);
    expect(packageSlice(g, { purl: 'pkg:npm/lodash@4.17.21?arch=x64' }).counts.matched).toBe(1);
    expect(packageSlice(g, { purl: 'pkg:npm/lodash@4.17.21?arch=arm64' }).counts.matched).toBe(0);
    // lodash-es is another package; type and name compare after normalisation (npm names are lower-case)
    expect(packageSlice(g, { purl: 'pkg:NPM/lodash-es' }).counts.matched).toBe(1);
    expect(packageSlice(g, { purl: 'pkg:npm/@babel/core' }).counts.matched).toBe(1);
    expect(packageSlice(g, { purl: 'pkg:pypi/lodash' }).counts.matched).toBe(0);
  });

  it('expands upstream, downstream or both within depth', () => {
    const q = { purl: 'pkg:npm/lodash@4.17.20' };
    expect(ids(packageSlice(g, { ...q, direction: 'downstream', depth: 1 }))).toEqual([
      'dep:d1',
      'lodash4:y',
    ]);
    expect(ids(packageSlice(g, { ...q, direction: 'downstream', depth: 2 }))).toEqual([
      'dep:d1',
      'dep:d2',
      'lodash4:y',
    ]);
    expect(ids(packageSlice(g, { ...q, direction: 'upstream', depth: 1 }))).toEqual(['app:a', 'lodash4:y']);
    expect(ids(packageSlice(g, { ...q, direction: 'upstream', depth: 2 }))).toEqual([
      'app:a',
      'lodash4:y',
      'nopurl',
    ]);
    const both = packageSlice(g, { ...q, depth: 1 });
    expect(ids(both)).toEqual(['app:a', 'dep:d1', 'lodash4:y']);
    expect(both.query).toEqual({
      type: 'package',
      purl: 'pkg:npm/lodash@4.17.20',
      depth: 1,
      direction: 'both',
    });
    expect(both.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['app:a>lodash4:y', 'lodash4:y>dep:d1']);
    expectValid('slice-response', both);
  });

  it('returns an empty answer when nothing matches', () => {
    const res = packageSlice(g, { purl: 'pkg:npm/left-pad' });
    expect(res.nodes).toEqual([]);
    expect(res.counts).toEqual({ nodes: 0, edges: 0, matched: 0 });
  });

  it('rejects empty or malformed purls, bad depths and directions', () => {
    const bad = [
      { purl: '' },
      { purl: '   ' },
      { purl: 'lodash' },
      { purl: 'pkg:npm' },
      { purl: 'pkg:npm/lodash', depth: 0 },
      { purl: 'pkg:npm/lodash', depth: 11 },
      { purl: 'pkg:npm/lodash', depth: 1.5 },
      { purl: 'pkg:npm/lodash', direction: 'sideways' },
      { purl: 'pkg:npm/lodash', observed: 'sometimes' },
      { purl: 'pkg:npm/lodash', cve: 'CVE-2024-0001' },
    ];
    for (const q of bad) {
      expect(() => packageSlice(g, q as never)).toThrow(expect.objectContaining({ code: 'QUERY_INVALID' }));
    }
  });

  it('finds the express package of the demo graph and its callers', () => {
    const res = packageSlice(demoGraph(), { purl: 'pkg:npm/express', direction: 'upstream', depth: 1 });
    expect(ids(res)).toEqual(['app:main', 'express:handle', 'express:listen', 'express:route']);
  });
});
