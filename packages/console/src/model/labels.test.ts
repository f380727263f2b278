import {
  chainText,
  edgeKey,
  hopObservation,
  indexNodes,
  nodeLabel,
  nodeLocation,
  packageName,
  pathNodeIds,
  splitDigest,
  storedAt,
} from './labels.js';
import type { SliceEdge, SliceNode } from './types.js';

describe('node and path labels', () => {
  it('names a node by symbol, else by the id after #, else by the id', () => {
    expect(nodeLabel('x#y', { id: 'x#y', kind: 'function', symbol: 'sym' })).toBe('sym');
    expect(nodeLabel('lodash@4.17.20#template')).toBe('template');
    expect(nodeLabel('plain')).toBe('plain');
    expect(nodeLabel('trailing#')).toBe('trailing#');
  });

  it('gives file:line, or the file alone, or nothing', () => {
    expect(nodeLocation({ id: 'a', kind: 'function', file: 'a.js', line: 0 })).toBe('a.js:0');
    expect(nodeLocation({ id: 'a', kind: 'function', file: 'a.js' })).toBe('a.js');
    expect(nodeLocation({ id: 'a', kind: 'function' })).toBeUndefined();
  });

  it('shortens package URLs to name@version, decoding the scope', () => {
    expect(packageName('pkg:npm/%40acme/orders-api@1.4.2')).toBe('@acme/orders-api@1.4.2');
    expect(packageName('pkg:maven/org.apache/commons@1.0?type=jar#sub')).toBe('org.apache/commons@1.0');
    expect(packageName('pkg:npm/bad%zz@1')).toBe('bad%zz@1');
    expect(packageName(undefined)).toBeUndefined();
  });

  it('finds the runtime observation of the edge a hop follows (type and guard included)', () => {
    const observed = { hitCount: 7, batches: [] };
    const edges: SliceEdge[] = [
      { from: 'a', to: 'b', why: { type: 'DirectCall' } },
      { from: 'a', to: 'b', why: { type: 'EnvGuard', guard: 'X=1' }, observed },
    ];
    expect(hopObservation({ edges }, { from: 'a', to: 'b', why: { type: 'EnvGuard', guard: 'X=1' } })).toBe(
      observed,
    );
    expect(hopObservation({ edges }, { from: 'a', to: 'b', why: { type: 'DirectCall' } })).toBeUndefined();
    expect(edgeKey(edges[0]!)).not.toBe(edgeKey(edges[1]!));
  });

  it('writes a path as a readable chain', () => {
    const nodes: SliceNode[] = [{ id: 'app#main', kind: 'function', symbol: 'main' }];
    const path = { entrypoint: 'app#main', hops: [{ to: 'lib#a' }, { to: 'lib#b' }] };
    expect(pathNodeIds(path)).toEqual(['app#main', 'lib#a', 'lib#b']);
    expect(chainText(pathNodeIds(path), indexNodes(nodes))).toBe('main → a → b');
  });

  it('cuts a digest after its algorithm and 12 hex digits for display, keeping the rest apart', () => {
    const digest = `blake3:2f0a9c1d5e6b${'7'.repeat(52)}`;
    expect(splitDigest(digest)).toEqual({ head: 'blake3:2f0a9c1d5e6b', rest: '7'.repeat(52) });
    expect(splitDigest('sha256:00ff')).toEqual({ head: 'sha256:00ff', rest: '' });
  });

  it('shows when a graph was stored in UTC to the second, and odd text as given', () => {
    expect(storedAt('2026-11-20T09:30:12.123456Z')).toBe('2026-11-20 09:30:12 UTC');
    expect(storedAt('2026-11-20T10:30:12+01:00')).toBe('2026-11-20 09:30:12 UTC');
    expect(storedAt('yesterday')).toBe('yesterday');
  });
});
