import { schemaIssues } from '@stella-ops/core';
import { type BundleState, failed, ok, skipped, verdictOf } from './bundle-state.js';
import {
  checkClaim,
  checkGraphEnvelope,
  checkSliceDigest,
  checkSliceEnvelope,
  checkSubjects,
  checkTrust,
  checkVexDigest,
} from './claim-checks.js';
import { usableKeys } from './envelope-check.js';
import {
  BUNDLE_CHECKS,
  type BundleCheck,
  type BundleCheckName,
  type BundleVerification,
  type EvidenceBundle,
  type VerifyEvidenceBundleOptions,
} from './evidence-bundle.js';
import { checkCallgraphs, checkDocuments, checkProvenance, checkRuntimeFacts } from './input-checks.js';
import { checkGraphDigest, checkSliceReplay } from './replay-checks.js';

type Step = (state: BundleState) => BundleCheck | Promise<BundleCheck>;

/** A check that throws reports as failed with the error, never as a crash of the verifier. */
async function run(name: BundleCheckName, step: Step, state: BundleState): Promise<BundleCheck> {
  try {
    return await step(state);
  } catch (err) {
    return failed(name, (err as Error).message);
  }
}

/**
 * Verifies an offline evidence bundle (`reachgraph.bundle@v1`) with no network: every envelope
 * against the bundled keys (and, with `trustedKeys`, against keys the caller pinned), the
 * statement's subjects against the graph and OpenVEX digests, the signed claim against the slice,
 * the slice against its signed digest, the input evidence against the graph's provenance and, when
 * the graph is in the bundle (included or signed), its digest and the slice recomputed by this
 * engine. Each check in {@link BUNDLE_CHECKS} is reported `ok`, `failed` (what and why) or
 * `skipped` (why); the bundle verifies when none failed. Never throws for a bad bundle.
 */
export async function verifyEvidenceBundle(
  bundle: unknown,
  options: VerifyEvidenceBundleOptions = {},
): Promise<BundleVerification> {
  const issues = schemaIssues('evidence-bundle@v1', bundle);
  if (issues.length > 0) {
    const detail = issues
      .slice(0, 5)
      .map((i) => `${i.pointer || '/'} ${i.message}`)
      .join('; ');
    const checks = BUNDLE_CHECKS.map((name) =>
      name === 'schema'
        ? failed('schema', `not a reachgraph.bundle@v1 document: ${detail}`)
        : skipped(name, 'not run: the bundle does not match its schema'),
    );
    return { ok: false, checks };
  }
  const typed = bundle as EvidenceBundle;
  const { keys, problems } = usableKeys(typed.keys);
  const state: BundleState = { bundle: typed, keys };
  const steps: Record<BundleCheckName, Step> = {
    schema: () => ok('schema', 'a reachgraph.bundle@v1 document'),
    keys: () =>
      verdictOf(
        'keys',
        problems,
        `${keys.length} bundled public key(s): ${keys.map((k) => k.keyId).join(', ')}`,
      ),
    'graph.envelope': checkGraphEnvelope,
    'slice.envelope': checkSliceEnvelope,
    trust: (s) => checkTrust(s, options.trustedKeys),
    'statement.subjects': checkSubjects,
    'vex.digest': checkVexDigest,
    'predicate.claim': checkClaim,
    'slice.digest': checkSliceDigest,
    'inputs.callgraphs': checkCallgraphs,
    'inputs.runtimeFacts': checkRuntimeFacts,
    'inputs.documents': checkDocuments,
    'graph.digest': checkGraphDigest,
    'inputs.provenance': checkProvenance,
    'slice.replay': checkSliceReplay,
  };
  // In order: later checks read what earlier ones admitted (the signed graph, the statement).
  const checks: BundleCheck[] = [];
  for (const name of BUNDLE_CHECKS) checks.push(await run(name, steps[name], state));
  return { ok: checks.every((c) => c.status !== 'failed'), checks };
}
