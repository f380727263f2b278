import type { SchemaTypes, TrustedKey } from '@stella-ops/core';

/** `schemaVersion` of an offline evidence bundle. */
export const EVIDENCE_BUNDLE_VERSION = 'reachgraph.bundle@v1';

/** DSSE `payloadType` of a Signals call graph manifest envelope. */
export const CALLGRAPH_MANIFEST_PAYLOAD_TYPE = 'application/vnd.stella.callgraph-manifest+json';

/** An offline evidence bundle (`evidence-bundle.v1.schema.json`). */
export type EvidenceBundle = SchemaTypes['evidence-bundle@v1'];

/** What one check of a bundle concluded. */
export type BundleCheckStatus = 'ok' | 'failed' | 'skipped';

/** The names of the checks, in the order {@link verifyEvidenceBundle} reports them. */
export const BUNDLE_CHECKS = [
  'schema',
  'keys',
  'graph.envelope',
  'graph.digest',
  'slice.envelope',
  'statement.subjects',
  'vex.digest',
  'predicate.claim',
  'slice.digest',
  'slice.replay',
  'inputs.callgraphs',
  'inputs.runtimeFacts',
  'inputs.documents',
  'inputs.provenance',
  'trust',
] as const;

/** The name of a check. */
export type BundleCheckName = (typeof BUNDLE_CHECKS)[number];

/** One named check: `ok`, `failed` with what and why, or `skipped` with why. */
export interface BundleCheck {
  name: BundleCheckName;
  status: BundleCheckStatus;
  /** What was checked (ok), what failed and why (failed), or why it could not run (skipped). */
  detail: string;
}

/** The verdict on a bundle: `ok` when no check failed. */
export interface BundleVerification {
  ok: boolean;
  /** Every check of {@link BUNDLE_CHECKS}, in that order. */
  checks: BundleCheck[];
}

/** Options of {@link verifyEvidenceBundle}. */
export interface VerifyEvidenceBundleOptions {
  /**
   * Keys the caller trusts (pinned out of band). Without them the bundled keys prove only that the
   * bundle is intact, not who signed it, and the `trust` check is skipped.
   */
  trustedKeys?: TrustedKey[];
}
