import fc from 'fast-check';
import { isCoreError } from '../error.js';
import { normalizeReachGraph } from './reachgraph-normalize.js';
import type { ReachGraph, ReachGraphEdge } from './reachgraph-types.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;

function doc(): ReachGraph {
  return {
    schemaVersion: 'reachgraph.min@v1',
    artifact: { name: 'shop/api', digest: D1, env: ['linux/arm64', 'linux/amd64', 'linux/arm64'] },
    scope: { entrypoints: ['z', 'a', 'a'], selectors: ['prod'], cves: ['CVE-2024-2', 'CVE-2024-10'] },
    nodes: [
      { id: 'b', kind: 'function', cves: ['CVE-2024-2', 'CVE-2024-10', 'CVE-2024-2'] },
      { id: 'a', kind: 'module', observed: { hitCount: 3, batches: [D3, D1, D3] } },
    ],
    edges: [
      { from: 'b', to: 'a', why: { type: 'DirectCall' } },
      { from: 'a', to: 'b', why: { type: 'EnvGuard', guard: 'os=linux' } },
      { from: 'a', to: 'b', why: { type: 'EnvGuard' }, observed: { hitCount: 1, batches: [D2, D1] } },
      { from: 'a', to: 'b', why: { type: 'DirectCall', loc: 'x.js:2' } },
      { from: 'a', to: 'b', why: { type: 'DirectCall', loc: 'x.js:1' } },
    ],
    provenance: {
      inputs: [
        { kind: 'runtime-facts', digest: D2, id: 'b2' },
        { kind: 'runtime-facts', digest: D2 },
        { kind: 'callgraph', digest: D3, id: 'g' },
        { kind: 'runtime-facts', digest: D1, id: 'b1' },
      ],
      analyzer: { name: 'stella', version: '1.0.0' },
      computedAt: '2025-01-01T13:00:00.250+01:00',
    },
    signatures: [{ keyid: 'k1', sig: 'AAAA' }],
  };
}

function obj(v: unknown): Record<string, unknown> {
  return v as Record<string, unknown>;
}

function arr(v: unknown): unknown[] {
  return v as unknown[];
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

describe('normalizeReachGraph', () => {
  it('normalises every part DESIGN §4 names', () => {
    expect(normalizeReachGraph(doc())).toEqual({
      schemaVersion: 'reachgraph.min@v1',
      artifact: { name: 'shop/api', digest: D1, env: ['linux/amd64', 'linux/arm64'] },
      scope: { entrypoints: ['a', 'z'], selectors: ['prod'], cves: ['CVE-2024-10', 'CVE-2024-2'] },
      nodes: [
        { id: 'a', kind: 'module', observed: { hitCount: 3, batches: [D1, D3] } },
        { id: 'b', kind: 'function', cves: ['CVE-2024-10', 'CVE-2024-2'] },
      ],
      edges: [
        { from: 'a', to: 'b', why: { type: 'DirectCall', loc: 'x.js:1' } },
        { from: 'a', to: 'b', why: { type: 'DirectCall', loc: 'x.js:2' } },
        { from: 'a', to: 'b', why: { type: 'EnvGuard' }, observed: { hitCount: 1, batches: [D1, D2] } },
        { from: 'a', to: 'b', why: { type: 'EnvGuard', guard: 'os=linux' } },
        { from: 'b', to: 'a', why: { type: 'DirectCall' } },
      ],
      provenance: {
        inputs: [
          { kind: 'callgraph', digest: D3, id: 'g' },
          { kind: 'runtime-facts', digest: D1, id: 'b1' },
          { kind: 'runtime-facts', digest: D2 },
          { kind: 'runtime-facts', digest: D2, id: 'b2' },
        ],
        analyzer: { name: 'stella', version: '1.0.0' },
        computedAt: '2025-01-01T12:00:00.25Z',
      },
    });
  });

  it('removes signatures and does not modify its input', () => {
    const input = deepFreeze(doc());
    const before = structuredClone(input);
    const out = normalizeReachGraph(input);
    expect('signatures' in out).toBe(false);
    expect(input).toEqual(before);
    expect(out.nodes[0]).not.toBe(input.nodes[1]);
  });

  it('drops null and undefined members and elements at any depth', () => {
    const input = doc() as unknown as Record<string, unknown>;
    const withNulls = structuredClone(input);
    withNulls['signatures'] = null;
    arr(obj(withNulls['artifact'])['env']).push(null);
    obj(withNulls['scope'])['selectors'] = null;
    const node = obj(arr(withNulls['nodes'])[0]);
    node['purl'] = null;
    node['line'] = undefined;
    const edge = obj(arr(withNulls['edges'])[0]);
    obj(edge['why'])['guard'] = null;
    edge['observed'] = null;
    obj(arr(obj(withNulls['provenance'])['inputs'])[1])['id'] = null;
    arr(withNulls['nodes']).push(null);
    const expected = structuredClone(input);
    delete obj(expected['scope'])['selectors'];
    expect(normalizeReachGraph(withNulls as unknown as ReachGraph)).toEqual(
      normalizeReachGraph(expected as unknown as ReachGraph),
    );
  });

  it('orders strings by UTF-16 code units, never by locale', () => {
    const ids = ['é', 'b', '\uFB33', 'B', '😀', 'a', 'A'];
    const input = { ...doc(), nodes: ids.map((id) => ({ id, kind: 'function' as const })), edges: [] };
    expect(normalizeReachGraph(input).nodes.map((n) => n.id)).toEqual([
      'A',
      'B',
      'a',
      'b',
      'é',
      '😀',
      '\uFB33',
    ]);
  });

  it('puts an edge without guard before the same edge with one, and breaks full ties canonically', () => {
    const input = {
      ...doc(),
      edges: [
        { from: 'a', to: 'b', why: { type: 'FeatureFlag' as const, guard: 'A=1', confidence: 0.5 } },
        { from: 'a', to: 'b', why: { type: 'FeatureFlag' as const, guard: 'A=1', confidence: 0.25 } },
        { from: 'a', to: 'b', why: { type: 'FeatureFlag' as const } },
      ],
    };
    expect(normalizeReachGraph(input).edges.map((e) => e.why)).toEqual([
      { type: 'FeatureFlag' },
      { type: 'FeatureFlag', guard: 'A=1', confidence: 0.25 },
      { type: 'FeatureFlag', guard: 'A=1', confidence: 0.5 },
    ]);
  });

  it('keeps members the schema does not know (the digest still covers them)', () => {
    const input = { ...doc(), extra: { z: 1, a: [null, 2] } } as unknown as ReachGraph;
    expect((normalizeReachGraph(input) as unknown as Record<string, unknown>)['extra']).toEqual({
      a: [2],
      z: 1,
    });
  });

  it('keeps a __proto__ member as data', () => {
    const input = JSON.parse(
      JSON.stringify(doc()).replace('"name":', '"__proto__":{"x":1},"name":'),
    ) as ReachGraph;
    const artifact = normalizeReachGraph(input).artifact as unknown as Record<string, unknown>;
    expect(Object.getPrototypeOf(artifact)).toBe(Object.prototype);
    expect(Object.keys(artifact)).toContain('__proto__');
  });

  it('rejects a document that contains itself', () => {
    const input = doc() as unknown as Record<string, unknown>;
    const nodes = input['nodes'] as Record<string, unknown>[];
    nodes[0]!['self'] = input;
    let err: unknown;
    try {
      normalizeReachGraph(input as unknown as ReachGraph);
    } catch (e) {
      err = e;
    }
    expect(isCoreError(err, 'CANONICAL_JSON_INVALID')).toBe(true);
  });
});

describe('normalizeReachGraph edge order (fast-check)', () => {
  const part = fc.string({
    unit: fc.constantFrom('\u0000', '\u0001', '\u0002', 'a', 'é', '😀'),
    maxLength: 3,
  });
  const edge = fc.record(
    {
      from: part,
      to: part,
      why: fc.record(
        { type: fc.constantFrom('Import', 'DirectCall'), guard: part },
        { requiredKeys: ['type'] },
      ),
    },
    { requiredKeys: ['from', 'to', 'why'] },
  );

  /** The order DESIGN §4 defines, written as a plain comparator on the tuple. */
  function tupleOrder(a: ReachGraphEdge, b: ReachGraphEdge): number {
    const cmp = (x: string | undefined, y: string | undefined) =>
      x === y ? 0 : x === undefined ? -1 : y === undefined ? 1 : x < y ? -1 : 1;
    return (
      cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.why.type, b.why.type) || cmp(a.why.guard, b.why.guard)
    );
  }

  it('sorts edges by (from, to, why.type, why.guard) in UTF-16 code units, even with \\0 and \\1 in them', () => {
    fc.assert(
      fc.property(fc.array(edge as fc.Arbitrary<ReachGraphEdge>, { maxLength: 30 }), (edges) => {
        const sorted = normalizeReachGraph({ ...doc(), edges }).edges;
        for (let i = 1; i < sorted.length; i++)
          expect(tupleOrder(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
        expect([...sorted].sort(tupleOrder)).toEqual(sorted);
      }),
      { numRuns: 300 },
    );
  });
});

describe('normalizeReachGraph nesting limit', () => {
  it('rejects unknown members nested deeper than canonicalization allows, with CANONICAL_JSON_INVALID', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    let err: unknown;
    try {
      normalizeReachGraph({ ...doc(), extra: deep } as unknown as ReachGraph);
    } catch (e) {
      err = e;
    }
    expect(isCoreError(err, 'CANONICAL_JSON_INVALID')).toBe(true);
  });
});
