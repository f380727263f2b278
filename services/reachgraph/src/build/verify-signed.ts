import {
  type CallgraphManifest,
  canonicalize,
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  RUNTIME_FACTS_PREDICATE_TYPE,
  type RuntimeFactProvenance,
  type TrustedKey,
  verifyEnvelope,
} from '@stella-ops/core';
import { inputProblem } from './input-problems.js';

/** The payload type of a Signals call graph manifest envelope. */
export const MANIFEST_PAYLOAD_TYPE = 'application/vnd.stella.callgraph-manifest+json';

async function verified(
  envelope: DsseEnvelope | null | undefined,
  trusted: TrustedKey[],
  what: string,
): Promise<{ payload: Buffer; payloadType: string }> {
  if (!envelope) throw inputProblem('INPUT_SIGNATURE_INVALID', `${what} is not signed`);
  if (trusted.length === 0)
    throw inputProblem('INPUT_SIGNATURE_INVALID', `${what}: no trusted Signals keys are configured`);
  try {
    const v = await verifyEnvelope(envelope, trusted);
    return { payload: Buffer.from(v.payload), payloadType: v.payloadType };
  } catch (err) {
    throw inputProblem('INPUT_SIGNATURE_INVALID', `${what}: ${(err as Error).message}`, err);
  }
}

/**
 * Checks a call graph manifest against the downloaded call graph: its DSSE envelope is signed by a
 * trusted Signals key, its payload is exactly this manifest (canonical JSON without `signature`
 * and `rekorUuid`), and the manifest names this graph id and the digest the bytes hash to.
 */
export async function verifyManifest(
  signed: { manifest: CallgraphManifest; envelope: DsseEnvelope | null },
  trusted: TrustedKey[],
  expected: { graphId: string; digest: string },
): Promise<void> {
  const what = `call graph ${expected.graphId} manifest`;
  const { payload, payloadType } = await verified(signed.envelope, trusted, what);
  const { signature: _s, rekorUuid: _r, ...unsigned } = signed.manifest;
  if (payloadType !== MANIFEST_PAYLOAD_TYPE || !payload.equals(Buffer.from(canonicalize(unsigned), 'utf8'))) {
    throw inputProblem('INPUT_SIGNATURE_INVALID', `${what}: the envelope does not sign this manifest`);
  }
  if (signed.manifest.graphId !== expected.graphId)
    throw inputProblem('INPUT_SIGNATURE_INVALID', `${what} describes call graph ${signed.manifest.graphId}`);
  if (signed.manifest.digest !== expected.digest) {
    throw inputProblem(
      'INPUT_DIGEST_MISMATCH',
      `call graph ${expected.graphId} is ${expected.digest}, its signed manifest says ${signed.manifest.digest}`,
    );
  }
}

/**
 * Checks a runtime-fact batch's provenance against the downloaded batch: the attestation is a DSSE
 * envelope signed by a trusted Signals key over an in-toto statement with the runtime-facts
 * predicate for this batch id and provenance hash, and the provenance record says the same.
 */
export async function verifyAttestation(
  record: { provenance: RuntimeFactProvenance; attestation: DsseEnvelope | null },
  trusted: TrustedKey[],
  expected: { batchId: string; provenanceHash: string },
): Promise<void> {
  const what = `runtime-fact batch ${expected.batchId} attestation`;
  const { payload, payloadType } = await verified(record.attestation, trusted, what);
  let predicate: Record<string, unknown> | undefined;
  try {
    if (payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new Error('not an in-toto statement');
    const statement = parseStatement(payload);
    if (statement.predicateType !== RUNTIME_FACTS_PREDICATE_TYPE) throw new Error('another predicate type');
    predicate = statement.predicate as Record<string, unknown> | undefined;
  } catch (err) {
    throw inputProblem('INPUT_SIGNATURE_INVALID', `${what}: ${(err as Error).message}`, err);
  }
  if (predicate?.['batchId'] !== expected.batchId)
    throw inputProblem('INPUT_SIGNATURE_INVALID', `${what} attests another batch`);
  const attested = predicate?.['provenanceHash'];
  for (const [claim, hash] of [
    ['attestation', attested],
    ['provenance record', record.provenance.provenanceHash],
  ] as const) {
    if (hash !== expected.provenanceHash) {
      throw inputProblem(
        'INPUT_DIGEST_MISMATCH',
        `runtime-fact batch ${expected.batchId} is ${expected.provenanceHash}, its ${claim} says ${String(hash)}`,
      );
    }
  }
}
