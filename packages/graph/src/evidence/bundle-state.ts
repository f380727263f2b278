import type { ReachGraph, ReachGraphInput, Statement, TrustedKey } from '@stella-ops/core';
import type { BundleCheck, BundleCheckName, EvidenceBundle } from './evidence-bundle.js';

/** What earlier checks established, for the later ones to build on. */
export interface BundleState {
  bundle: EvidenceBundle;
  /** The bundled keys that load. */
  keys: TrustedKey[];
  /** The slice statement: the signed one when its envelope verified, else the bundled copy. */
  statement?: Statement;
  /** The graph, parsed from its verified envelope's payload. */
  signedGraph?: ReachGraph;
  /** The included graph document, when its digest is the bundle's. */
  includedGraph?: ReachGraph;
}

/** The fields of the reachability-slice predicate (`reachability-slice-predicate.v1.schema.json`) a verifier reads. */
export interface SlicePredicate {
  graphDigest?: unknown;
  query?: unknown;
  verdict?: unknown;
  sinks?: unknown;
  witnesses?: unknown;
  pathCount?: unknown;
  truncated?: unknown;
  limits?: { maxNodes?: unknown; maxPaths?: unknown };
  sliceDigest?: unknown;
  vexDigest?: unknown;
  inputs?: unknown;
}

export function predicateOf(state: BundleState): SlicePredicate {
  return (state.statement?.predicate ?? {}) as SlicePredicate;
}

/** The graph a check may read: the included document, else the signed envelope's payload. */
export function graphOf(state: BundleState): { doc: ReachGraph; from: string } | undefined {
  if (state.includedGraph) return { doc: state.includedGraph, from: 'the included graph' };
  if (state.signedGraph) return { doc: state.signedGraph, from: "the graph's signed envelope" };
  return undefined;
}

/** The graph's provenance inputs from the most direct signed or digest-checked source. */
export function provenanceInputsOf(
  state: BundleState,
): { inputs: ReachGraphInput[]; from: string } | undefined {
  const graph = graphOf(state);
  if (graph) return { inputs: graph.doc.provenance.inputs, from: graph.from };
  const named = predicateOf(state).inputs;
  if (state.statement && Array.isArray(named)) {
    return { inputs: named as ReachGraphInput[], from: 'the slice statement' };
  }
  return undefined;
}

export const ok = (name: BundleCheckName, detail: string): BundleCheck => ({ name, status: 'ok', detail });
export const failed = (name: BundleCheckName, detail: string): BundleCheck => ({
  name,
  status: 'failed',
  detail,
});
export const skipped = (name: BundleCheckName, detail: string): BundleCheck => ({
  name,
  status: 'skipped',
  detail,
});

/** `ok` when there are no failures, else `failed` listing them. */
export function verdictOf(name: BundleCheckName, failures: string[], success: string): BundleCheck {
  return failures.length === 0 ? ok(name, success) : failed(name, failures.join('; '));
}
