import type { SliceResponse } from '@stella-ops/core';
import { explainCveSlice } from './explain.js';

const base = {
  schemaVersion: 'reachgraph.slice@v1',
  graphDigest: `blake3:${'0'.repeat(64)}`,
  query: { type: 'cve', cve: 'CVE-2021-23337' },
  nodes: [
    { id: 'main', kind: 'function', symbol: 'main' },
    { id: 'tpl', kind: 'function', symbol: 'template' },
  ],
  edges: [],
  counts: { nodes: 2, edges: 1 },
  truncated: false,
} as const;

const guardedPath = {
  entrypoint: 'main',
  target: 'tpl',
  hops: [
    {
      from: 'main',
      to: 'tpl',
      why: { type: 'FeatureFlag', guard: 'CUSTOM_REPORTS=enabled' },
      observed: true,
    },
  ],
  guards: ['CUSTOM_REPORTS=enabled'],
  openGuards: ['CUSTOM_REPORTS=enabled'],
};

const slice = (extra: object) => ({ ...base, ...extra }) as unknown as SliceResponse;

describe('explainCveSlice', () => {
  it('says a gated CVE is reachable only under the conditions its paths depend on', () => {
    const lines = explainCveSlice(slice({ verdict: 'gated', paths: [guardedPath] }));
    expect(lines[0]).toBe(
      'CVE-2021-23337 is REACHABLE only under conditions: 1 path from an entrypoint to its vulnerable code, each behind a guard',
    );
    expect(lines).toContain('path 1 — only if CUSTOM_REPORTS=enabled, every hop observed at runtime:');
  });

  it('says REACHABLE without conditions when a path needs none, and lists the guards the assumptions left open', () => {
    const open = { ...guardedPath, openGuards: [] };
    const lines = explainCveSlice(slice({ verdict: 'reachable', paths: [open] }));
    expect(lines[0]).toBe('CVE-2021-23337 is REACHABLE: 1 path from an entrypoint to its vulnerable code');
    expect(lines).toContain('path 1, every hop observed at runtime:');
  });

  it('says NOT reachable and unknown plainly', () => {
    expect(explainCveSlice(slice({ verdict: 'not_reachable', paths: [] }))).toEqual([
      'CVE-2021-23337 is NOT reachable: no path from any entrypoint reaches its sinks',
    ]);
    expect(explainCveSlice(slice({ verdict: 'unknown' }))).toEqual([
      'CVE-2021-23337: no sink for it in this graph',
    ]);
  });
});
