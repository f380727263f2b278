import {
  createStatement,
  REACHABILITY_SLICE_PREDICATE_TYPE,
  type ReachabilitySlicePredicate,
  type ReachGraph,
  type SliceQuery,
  type SliceResponse,
  type Statement,
} from '@stella-ops/core';
import type { SliceVerdict } from './openvex.js';
import type { WitnessPath } from './path-summary.js';

/** How many paths of the answer the predicate carries as witnesses (the schema's `maxItems`). */
export const MAX_WITNESSES = 20;

/** The in-toto statement of a reachability slice (its predicate typed). */
export type SliceStatement = Statement<ReachabilitySlicePredicate>;

/** What the predicate is made of. */
export interface PredicateInput {
  graphDigest: string;
  artifact: { name: string; digest: string };
  provenance: Pick<ReachGraph['provenance'], 'inputs' | 'analyzer'>;
  query: SliceQuery;
  /** The whole answer (not a page): witnesses, counts and sinks come from it. */
  slice: SliceResponse;
  limits: { maxNodes: number; maxPaths: number };
  sliceDigest: string;
  vexDigest: string;
  engine: { name: string; version: string };
}

/** `sinks` with `gated` only when the answer has it (A's conditional reachability). */
function sinksOf(slice: SliceResponse): ReachabilitySlicePredicate['sinks'] {
  const sinks = (slice.sinks ?? { reachable: [], unreachable: [] }) as ReachabilitySlicePredicate['sinks'];
  return {
    reachable: [...sinks.reachable],
    ...(sinks.gated ? { gated: [...sinks.gated] } : {}),
    unreachable: [...sinks.unreachable],
  };
}

/** The reachability-slice predicate of an answer. */
export function slicePredicate(input: PredicateInput): ReachabilitySlicePredicate {
  const paths = (input.slice.paths ?? []) as WitnessPath[];
  return {
    graphDigest: input.graphDigest,
    artifact: { name: input.artifact.name, digest: input.artifact.digest },
    query: input.query,
    verdict: (input.slice.verdict ?? 'unknown') as SliceVerdict,
    sinks: sinksOf(input.slice),
    witnesses: paths.slice(0, MAX_WITNESSES) as ReachabilitySlicePredicate['witnesses'],
    pathCount: paths.length,
    truncated: input.slice.truncated,
    limits: { maxNodes: input.limits.maxNodes, maxPaths: input.limits.maxPaths },
    sliceDigest: input.sliceDigest,
    vexDigest: input.vexDigest,
    engine: input.engine,
    inputs: input.provenance.inputs,
    analyzer: input.provenance.analyzer,
  };
}

/** The hex of a `algorithm:hex` digest. */
function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/**
 * The in-toto Statement v1 over a slice: subjects are the graph (`reachgraph:<digest>`, BLAKE3) and
 * the OpenVEX document (`openvex.json`, SHA-256 of its canonical JSON).
 */
export function sliceStatement(predicate: ReachabilitySlicePredicate): SliceStatement {
  return createStatement(
    [
      { name: `reachgraph:${predicate.graphDigest}`, digest: { blake3: hexOf(predicate.graphDigest) } },
      { name: 'openvex.json', digest: { sha256: hexOf(predicate.vexDigest) } },
    ],
    REACHABILITY_SLICE_PREDICATE_TYPE,
    predicate,
  );
}
