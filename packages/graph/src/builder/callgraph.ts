import type {
  CallgraphEdgeRecord,
  CallgraphHeaderRecord,
  CallgraphNodeRecord,
  CallgraphRecord,
} from '@stella-ops/core';
import { fail } from '../error.js';

/** A call graph upload split into its header, nodes by id, and edges. */
export interface Callgraph {
  header: CallgraphHeaderRecord;
  nodes: Map<string, CallgraphNodeRecord>;
  edges: CallgraphEdgeRecord[];
}

function bad(message: string): never {
  fail('INPUT_INVALID', message);
}

/**
 * Splits call graph records, checking what the builder relies on: exactly one header, unique node
 * ids, and edges that name declared nodes. Every failure is INPUT_INVALID.
 */
export function readCallgraph(records: readonly CallgraphRecord[]): Callgraph {
  if (!Array.isArray(records)) bad('callgraph.records must be an array');
  let header: CallgraphHeaderRecord | undefined;
  const nodes = new Map<string, CallgraphNodeRecord>();
  const edges: CallgraphEdgeRecord[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as CallgraphRecord;
    if (r === undefined && !(i in records)) continue; // a hole, skipped as forEach would
    if (r === null || typeof r !== 'object') bad(`callgraph record ${i} is not an object`);
    switch (r.type) {
      case 'header':
        if (header) bad(`callgraph record ${i} is a second header`);
        header = r;
        break;
      case 'node':
        if (typeof r.id !== 'string' || r.id === '') bad(`callgraph record ${i}: node id missing`);
        if (nodes.has(r.id)) bad(`callgraph record ${i}: duplicate node id ${JSON.stringify(r.id)}`);
        nodes.set(r.id, r);
        break;
      case 'edge':
        edges.push(r);
        break;
      default:
        bad(`callgraph record ${i} has unknown type ${JSON.stringify((r as { type?: unknown }).type)}`);
    }
  }
  if (!header) bad('the call graph has no header record');
  for (const e of edges) {
    if (!nodes.has(e.from))
      bad(`edge ${JSON.stringify(e.from)} → ${JSON.stringify(e.to)}: unknown node ${JSON.stringify(e.from)}`);
    if (!nodes.has(e.to))
      bad(`edge ${JSON.stringify(e.from)} → ${JSON.stringify(e.to)}: unknown node ${JSON.stringify(e.to)}`);
  }
  return { header, nodes, edges };
}
