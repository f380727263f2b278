import fc from 'fast-check';
import { CVES, smallGraph } from '../__tests__/arbitraries.js';
import { demoGraph } from '../__tests__/demo-graph.js';
import { DIGEST, edge, fn, graph } from '../__tests__/fixtures.js';
import { createGraph } from '../model/create-graph.js';
import { allEdges, allNodes } from '../model/materialize.js';
import { sliceGraph } from '../slice/slice-graph.js';
import type { AnySliceQuery } from '../slice/types.js';
import { decodeGraph } from './decode.js';
import { encodeGraph } from './encode.js';
import { FORMAT_VERSION, H, HEADER_SIZE, SECTION_TABLE_END } from './format.js';

const QUERIES: AnySliceQuery[] = [
  ...CVES.map((cve) => ({ type: 'cve' as const, cve })),
  { type: 'cve', cve: 'CVE-2024-0001', observed: 'only' },
  { type: 'package', purl: 'pkg:npm/a', depth: 3 },
  { type: 'package', purl: 'pkg:npm/b@1.0.0', direction: 'upstream', observed: 'exclude' },
  { type: 'entrypoint', entrypoint: 'main' },
  { type: 'entrypoint', entrypoint: 'src/a.js', sinksOnly: true },
  { type: 'file', file: '**/*.ts' },
];

describe('binary graph form', () => {
  it('round-trips: the decoded graph answers every slice like the graph built from JSON', () => {
    fc.assert(
      fc.property(smallGraph, (d) => {
        const g = createGraph(d, { digest: DIGEST });
        const bytes = encodeGraph(g);
        const back = decodeGraph(bytes, { verify: 'full' });
        expect(back.digest).toBe(DIGEST);
        expect(allNodes(back)).toEqual(allNodes(g));
        expect(allEdges(back)).toEqual(allEdges(g));
        for (const q of QUERIES) expect(sliceGraph(back, q)).toEqual(sliceGraph(g, q));
        // re-encoding is byte-identical (deterministic, and a decoded graph reuses its string blob)
        expect(encodeGraph(back)).toEqual(bytes);
      }),
      { numRuns: 100 },
    );
  });

  it('writes the documented header', () => {
    const g = demoGraph();
    const bytes = encodeGraph(g);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x53, 0x52, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(view.getUint16(H.version, true)).toBe(FORMAT_VERSION);
    expect(view.getUint32(H.headerSize, true)).toBe(HEADER_SIZE);
    expect(view.getUint32(H.fileLength, true)).toBe(bytes.length);
    expect(view.getUint32(H.nodeCount, true)).toBe(g.nodeCount);
    expect(view.getUint32(H.edgeCount, true)).toBe(g.edgeCount);
    expect(view.getUint32(H.sectionCount, true)).toBe(25);
    expect(view.getUint32(HEADER_SIZE, true)).toBe(SECTION_TABLE_END);
    expect(bytes.length % 8).toBe(0);
  });

  it('keeps non-ASCII strings and reads bytes at any alignment', () => {
    const g = graph(
      [
        fn('é', { isEntrypoint: true, symbol: 'naïve', file: 'src/日本.ts' }),
        fn('😀', { cves: ['CVE-2024-0001'] }),
      ],
      [edge('é', '😀', { guard: 'LANG=ü' })],
    );
    const bytes = encodeGraph(g);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const back = decodeGraph(shifted.subarray(3), { verify: 'full' });
    expect(allNodes(back)).toEqual(allNodes(g));
    expect(sliceGraph(back, { type: 'cve', cve: 'CVE-2024-0001' })).toEqual(
      sliceGraph(g, { type: 'cve', cve: 'CVE-2024-0001' }),
    );
    expect(sliceGraph(back, { type: 'file', file: 'src/日本.ts' }).counts.matched).toBe(1);
  });

  it('decodes from a Node Buffer at an odd offset', () => {
    const g = demoGraph();
    const bytes = encodeGraph(g);
    const pool = Buffer.alloc(bytes.length + 5);
    pool.set(bytes, 5);
    const back = decodeGraph(pool.subarray(5));
    expect(allNodes(back)).toEqual(allNodes(g));
  });

  it('refuses a string UTF-8 cannot carry', () => {
    const g = graph([fn('a\ud800')], []);
    expect(() => encodeGraph(g)).toThrow(expect.objectContaining({ code: 'GRAPH_INVALID' }));
  });

  it('round-trips an empty graph', () => {
    const g = graph([], []);
    expect(decodeGraph(encodeGraph(g)).nodeCount).toBe(0);
  });
});
