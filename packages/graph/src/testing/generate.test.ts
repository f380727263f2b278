import { DIGEST } from '../__tests__/fixtures.js';
import { compareEdges } from '../__tests__/reference.js';
import { expectValid } from '../__tests__/schema.js';
import { createGraph } from '../model/create-graph.js';
import { EDGE_TYPES } from '../model/enums.js';
import { cveSlice } from '../slice/cve-slice.js';
import { generateReachGraph } from './generate.js';

describe('generateReachGraph', () => {
  const doc = generateReachGraph({ nodes: 3000, edges: 9000, seed: 42 });

  it('is deterministic for a seed', () => {
    expect(JSON.stringify(generateReachGraph({ nodes: 3000, edges: 9000, seed: 42 }))).toBe(
      JSON.stringify(doc),
    );
    expect(JSON.stringify(generateReachGraph({ nodes: 3000, edges: 9000, seed: 43 }))).not.toBe(
      JSON.stringify(doc),
    );
  });

  it('produces a valid, already sorted reachgraph document of the requested size', () => {
    expectValid('reachgraph-min', doc);
    expect(doc.nodes).toHaveLength(3000);
    expect(doc.edges.length).toBeGreaterThan(8800);
    expect(doc.edges.length).toBeLessThanOrEqual(9000);
    const ids = doc.nodes.map((n) => n.id);
    expect([...ids].sort()).toEqual(ids);
    expect([...doc.edges].sort(compareEdges)).toEqual(doc.edges);
  });

  it('looks like a service: entrypoints, packages, every edge type, cycles, sinks and observations', () => {
    const g = createGraph(doc, { digest: DIGEST });
    expect(doc.nodes.filter((n) => n.isEntrypoint)).toHaveLength(3);
    expect(new Set(doc.nodes.map((n) => n.purl)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(doc.edges.map((e) => e.why.type))).toEqual(new Set(EDGE_TYPES));
    expect(doc.edges.some((e) => e.from === e.to)).toBe(true);
    expect(doc.edges.some((e) => e.from > e.to && e.from.slice(0, 5) === e.to.slice(0, 5))).toBe(true);
    expect(doc.nodes.some((n) => n.observed) && doc.edges.some((e) => e.observed)).toBe(true);
    expect(doc.scope.cves).toHaveLength(20);
    const verdicts = (doc.scope.cves ?? []).map((cve) => cveSlice(g, { cve }).verdict);
    expect(verdicts).toContain('reachable');
    expect(verdicts).not.toContain('unknown');
  });
});
