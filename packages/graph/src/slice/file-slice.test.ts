import { demoGraph } from '../__tests__/demo-graph.js';
import { edge, fn, graph } from '../__tests__/fixtures.js';
import { expectValid } from '../__tests__/schema.js';
import { fileSlice } from './file-slice.js';

const ids = (r: { nodes: { id: string }[] }) => r.nodes.map((n) => n.id);

describe('fileSlice', () => {
  const g = graph(
    [
      fn('main', { file: 'src/index.ts', isEntrypoint: true }),
      fn('util', { file: 'src/lib/util.ts' }),
      fn('cfg', { file: 'src/.config/load.js' }),
      fn('rc', { file: '.eslintrc.js' }),
      fn('gen', { file: 'src/gen/{weird}.ts' }),
      fn('test', { file: 'test/util.test.ts' }),
      fn('orphan', { file: 'src/lib/orphan.ts' }),
    ],
    [edge('main', 'util'), edge('util', 'cfg'), edge('main', 'rc'), edge('orphan', 'util')],
  );

  it('matches `**` across directories, dotfiles included', () => {
    expect(ids(fileSlice(g, { file: 'src/**' }))).toEqual(['cfg', 'gen', 'main', 'orphan', 'util']);
    expect(ids(fileSlice(g, { file: '**/*.js' }))).toEqual(['cfg', 'main', 'rc', 'util']);
    expect(fileSlice(g, { file: '*.js' }).counts.matched).toBe(1);
  });

  it('expands braces and character classes', () => {
    expect(fileSlice(g, { file: '{src,test}/**/util*.ts' }).counts.matched).toBe(2);
    expect(fileSlice(g, { file: 'src/lib/[ou]*.ts' }).counts.matched).toBe(2);
  });

  it('returns an empty answer when no file matches', () => {
    const res = fileSlice(g, { file: 'docs/**' });
    expect(res).toMatchObject({
      nodes: [],
      edges: [],
      paths: [],
      counts: { nodes: 0, edges: 0, matched: 0, paths: 0 },
    });
  });

  it('adds the entrypoint paths that reach the matched nodes (the impact of a change)', () => {
    const res = fileSlice(g, { file: 'src/.config/*.js' });
    expect(ids(res)).toEqual(['cfg', 'main', 'util']);
    expect(res.paths?.map((p) => [p.entrypoint, ...p.hops.map((h) => h.to)])).toEqual([
      ['main', 'util', 'cfg'],
    ]);
    expectValid('slice-response', res);
    // a matched node no entrypoint reaches is still returned, without a path
    const orphan = fileSlice(g, { file: 'src/lib/orphan.ts' });
    expect(ids(orphan)).toEqual(['orphan']);
    expect(orphan.paths).toEqual([]);
  });

  it('shows which routes a changed file is reached through in the demo graph', () => {
    const res = fileSlice(demoGraph(), { file: 'src/lib/pdf.js' });
    expect(res.paths?.map((p) => p.target)).toEqual(['app:loadRenderer', 'app:renderLinux']);
    expect(res.paths?.[1]?.guards).toEqual(['PDF_EXPORT=enabled', 'os=linux']);
  });

  it('rejects empty and invalid globs as QUERY_INVALID', () => {
    for (const file of ['', '  ', 'src/[abc', 7]) {
      expect(() => fileSlice(g, { file } as never)).toThrow(
        expect.objectContaining({ code: 'QUERY_INVALID' }),
      );
    }
  });
});
