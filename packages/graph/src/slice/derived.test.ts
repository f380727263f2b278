import { fn, graph } from '../__tests__/fixtures.js';
import type { Graph } from '../model/graph.js';
import { ArrayStringTable } from '../model/string-table.js';
import { nodesWithCve } from './derived.js';

describe('nodesWithCve', () => {
  it('lists the nodes carrying each CVE, ascending, and none for an unknown one', () => {
    const g = graph(
      [fn('a', { cves: ['CVE-2024-2', 'CVE-2024-1'] }), fn('b'), fn('c', { cves: ['CVE-2024-1'] })],
      [],
    );
    expect(nodesWithCve(g, 'CVE-2024-1')).toEqual([0, 2]);
    expect(nodesWithCve(g, 'CVE-2024-2')).toEqual([0]);
    expect(nodesWithCve(g, 'CVE-2024-3')).toEqual([]);
  });

  it('merges CVE ids that a string table holds twice (a decoded table need not be unique)', () => {
    const base = graph([fn('a', { cves: ['CVE-2024-1'] }), fn('b'), fn('c', { cves: ['CVE-2024-1'] })], []);
    const values = Array.from({ length: base.strings.size }, (_, i) => base.strings.get(i));
    const copy = values.length;
    values.push('CVE-2024-1');
    const cves = Uint32Array.from(base.nodes.cves);
    cves[1] = copy; // node c's CVE now points at the second copy of the same text
    const g: Graph = { ...base, strings: new ArrayStringTable(values), nodes: { ...base.nodes, cves } };
    expect(nodesWithCve(g, 'CVE-2024-1')).toEqual([0, 2]);
  });
});
