import fc from 'fast-check';
import { assumptions, CVES, guardedGraph, observedFilter, smallGraph } from '../__tests__/arbitraries.js';
import { DIGEST } from '../__tests__/fixtures.js';
import { decodeGraph } from '../binary/decode.js';
import { encodeGraph } from '../binary/encode.js';
import { guardStatesBytes } from '../guards/guard-states.js';
import { createGraph } from '../model/create-graph.js';
import type { Graph } from '../model/graph.js';
import { nodeId } from '../model/materialize.js';
import { stringTableBytes } from '../model/string-table.js';
import { cveSlice } from '../slice/cve-slice.js';
import { derivedBytes } from '../slice/derived.js';
import { fileSlice } from '../slice/file-slice.js';
import { searchBuffersBytes } from '../slice/search-buffers.js';
import { generateReachGraph } from '../testing/generate.js';
import { retainedBytes } from './retained-bytes.js';

const doc = generateReachGraph({ nodes: 3_000, edges: 9_000, seed: 7 });
const CVE = (doc.scope.cves ?? [])[0] as string;

/** The binary form of the generated graph, in a buffer of its own (as the service decodes it). */
function binary(): Uint8Array {
  return new Uint8Array(encodeGraph(createGraph(doc, { digest: DIGEST })));
}

describe('retainedBytes', () => {
  it('counts a decoded graph at its binary size: the one buffer its columns view, once', () => {
    const bytes = binary();
    const g = decodeGraph(bytes);
    expect(retainedBytes(g)).toBeGreaterThanOrEqual(bytes.byteLength);
    // Only the (empty) index of decoded-string chunks comes on top before any query.
    expect(retainedBytes(g) - bytes.byteLength).toBeLessThan(1024);
  });

  it('grows by the derived facts, decoded strings and kept search buffers a CVE slice leaves', () => {
    const g = decodeGraph(binary());
    const before = retainedBytes(g);
    expect(derivedBytes(g)).toBe(0);
    expect(searchBuffersBytes(g)).toBe(0);
    const strings = stringTableBytes(g.strings);

    const answer = cveSlice(g, { cve: CVE });
    expect(answer.paths?.length).toBeGreaterThan(0);
    expect(derivedBytes(g)).toBeGreaterThan(0);
    expect(guardStatesBytes(g)).toBeGreaterThan(0);
    // dist and queue alone: 8 bytes a node.
    expect(searchBuffersBytes(g)).toBeGreaterThanOrEqual(8 * g.nodeCount);
    expect(stringTableBytes(g.strings)).toBeGreaterThan(strings);
    expect(retainedBytes(g)).toBeGreaterThan(before + 8 * g.nodeCount);
  });

  it('grows as strings are decoded, by at least each string and its slot, and not on a second read', () => {
    const g = decodeGraph(binary());
    const before = retainedBytes(g);
    let chars = 0;
    for (let i = 0; i < g.nodeCount; i++) chars += nodeId(g, i).length;
    const after = retainedBytes(g);
    expect(after - before).toBeGreaterThanOrEqual(chars + g.nodeCount * 8);
    for (let i = 0; i < g.nodeCount; i++) nodeId(g, i);
    expect(retainedBytes(g)).toBe(after);
  });

  it('stays put when the same slices run again (the second run may add the prepared search region)', () => {
    const g = decodeGraph(binary());
    const slices = () => {
      cveSlice(g, { cve: CVE });
      cveSlice(g, { cve: CVE, observed: 'exclude' });
      cveSlice(g, { cve: CVE, assume: { DEBUG: 'false' } });
      fileSlice(g, { file: 'src/**' });
    };
    slices();
    slices();
    const settled = retainedBytes(g);
    slices();
    expect(retainedBytes(g)).toBe(settled);
  });

  it('counts a graph built from JSON with all its strings (more than its binary form holds)', () => {
    const g = createGraph(doc, { digest: DIGEST });
    let chars = 0;
    for (let i = 0; i < g.strings.size; i++) chars += g.strings.get(i).length;
    expect(stringTableBytes(g.strings)).toBeGreaterThan(chars + 8 * g.strings.size);
    expect(retainedBytes(g)).toBeGreaterThan(binary().byteLength);
  });

  it('never shrinks as slices run, and is the same after a second and a third run of them (property)', () => {
    const query = fc.record({
      kind: fc.constantFrom('cve', 'file'),
      cve: fc.constantFrom(...CVES),
      observed: observedFilter,
      assume: assumptions,
    });
    fc.assert(
      fc.property(fc.oneof(smallGraph, guardedGraph), fc.array(query, { maxLength: 6 }), (d, qs) => {
        const g: Graph = decodeGraph(encodeGraph(createGraph(d, { digest: DIGEST })));
        const run = () => {
          for (const q of qs) {
            const filters = {
              ...(q.observed ? { observed: q.observed } : {}),
              ...(q.assume && Object.keys(q.assume).length > 0 ? { assume: q.assume } : {}),
            };
            const before = retainedBytes(g);
            if (q.kind === 'cve') cveSlice(g, { cve: q.cve, ...filters });
            else fileSlice(g, { file: 'src/**', ...filters });
            expect(retainedBytes(g)).toBeGreaterThanOrEqual(before);
          }
        };
        run();
        run();
        const settled = retainedBytes(g);
        run();
        expect(retainedBytes(g)).toBe(settled);
      }),
      { numRuns: 200 },
    );
  });
});
