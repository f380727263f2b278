import {
  canonicalize,
  createStatement,
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  RUNTIME_FACTS_PREDICATE_TYPE,
  type RuntimeFactsPredicate,
  type Statement,
  signEnvelope,
  validate,
} from '@stella-ops/core';
import type { KeyRing } from './key-ring.js';
import type { LogOutcome, TransparencyLog } from './transparency-log.js';

/** What a batch attestation states (contract §7.2). */
export interface BatchAttestationInput {
  batchId: string;
  provenanceHash: string;
  factCount: number;
  /** The batch's `ingestedAt`. */
  timestamp: string;
  tenantId: string;
  /** The referenced call graph: the statement's subject. */
  callgraph: { graphId: string; digest: string };
}

/** The in-toto Statement over a batch: subject = the call graph and its digest. */
export function batchStatement(input: BatchAttestationInput): Statement<RuntimeFactsPredicate> {
  const predicate = validate('runtime-facts-predicate@v1', {
    batchId: input.batchId,
    provenanceHash: input.provenanceHash,
    factCount: input.factCount,
    timestamp: input.timestamp,
    subjects: [input.callgraph.graphId],
    tenantId: input.tenantId,
  });
  const hex = input.callgraph.digest.slice('sha256:'.length);
  return createStatement(
    [{ name: `callgraphs/${input.callgraph.graphId}`, digest: { sha256: hex } }],
    RUNTIME_FACTS_PREDICATE_TYPE,
    predicate,
  );
}

/** Signs the batch statement as a DSSE envelope and logs it (never hangs: see TransparencyLog). */
export async function attestBatch(
  input: BatchAttestationInput,
  keys: KeyRing,
  tlog: TransparencyLog,
): Promise<{ envelope: DsseEnvelope; outcome: LogOutcome }> {
  const signer = keys.signer;
  if (!signer || !keys.signerPublicKeyPem)
    throw new Error('batch attestation is on but no signing key is loaded');
  const payload = Buffer.from(canonicalize(batchStatement(input)), 'utf8');
  const envelope = await signEnvelope(payload, IN_TOTO_PAYLOAD_TYPE, [signer]);
  const outcome = await tlog.log(envelope, keys.signerPublicKeyPem);
  return { envelope, outcome };
}
