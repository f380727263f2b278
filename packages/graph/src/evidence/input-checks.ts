import {
  canonicalize,
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  RUNTIME_FACTS_PREDICATE_TYPE,
  sha256,
} from '@stella-ops/core';
import { type BundleState, provenanceInputsOf, skipped, verdictOf } from './bundle-state.js';
import { checkEnvelope } from './envelope-check.js';
import { type BundleCheck, CALLGRAPH_MANIFEST_PAYLOAD_TYPE } from './evidence-bundle.js';

/** `inputs.callgraphs`: each call graph manifest is the one its Signals envelope signs. */
export async function checkCallgraphs(state: BundleState): Promise<BundleCheck> {
  const { callgraphs } = state.bundle.inputs;
  if (callgraphs.length === 0) return skipped('inputs.callgraphs', 'the bundle holds no call graph manifest');
  const failures: string[] = [];
  for (const { manifest, envelope } of callgraphs) {
    const what = `call graph ${manifest.graphId}`;
    if (envelope === null) {
      failures.push(`${what}: the manifest is not signed`);
      continue;
    }
    const v = await checkEnvelope(envelope, state.keys);
    if (!v.ok) {
      failures.push(`${what}: the manifest envelope does not verify against the bundled keys: ${v.why}`);
      continue;
    }
    const { signature: _s, rekorUuid: _r, ...unsigned } = manifest;
    if (v.payloadType !== CALLGRAPH_MANIFEST_PAYLOAD_TYPE) {
      failures.push(`${what}: the envelope carries ${v.payloadType}, not a call graph manifest`);
    } else if (v.payload.toString('utf8') !== canonicalize(unsigned)) {
      failures.push(`${what}: the bundled manifest is not the one its envelope signs`);
    } else if (
      manifest.signature !== undefined &&
      !envelope.signatures.some((s) => s.sig === manifest.signature)
    ) {
      failures.push(`${what}: the manifest's signature is not one of its envelope's`);
    }
  }
  return verdictOf(
    'inputs.callgraphs',
    failures,
    `${callgraphs.length} call graph manifest(s) signed as bundled`,
  );
}

/** The provenance record's fields a runtime-facts attestation also states. */
function attestedDifferences(
  record: BundleState['bundle']['inputs']['runtimeFacts'][number]['provenance'],
  predicate: Record<string, unknown>,
): string[] {
  const out: string[] = [];
  for (const field of ['batchId', 'provenanceHash', 'factCount', 'tenantId'] as const) {
    const optional = field === 'factCount' || field === 'tenantId';
    if ((!optional || predicate[field] !== undefined) && predicate[field] !== record[field]) {
      out.push(
        `${field} is ${String(record[field])} in the record, ${String(predicate[field])} in the attestation`,
      );
    }
  }
  const subjects = predicate['subjects'];
  if (Array.isArray(subjects) && !subjects.includes(record.callgraphId)) {
    out.push(`the attestation is not about call graph ${record.callgraphId}`);
  }
  return out;
}

/** `inputs.runtimeFacts`: each provenance record says what its Signals attestation signs. */
export async function checkRuntimeFacts(state: BundleState): Promise<BundleCheck> {
  const { runtimeFacts } = state.bundle.inputs;
  if (runtimeFacts.length === 0)
    return skipped('inputs.runtimeFacts', 'the bundle holds no runtime-fact provenance');
  const failures: string[] = [];
  for (const { provenance, attestation } of runtimeFacts) {
    const what = `batch ${provenance.batchId}`;
    if (attestation === null) {
      failures.push(`${what}: the provenance record has no attestation`);
      continue;
    }
    const v = await checkEnvelope(attestation, state.keys);
    if (!v.ok) {
      failures.push(`${what}: the attestation does not verify against the bundled keys: ${v.why}`);
      continue;
    }
    try {
      if (v.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new Error(`it carries ${v.payloadType}`);
      const statement = parseStatement(v.payload);
      if (statement.predicateType !== RUNTIME_FACTS_PREDICATE_TYPE)
        throw new Error(`predicate ${statement.predicateType}`);
      failures.push(
        ...attestedDifferences(provenance, statement.predicate ?? {}).map((d) => `${what}: ${d}`),
      );
    } catch (err) {
      failures.push(`${what}: the attestation is not a runtime-facts statement: ${(err as Error).message}`);
    }
  }
  return verdictOf(
    'inputs.runtimeFacts',
    failures,
    `${runtimeFacts.length} provenance record(s) match their signed attestations (batchId, provenanceHash, factCount, tenantId, call graph; the record's other fields are not attested)`,
  );
}

/** `inputs.documents`: each sink list or OSV document hashes to its digest. */
export function checkDocuments(state: BundleState): BundleCheck {
  const { documents } = state.bundle.inputs;
  if (documents.length === 0)
    return skipped('inputs.documents', 'the bundle holds no sink list or OSV document');
  const failures: string[] = [];
  for (const d of documents) {
    const actual = sha256(Buffer.from(canonicalize(d.content), 'utf8'));
    if (actual !== d.digest) failures.push(`the ${d.kind} document ${d.digest} hashes to ${actual}`);
  }
  return verdictOf('inputs.documents', failures, `${documents.length} document(s) hash to their digests`);
}

/** `inputs.provenance`: the graph's provenance names exactly the inputs whose evidence is bundled. */
export function checkProvenance(state: BundleState): BundleCheck {
  const { callgraphs, runtimeFacts, documents } = state.bundle.inputs;
  const source = provenanceInputsOf(state);
  if (!source) {
    return skipped(
      'inputs.provenance',
      "no signed or digest-checked source for the graph's inputs (no verified graph envelope, included graph or signed statement)",
    );
  }
  const bundled = callgraphs.length + runtimeFacts.length + documents.length;
  const named = source.inputs.filter((i) => ['callgraph', 'runtime-facts', 'sinks', 'osv'].includes(i.kind));
  if (bundled === 0) {
    return skipped(
      'inputs.provenance',
      named.length === 0
        ? `${source.from} names no input ReachGraph keeps evidence of`
        : `the bundle holds no input evidence; ${source.from} names ${named.length} input(s) (a graph uploaded whole)`,
    );
  }
  const failures: string[] = [];
  const has: Record<string, (digest: string) => boolean> = {
    callgraph: (d) => callgraphs.some((c) => c.manifest.digest === d),
    'runtime-facts': (d) => runtimeFacts.some((r) => r.provenance.provenanceHash === d),
    sinks: (d) => documents.some((doc) => doc.kind === 'sinks' && doc.digest === d),
    osv: (d) => documents.some((doc) => doc.kind === 'osv' && doc.digest === d),
  };
  for (const input of named) {
    if (!has[input.kind]?.(input.digest))
      failures.push(`the ${input.kind} input ${input.digest} has no evidence in the bundle`);
  }
  const names = (kind: string, digest: string) => named.some((i) => i.kind === kind && i.digest === digest);
  for (const c of callgraphs) {
    if (!names('callgraph', c.manifest.digest))
      failures.push(`call graph ${c.manifest.digest} is not an input of the graph`);
  }
  for (const r of runtimeFacts) {
    if (!names('runtime-facts', r.provenance.provenanceHash)) {
      failures.push(`batch ${r.provenance.provenanceHash} is not an input of the graph`);
    }
  }
  for (const d of documents) {
    if (!names(d.kind, d.digest))
      failures.push(`the ${d.kind} document ${d.digest} is not an input of the graph`);
  }
  return verdictOf(
    'inputs.provenance',
    failures,
    `the ${named.length} input(s) ${source.from} names are bundled`,
  );
}
