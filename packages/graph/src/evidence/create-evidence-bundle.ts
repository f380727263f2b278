import type { DsseEnvelope, ReachGraph, SliceResponse, Statement } from '@stella-ops/core';
import { EVIDENCE_BUNDLE_VERSION, type EvidenceBundle } from './evidence-bundle.js';

type Inputs = EvidenceBundle['inputs'];

/** The parts of an evidence bundle, in any order. */
export interface EvidenceBundleParts {
  graphDigest: string;
  /** The whole slice answer (all paths). */
  slice: SliceResponse;
  sliceDigest: string;
  vex: EvidenceBundle['vex'];
  statement: Statement<object>;
  /** The statement's DSSE envelope; null when nobody signed it. */
  envelope: DsseEnvelope | null;
  graphEnvelope: DsseEnvelope | null;
  /** The canonical graph, to recompute its digest and the slice offline. */
  graphDocument?: ReachGraph;
  callgraphs?: Inputs['callgraphs'];
  runtimeFacts?: Inputs['runtimeFacts'];
  documents?: Inputs['documents'];
  keys: EvidenceBundle['keys'];
  engine: EvidenceBundle['engine'];
}

const by =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/**
 * Assembles a `reachgraph.bundle@v1` document. Deterministic: inputs are sorted (call graphs by id,
 * batches by id, documents by digest) and keys deduplicated and sorted by keyid, so the same parts
 * give the same canonical bytes.
 */
export function createEvidenceBundle(parts: EvidenceBundleParts): EvidenceBundle {
  const keys = new Map<string, EvidenceBundle['keys'][number]>();
  for (const k of parts.keys) keys.set(k.keyid, { keyid: k.keyid, publicKeyPem: k.publicKeyPem });
  const graph: EvidenceBundle['graph'] = { envelope: parts.graphEnvelope };
  if (parts.graphDocument) graph.document = parts.graphDocument as EvidenceBundle['graph']['document'];
  return {
    schemaVersion: EVIDENCE_BUNDLE_VERSION,
    graphDigest: parts.graphDigest,
    query: parts.slice.query as EvidenceBundle['query'],
    slice: parts.slice as EvidenceBundle['slice'],
    sliceDigest: parts.sliceDigest,
    vex: parts.vex,
    attestation: {
      statement: parts.statement as unknown as EvidenceBundle['attestation']['statement'],
      envelope: parts.envelope,
    },
    graph,
    inputs: {
      callgraphs: [...(parts.callgraphs ?? [])].sort(by((c) => c.manifest.graphId)),
      runtimeFacts: [...(parts.runtimeFacts ?? [])].sort(by((r) => r.provenance.batchId)),
      documents: [...(parts.documents ?? [])].sort(by((d) => d.digest)),
    },
    keys: [...keys.values()].sort(by((k) => k.keyid)),
    engine: { ...parts.engine },
  };
}
