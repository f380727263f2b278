import {
  blake3,
  canonicalizeToBytes,
  type ReachGraph,
  reachGraphDigest,
  type SliceQuery,
} from '@stella-ops/core';
import { createGraph } from '../model/create-graph.js';
import { sliceGraph } from '../slice/slice-graph.js';
import { GRAPH_PACKAGE_VERSION } from '../version.js';
import { type BundleState, failed, graphOf, ok, predicateOf, skipped } from './bundle-state.js';
import type { BundleCheck } from './evidence-bundle.js';

/** `graph.digest`: the included graph hashes to the bundle's graph digest. */
export async function checkGraphDigest(state: BundleState): Promise<BundleCheck> {
  const doc = state.bundle.graph.document;
  if (doc === undefined) {
    return skipped(
      'graph.digest',
      state.signedGraph
        ? 'the graph is not included (include=graph); its signed envelope carries it (see graph.envelope)'
        : 'the graph is not included (include=graph)',
    );
  }
  let digest: string;
  try {
    digest = await reachGraphDigest(doc as ReachGraph);
  } catch (err) {
    return failed('graph.digest', `the included graph cannot be canonicalised: ${(err as Error).message}`);
  }
  if (digest !== state.bundle.graphDigest) {
    return failed('graph.digest', `the included graph is ${digest}, not ${state.bundle.graphDigest}`);
  }
  state.includedGraph = doc as ReachGraph;
  return ok('graph.digest', `the included graph is ${digest}`);
}

/** What differs between two slice answers, in words. */
function sliceDifference(
  bundled: BundleState['bundle']['slice'],
  recomputed: BundleState['bundle']['slice'],
): string {
  if (bundled.verdict !== recomputed.verdict)
    return `verdict ${String(recomputed.verdict)}, not ${String(bundled.verdict)}`;
  const a = bundled.paths ?? [];
  const b = recomputed.paths ?? [];
  if (a.length !== b.length) return `${b.length} paths, not ${a.length}`;
  const i = a.findIndex((p, k) => JSON.stringify(p) !== JSON.stringify(b[k]));
  if (i >= 0) return `path ${i} differs`;
  if (bundled.nodes.length !== recomputed.nodes.length)
    return `${recomputed.nodes.length} nodes, not ${bundled.nodes.length}`;
  if (bundled.edges.length !== recomputed.edges.length)
    return `${recomputed.edges.length} edges, not ${bundled.edges.length}`;
  return 'another field differs';
}

/** The limits the slice was computed with: the signed ones when the statement has them. */
function limitsOf(state: BundleState): { maxNodes: number; maxPaths: number } {
  const signed = state.statement ? predicateOf(state).limits : undefined;
  const { maxNodes, maxPaths } = state.bundle.engine;
  return typeof signed?.maxNodes === 'number' && typeof signed.maxPaths === 'number'
    ? { maxNodes: signed.maxNodes, maxPaths: signed.maxPaths }
    : { maxNodes, maxPaths };
}

/** `slice.replay`: the slice recomputed from the graph is byte for byte the bundled one. */
export async function checkSliceReplay(state: BundleState): Promise<BundleCheck> {
  const graph = graphOf(state);
  if (!graph) {
    return skipped(
      'slice.replay',
      'no verified graph in the bundle to recompute the slice from (include=graph)',
    );
  }
  const { bundle } = state;
  const query = (state.statement ? predicateOf(state).query : undefined) ?? bundle.slice.query;
  const engine = `${bundle.engine.name} ${bundle.engine.version}`;
  const version =
    bundle.engine.version === GRAPH_PACKAGE_VERSION
      ? ''
      : ` (the bundle was made by ${engine}; this verifier runs ${GRAPH_PACKAGE_VERSION})`;
  let recomputed: BundleState['bundle']['slice'];
  try {
    const g = createGraph(graph.doc, { digest: bundle.graphDigest });
    recomputed = sliceGraph(g, query as SliceQuery, limitsOf(state)) as BundleState['bundle']['slice'];
  } catch (err) {
    return failed(
      'slice.replay',
      `the slice cannot be recomputed from ${graph.from}: ${(err as Error).message}${version}`,
    );
  }
  const [want, got] = await Promise.all([
    blake3(canonicalizeToBytes(bundle.slice)),
    blake3(canonicalizeToBytes(recomputed)),
  ]);
  if (want !== got) {
    return failed(
      'slice.replay',
      `the slice recomputed from ${graph.from} is ${got}, not ${want}: ${sliceDifference(bundle.slice, recomputed)}${version}`,
    );
  }
  return ok(
    'slice.replay',
    `recomputed from ${graph.from}: the same slice (${got}, verdict ${String(recomputed.verdict)})`,
  );
}
