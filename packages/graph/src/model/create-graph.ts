import type { ReachGraph } from '@stella-ops/core';
import { fail } from '../error.js';
import { buildEdges } from './create-edges.js';
import { buildNodes } from './create-nodes.js';
import { reverseOf } from './csr.js';
import type { Graph } from './graph.js';
import { Interner } from './interner.js';
import { ObservationBuilder } from './observation-builder.js';
import { ArrayStringTable } from './string-table.js';

/** Options of {@link createGraph}. */
export interface CreateGraphOptions {
  /** The document's `blake3:` digest (from `reachGraphDigest`); slice responses report it. */
  digest: string;
}

const BLAKE3_DIGEST = /^blake3:[a-f0-9]{64}$/;

/**
 * Indexes a reachgraph.min@v1 document for slicing. Nodes are numbered in ascending id order and
 * edges in (from, to, type, guard, loc, confidence) order, so the same document content gives the
 * same graph whatever the order of its arrays. Throws GRAPH_INVALID on a duplicate node id, an
 * edge naming an unknown node, or a field the index cannot hold.
 */
export function createGraph(doc: ReachGraph, options: CreateGraphOptions): Graph {
  if (typeof options?.digest !== 'string' || !BLAKE3_DIGEST.test(options.digest)) {
    fail('GRAPH_INVALID', 'digest must be a blake3:<64 hex> digest of the document');
  }
  if (doc === null || typeof doc !== 'object')
    fail('GRAPH_INVALID', 'a reachgraph document must be an object');
  if (doc.schemaVersion !== 'reachgraph.min@v1') {
    fail('GRAPH_INVALID', `unsupported schemaVersion ${JSON.stringify(doc.schemaVersion)}`);
  }
  if (!Array.isArray(doc.nodes)) fail('GRAPH_INVALID', 'nodes must be an array');
  if (!Array.isArray(doc.edges)) fail('GRAPH_INVALID', 'edges must be an array');

  const strings = new Interner();
  const observations = new ObservationBuilder(strings);
  const nodes = buildNodes(doc.nodes, strings, observations);
  const nodeCount = nodes.kind.length;
  const { forward, edges, explanations } = buildEdges(doc.edges, nodeCount, strings, observations);
  return {
    digest: options.digest,
    nodeCount,
    edgeCount: forward.targets.length,
    strings: new ArrayStringTable(strings.values),
    nodes,
    edges,
    forward,
    reverse: reverseOf(nodeCount, forward.offsets, forward.targets),
    explanations,
    observations: observations.build(),
  };
}
