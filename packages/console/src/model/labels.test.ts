import {
  chainText,
  edgeKey,
  hopObservation,
  indexNodes,
  nodeLabel,
  nodeLocation,
  packageName,
  pathNodeIds,
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
});
