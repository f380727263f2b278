import { fail } from '../error.js';
import { reverseOf } from '../model/csr.js';
import type { Graph } from '../model/graph.js';

function bad(message: string): never {
  fail('GRAPH_BINARY_INVALID', message);
}

/**
 * Re-derives what a valid checksum vouches for: node ids strictly ascending (so lookups by id are
 * right), each node's targets ascending, and the reverse adjacency equal to the one the forward
 * adjacency implies.
 */
export function verifyGraph(g: Graph): void {
  for (let i = 1; i < g.nodeCount; i++) {
    if (!(g.strings.get(i - 1) < g.strings.get(i))) bad(`node ids are not strictly ascending at ${i}`);
  }
  const { offsets, targets } = g.forward;
  for (let u = 0; u < g.nodeCount; u++) {
    const hi = offsets[u + 1] as number;
    for (let k = (offsets[u] as number) + 1; k < hi; k++) {
      if ((targets[k] as number) < (targets[k - 1] as number)) bad(`targets of node ${u} are not ascending`);
    }
  }
  const expected = reverseOf(g.nodeCount, offsets, targets);
  const same = (a: Uint32Array, b: Uint32Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (
    !same(expected.offsets, g.reverse.offsets) ||
    !same(expected.sources, g.reverse.sources) ||
    !same(expected.edges, g.reverse.edges)
  ) {
    bad('the reverse adjacency does not match the forward adjacency');
  }
}
