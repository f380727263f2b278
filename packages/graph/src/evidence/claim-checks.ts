import {
  blake3,
  canonicalize,
  canonicalizeToBytes,
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  REACHABILITY_SLICE_PREDICATE_TYPE,
  REACHGRAPH_PAYLOAD_TYPE,
  type ReachGraph,
  schemaIssues,
  sha256,
} from '@stella-ops/core';
import { type BundleState, failed, ok, predicateOf, skipped, verdictOf } from './bundle-state.js';
import { checkEnvelope } from './envelope-check.js';
import type { BundleCheck } from './evidence-bundle.js';

const hexOf = (digest: string) => digest.slice(digest.indexOf(':') + 1);
const same = (a: unknown, b: unknown) => canonicalize(a) === canonicalize(b);

/** `graph.envelope`: the graph's DSSE envelope verifies and its payload is the graph named. */
export async function checkGraphEnvelope(state: BundleState): Promise<BundleCheck> {
  const { envelope } = state.bundle.graph;
  if (envelope === null) {
    return skipped('graph.envelope', 'the graph is not signed (the slice statement still names its digest)');
  }
  const v = await checkEnvelope(envelope, state.keys);
  if (!v.ok)
    return failed(
      'graph.envelope',
      `the graph's envelope does not verify against the bundled keys: ${v.why}`,
    );
  if (v.payloadType !== REACHGRAPH_PAYLOAD_TYPE) {
    return failed(
      'graph.envelope',
      `the graph's envelope carries ${v.payloadType}, not ${REACHGRAPH_PAYLOAD_TYPE}`,
    );
  }
  const digest = await blake3(v.payload);
  if (digest !== state.bundle.graphDigest) {
    return failed('graph.envelope', `the graph's envelope signs ${digest}, not ${state.bundle.graphDigest}`);
  }
  state.signedGraph = JSON.parse(v.payload.toString('utf8')) as ReachGraph;
  return ok('graph.envelope', `signed by ${v.keyIds.join(', ')}; its payload is ${digest}`);
}

/** `slice.envelope`: the statement is signed, and the bundled copy is the signed one. */
export async function checkSliceEnvelope(state: BundleState): Promise<BundleCheck> {
  const { statement, envelope } = state.bundle.attestation;
  if (envelope === null) {
    state.statement = parseStatement(statement);
    return failed(
      'slice.envelope',
      'the slice statement is not signed: nothing vouches for the claim (the service had no signing key, or the envelope was removed)',
    );
  }
  const v = await checkEnvelope(envelope, state.keys);
  if (!v.ok) {
    state.statement = parseStatement(statement);
    return failed(
      'slice.envelope',
      `the slice statement's envelope does not verify against the bundled keys: ${v.why}`,
    );
  }
  if (v.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return failed('slice.envelope', `the envelope carries ${v.payloadType}, not an in-toto statement`);
  }
  let signed: ReturnType<typeof parseStatement>;
  try {
    signed = parseStatement(v.payload);
  } catch (err) {
    return failed(
      'slice.envelope',
      `the signed payload is not an in-toto statement: ${(err as Error).message}`,
    );
  }
  state.statement = signed;
  if (!same(signed, statement)) {
    return failed('slice.envelope', 'attestation.statement differs from the statement the envelope signs');
  }
  return ok('slice.envelope', `the reachability-slice statement is signed by ${v.keyIds.join(', ')}`);
}

/** `trust`: every envelope is signed by a key the caller pinned. */
export async function checkTrust(
  state: BundleState,
  trusted: BundleState['keys'] | undefined,
): Promise<BundleCheck> {
  if (!trusted || trusted.length === 0) {
    return skipped(
      'trust',
      'no trusted key given (--key): the bundled keys prove the bundle is intact, not who signed it',
    );
  }
  const { bundle } = state;
  const envelopes: [string, unknown][] = [
    ['the graph envelope', bundle.graph.envelope],
    ['the slice statement envelope', bundle.attestation.envelope],
    ...bundle.inputs.callgraphs.map((c): [string, unknown] => [
      `the manifest envelope of call graph ${c.manifest.graphId}`,
      c.envelope,
    ]),
    ...bundle.inputs.runtimeFacts.map((r): [string, unknown] => [
      `the attestation of batch ${r.provenance.batchId}`,
      r.attestation,
    ]),
  ];
  const failures: string[] = [];
  const trustedBy: string[] = [];
  for (const [what, envelope] of envelopes) {
    if (envelope === null) continue;
    const v = await checkEnvelope(envelope, trusted);
    if (v.ok) trustedBy.push(`${what} (${v.keyIds.join(', ')})`);
    else failures.push(`${what} is not signed by a trusted key`);
  }
  if (trustedBy.length === 0 && failures.length === 0) failures.push('nothing in the bundle is signed');
  return verdictOf('trust', failures, `signed by trusted keys: ${trustedBy.join('; ')}`);
}

/** `statement.subjects`: the statement is a reachability-slice statement about this graph. */
export function checkSubjects(state: BundleState): BundleCheck {
  const s = state.statement;
  if (!s) return skipped('statement.subjects', 'no statement');
  const failures: string[] = [];
  if (s.predicateType !== REACHABILITY_SLICE_PREDICATE_TYPE) {
    failures.push(`predicateType is ${s.predicateType}, not ${REACHABILITY_SLICE_PREDICATE_TYPE}`);
  }
  const graphHex = hexOf(state.bundle.graphDigest);
  if (!s.subject.some((subject) => subject.digest['blake3'] === graphHex)) {
    failures.push(`no subject names the graph ${state.bundle.graphDigest}`);
  }
  return verdictOf('statement.subjects', failures, `a subject names the graph ${state.bundle.graphDigest}`);
}

/** `vex.digest`: the OpenVEX document is the one the statement names. */
export function checkVexDigest(state: BundleState): BundleCheck {
  const s = state.statement;
  if (!s) return skipped('vex.digest', 'no statement');
  const digest = sha256(Buffer.from(canonicalize(state.bundle.vex), 'utf8'));
  const failures: string[] = [];
  const named = predicateOf(state).vexDigest;
  if (named !== digest)
    failures.push(`the OpenVEX document is ${digest}, the predicate's vexDigest is ${String(named)}`);
  if (!s.subject.some((subject) => subject.digest['sha256'] === hexOf(digest))) {
    failures.push(`no subject names the OpenVEX document ${digest}`);
  }
  return verdictOf('vex.digest', failures, `the OpenVEX document is ${digest}, as the statement says`);
}

/** The OpenVEX status each verdict implies. */
const VEX_STATUS: Record<string, string> = {
  reachable: 'affected',
  gated: 'affected',
  not_reachable: 'not_affected',
  unknown: 'under_investigation',
};

/** Where the OpenVEX statements say something else than the slice (another CVE, another status). */
function vexDisagreements(vex: BundleState['bundle']['vex'], verdict: unknown, query: unknown): string[] {
  const cve = (query as { cve?: unknown }).cve;
  const want = VEX_STATUS[String(verdict)];
  const out: string[] = [];
  for (const [i, s] of vex.statements.entries()) {
    const st = s as { vulnerability?: { name?: unknown }; status?: unknown };
    if (st.vulnerability?.name !== cve)
      out.push(`VEX statement ${i} is about ${String(st.vulnerability?.name)}, not ${String(cve)}`);
    if (want !== undefined && st.status !== want) {
      out.push(`VEX statement ${i} says ${String(st.status)}, the verdict ${String(verdict)} means ${want}`);
    }
  }
  return out;
}

/** `predicate.claim`: the signed claim (graph, query, verdict, sinks, witnesses) is the slice's. */
export function checkClaim(state: BundleState): BundleCheck {
  if (!state.statement) return skipped('predicate.claim', 'no statement');
  const p = predicateOf(state);
  const { slice, graphDigest, query } = state.bundle;
  const failures: string[] = schemaIssues('reachability-slice-predicate@v1', p)
    .slice(0, 3)
    .map((i) => `the predicate is not a reachability-slice predicate: ${i.pointer || '/'} ${i.message}`);
  if (p.graphDigest !== graphDigest)
    failures.push(`the predicate names graph ${String(p.graphDigest)}, the bundle ${graphDigest}`);
  if (slice.graphDigest !== graphDigest)
    failures.push(`the slice is of graph ${slice.graphDigest}, the bundle names ${graphDigest}`);
  if (!same(p.query, slice.query))
    failures.push(
      `the predicate's query ${canonicalize(p.query ?? null)} is not the slice's ${canonicalize(slice.query)}`,
    );
  if (!same(query, slice.query))
    failures.push(`the bundle's query ${canonicalize(query)} is not the slice's`);
  if (p.verdict !== slice.verdict)
    failures.push(`the predicate's verdict is ${String(p.verdict)}, the slice's ${String(slice.verdict)}`);
  if (!same(p.sinks ?? null, slice.sinks ?? null)) failures.push("the predicate's sinks are not the slice's");
  if (p.pathCount !== (slice.paths ?? []).length) {
    failures.push(
      `the predicate counts ${String(p.pathCount)} paths, the slice has ${(slice.paths ?? []).length}`,
    );
  }
  if (p.truncated !== slice.truncated)
    failures.push(
      `the predicate's truncated is ${String(p.truncated)}, the slice's ${String(slice.truncated)}`,
    );
  failures.push(...vexDisagreements(state.bundle.vex, slice.verdict, slice.query));
  const paths = new Set((slice.paths ?? []).map((path) => canonicalize(path)));
  const witnesses = Array.isArray(p.witnesses) ? p.witnesses : [];
  const foreign = witnesses.filter((w) => !paths.has(canonicalize(w as object)));
  if (foreign.length > 0)
    failures.push(`${foreign.length} of ${witnesses.length} witness paths are not paths of the slice`);
  return verdictOf(
    'predicate.claim',
    failures,
    `verdict ${String(slice.verdict)}, query, sinks and ${witnesses.length} witness paths match the slice`,
  );
}

/** `slice.digest`: the bundled slice is the one whose digest the statement signs. */
export async function checkSliceDigest(state: BundleState): Promise<BundleCheck> {
  const digest = await blake3(canonicalizeToBytes(state.bundle.slice));
  const failures: string[] = [];
  const named = state.statement ? predicateOf(state).sliceDigest : undefined;
  if (state.statement && named !== digest)
    failures.push(`the slice is ${digest}, the predicate's sliceDigest is ${String(named)}`);
  if (state.bundle.sliceDigest !== digest)
    failures.push(`the slice is ${digest}, the bundle's sliceDigest is ${state.bundle.sliceDigest}`);
  return verdictOf('slice.digest', failures, `the slice is ${digest}, as the statement says`);
}
