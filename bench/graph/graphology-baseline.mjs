// The graphology baseline: the same CVE slice and reachable set by BFS over a graphology
// DirectedGraph keyed by node id (neighbour iteration both ways).
import { createRequire } from 'node:module';
import { measure } from './measure.mjs';

const require = createRequire(new URL('../../packages/graph/package.json', import.meta.url));
const { DirectedGraph } = require('graphology');

function bfs(graph, seeds, forward) {
  const seen = new Set(seeds);
  const queue = [...seen];
  const visit = (v) => {
    if (!seen.has(v)) {
      seen.add(v);
      queue.push(v);
    }
  };
  for (let i = 0; i < queue.length; i++) {
    if (forward) graph.forEachOutNeighbor(queue[i], visit);
    else graph.forEachInNeighbor(queue[i], visit);
  }
  return seen;
}

/** Builds the graphology graph from the document and times both queries. */
export function graphologyBaseline({ doc, entries, sinks, reps }) {
  const t = performance.now();
  const graph = new DirectedGraph();
  for (const n of doc.nodes) graph.addNode(n.id);
  for (const e of doc.edges) graph.addEdge(e.from, e.to);
  const buildMs = performance.now() - t;
  const reachable = measure(() => bfs(graph, entries, true), { reps });
  const cve = measure(
    () => {
      const f = bfs(graph, entries, true);
      const b = bfs(graph, sinks, false);
      const nodes = [...f].filter((v) => b.has(v));
      const on = new Set(nodes);
      const edges = [];
      for (const u of nodes) graph.forEachOutNeighbor(u, (v) => on.has(v) && edges.push([u, v]));
      return { nodes: nodes.sort(), edges };
    },
    { reps },
  );
  return {
    buildMs,
    reachable,
    cve,
    answer: { reachable: reachable.value.size, nodes: cve.value.nodes.length, edges: cve.value.edges.length },
  };
}
