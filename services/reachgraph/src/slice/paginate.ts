import type { SliceResponse } from '@stella-ops/core';
import { makeCursor } from './query.js';

/**
 * One page of a slice. Slices with paths page their paths: a CVE slice's page carries exactly the
 * nodes and edges its paths traverse (the answer is the explained paths; the whole between-set of a
 * large graph runs to megabytes), a file slice's page the same when it is one of several, else its
 * whole subgraph (the matched file nodes are its answer). Slices without paths page their nodes
 * (ascending id), each page carrying the edges that leave its nodes, so every edge appears on
 * exactly one page. `counts`, `verdict` and `sinks` describe the whole slice; `nextCursor` is set
 * while more remains. `pageCut`: `full` is a slice with paths whose nodes and edges the engine
 * already cut to this page (its `pathPage` option): they are kept as they are.
 */
export function paginate(
  full: SliceResponse,
  limit: number,
  offset: number,
  queryHash: string,
  pageCut = false,
): SliceResponse {
  const page: SliceResponse = { ...full };
  delete page.nextCursor;
  let total: number;
  if (full.paths !== undefined) {
    total = full.paths.length;
    const paths = full.paths.slice(offset, offset + limit);
    page.paths = paths;
    if (!pageCut && (full.query.type === 'cve' || offset > 0 || paths.length < total)) {
      const nodeIds = new Set<string>();
      const edgeKeys = new Set<string>();
      for (const p of paths) {
        nodeIds.add(p.entrypoint);
        nodeIds.add(p.target);
        for (const h of p.hops) {
          nodeIds.add(h.from);
          nodeIds.add(h.to);
          edgeKeys.add(edgeKey(h.from, h.to, h.why.type, h.why.guard));
        }
      }
      page.nodes = full.nodes.filter((n) => nodeIds.has(n.id));
      // Both ends on the page first (no allocation), the full key only for those few.
      page.edges = full.edges.filter(
        (e) =>
          nodeIds.has(e.from) &&
          nodeIds.has(e.to) &&
          edgeKeys.has(edgeKey(e.from, e.to, e.why.type, e.why.guard)),
      );
    }
  } else {
    total = full.nodes.length;
    const nodes = full.nodes.slice(offset, offset + limit);
    if (offset > 0 || nodes.length < total) {
      const ids = new Set(nodes.map((n) => n.id));
      page.nodes = nodes;
      page.edges = full.edges.filter((e) => ids.has(e.from));
    }
  }
  if (offset + limit < total) page.nextCursor = makeCursor(queryHash, offset + limit);
  return page;
}

function edgeKey(from: string, to: string, type: string, guard: string | undefined): string {
  return `${from}\u0000${to}\u0000${type}\u0000${guard ?? ''}`;
}
