import { formatAssumptions, summarizeConditions, summarizeRoutes, type WitnessPath } from './path-summary.js';

const hop = (from: string, to: string) => ({ from, to, why: { type: 'DirectCall' as const } });

function path(entrypoint: string, target: string, via: string[] = [], openGuards?: string[]): WitnessPath {
  const ids = [entrypoint, ...via, target];
  return {
    entrypoint,
    target,
    hops: ids.slice(1).map((to, i) => hop(ids[i] as string, to)),
    guards: openGuards ?? [],
    ...(openGuards ? { openGuards } : {}),
  };
}

describe('summarizeRoutes', () => {
  it('counts the paths of each (entrypoint, sink) pair in first-seen order; a direct call has no ellipsis', () => {
    expect(
      summarizeRoutes([path('main', 'sink', ['a']), path('cli', 'sink'), path('main', 'sink', ['b', 'c'])]),
    ).toBe('main → … → sink (2 paths); cli → sink (1 path)');
  });

  it('names at most five routes and says how many more there are', () => {
    const paths = Array.from({ length: 7 }, (_, i) => path(`e${i}`, 'sink', ['x']));
    expect(summarizeRoutes(paths)).toBe(
      'e0 → … → sink (1 path); e1 → … → sink (1 path); e2 → … → sink (1 path); e3 → … → sink (1 path); e4 → … → sink (1 path); and 2 more routes',
    );
  });

  it('is empty without paths', () => {
    expect(summarizeRoutes([])).toBe('');
  });
});

describe('summarizeConditions', () => {
  it('joins each path’s open conditions with "and", alternatives with "or", each once', () => {
    expect(
      summarizeConditions([
        path('m', 's', ['a'], ['FEATURE_X=enabled']),
        path('m', 's', ['b'], ['PDF_EXPORT=enabled', 'os=linux']),
        path('c', 's', ['a'], ['FEATURE_X=enabled']),
        path('c', 's', ['d']),
      ]),
    ).toBe('FEATURE_X=enabled or PDF_EXPORT=enabled and os=linux');
  });
});

describe('formatAssumptions', () => {
  it('writes KEY=VALUE pairs in the order the query holds them (sorted by key), nothing when absent', () => {
    expect(formatAssumptions({ DEBUG: 'false', os: 'linux' })).toBe('DEBUG=false, os=linux');
    expect(formatAssumptions(undefined)).toBe('');
  });
});
