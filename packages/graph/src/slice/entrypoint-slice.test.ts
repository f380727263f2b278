import { demoGraph } from '../__tests__/demo-graph.js';
import { expectValid } from '../__tests__/schema.js';
import { entrypointSlice } from './entrypoint-slice.js';

const ids = (r: { nodes: { id: string }[] }) => r.nodes.map((n) => n.id);

describe('entrypointSlice', () => {
  const g = demoGraph();

  it('returns everything reachable from an entrypoint named by id (depth 10 by default)', () => {
    const res = entrypointSlice(g, { entrypoint: 'app:cli' });
    expect(ids(res)).toEqual(['app:cli', 'app:parseOptions', 'minimist:minimist', 'minimist:setKey']);
    expect(res.query).toEqual({ type: 'entrypoint', entrypoint: 'app:cli', depth: 10 });
    expect(res.counts.matched).toBe(1);
    expectValid('slice-response', res);
  });

  it('resolves a file or a symbol to the entrypoint nodes that have it', () => {
    expect(entrypointSlice(g, { entrypoint: 'src/cli.js', depth: 1 }).nodes.map((n) => n.id)).toEqual([
      'app:cli',
      'app:parseOptions',
    ]);
    // both entrypoints have symbol `main`
    const bySymbol = entrypointSlice(g, { entrypoint: 'main', depth: 1 });
    expect(bySymbol.counts.matched).toBe(2);
    expect(ids(bySymbol)).toEqual([
      'app:cli',
      'app:dumpState',
      'app:main',
      'app:parseOptions',
      'express:listen',
    ]);
    // a symbol of a node that is not an entrypoint resolves to nothing
    expect(entrypointSlice(g, { entrypoint: 'getReport' }).counts).toEqual({
      nodes: 0,
      edges: 0,
      matched: 0,
    });
  });

  it('returns guarded, loader and import edges with their explanations', () => {
    const edges = entrypointSlice(g, { entrypoint: 'main' }).edges;
    expect(edges).toContainEqual({
      from: 'app:main',
      to: 'app:dumpState',
      why: { type: 'EnvGuard', guard: 'DEBUG=true', loc: 'src/server.js:27' },
    });
    expect(edges).toContainEqual({
      from: 'app:loadRenderer',
      to: 'native:dlopen',
      why: { type: 'LoaderRule', guard: 'RTLD_LAZY' },
    });
    expect(edges).toContainEqual({
      from: 'app:parseOptions',
      to: 'minimist:minimist',
      why: { type: 'Import', loc: 'src/cli.js:1' },
    });
    expect(new Set(edges.map((e) => e.why.type)).size).toBe(8);
  });

  it('honours the depth limit', () => {
    expect(ids(entrypointSlice(g, { entrypoint: 'app:main', depth: 2 }))).toEqual([
      'app:dumpState',
      'app:main',
      'express:handle',
      'express:listen',
      'lodash:debounce',
    ]);
  });

  it('keeps only nodes and edges on paths to sinks with sinksOnly', () => {
    const res = entrypointSlice(g, { entrypoint: 'app:main', sinksOnly: true });
    expect(ids(res)).not.toContain('app:dumpState');
    expect(ids(res)).not.toContain('native:dlopen');
    expect(ids(res)).toContain('lodash:template');
    expect(res.query).toEqual({ type: 'entrypoint', entrypoint: 'app:main', depth: 10, sinksOnly: true });
    // the sink must lie inside the depth region
    expect(entrypointSlice(g, { entrypoint: 'app:main', sinksOnly: true, depth: 5 }).nodes).toEqual([]);
  });

  it('rejects bad queries', () => {
    for (const q of [
      { entrypoint: '' },
      { entrypoint: 'app:main', depth: 0 },
      { entrypoint: 'app:main', sinksOnly: 'yes' },
    ]) {
      expect(() => entrypointSlice(g, q as never)).toThrow(
        expect.objectContaining({ code: 'QUERY_INVALID' }),
      );
    }
  });
});
