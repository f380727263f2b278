import { isStellaApiError, type SignalsClient } from '@stella-ops/client';
import type {
  CallgraphManifest,
  CallgraphRecord,
  DsseEnvelope,
  RuntimeFact,
  RuntimeFactProvenance,
  TrustedKey,
} from '@stella-ops/core';
import { fromSignalsError, inputProblem } from './input-problems.js';
import { verifyAttestation, verifyManifest } from './verify-signed.js';

/** A call graph fetched from Signals whose bytes, digest and signed manifest all agree. */
export interface VerifiedCallgraph {
  graphId: string;
  /** `sha256:` of the canonical NDJSON, as the signed manifest names it. */
  digest: string;
  records: CallgraphRecord[];
  /** The signed manifest it was verified against (kept for offline evidence bundles). */
  evidence?: { manifest: CallgraphManifest; envelope: DsseEnvelope };
}

/** A runtime-fact batch fetched from Signals whose bytes, provenance and attestation all agree. */
export interface VerifiedBatch {
  batchId: string;
  /** `sha256:` of the stored canonical NDJSON, as the attestation names it. */
  provenanceHash: string;
  /** The call graph the batch was reported against. */
  callgraphId: string;
  facts: RuntimeFact[];
  /** The provenance record and attestation it was verified against (kept for evidence bundles). */
  evidence?: { provenance: RuntimeFactProvenance; attestation: DsseEnvelope };
}

/** A call graph named by Signals graph id and/or digest. */
export interface CallgraphRef {
  graphId?: string;
  digest?: string;
}

/** A batch named by batch id and/or provenance hash. */
export interface BatchRef {
  batchId?: string;
  provenanceHash?: string;
}

/**
 * Fetches build inputs from Signals and verifies them before anything is built from them: the
 * bytes hash to the digest that names them (the client checks while downloading), the call
 * graph's manifest and the batch's attestation are DSSE envelopes signed by a trusted Signals key
 * that name exactly those digests. Every failure is an input problem (see `input-problems.ts`).
 */
export class SignalsInputs {
  constructor(
    private readonly client: SignalsClient,
    private readonly trusted: TrustedKey[],
  ) {}

  async callgraph(ref: CallgraphRef): Promise<VerifiedCallgraph> {
    const what = `call graph ${ref.graphId ?? ref.digest ?? ''}`.trim();
    try {
      const download = ref.graphId
        ? await this.download(ref.graphId)
        : await this.client.getCallgraphByDigest(ref.digest as string);
      if (ref.digest && download.digest !== ref.digest) {
        throw inputProblem('INPUT_DIGEST_MISMATCH', `${what} is ${download.digest}, not ${ref.digest}`);
      }
      const graphId = ref.graphId ?? (download as { graphId?: string }).graphId ?? '';
      const signed = await this.client.getManifest(graphId);
      await verifyManifest(signed, this.trusted, { graphId, digest: download.digest });
      const evidence = signed.envelope ? { manifest: signed.manifest, envelope: signed.envelope } : undefined;
      return {
        graphId,
        digest: download.digest,
        records: download.records,
        ...(evidence ? { evidence } : {}),
      };
    } catch (err) {
      throw fromSignalsError(err, what);
    }
  }

  /**
   * The call graph's bytes, verified against the digest Signals announces. Signals answers 502
   * `BLOB_INTEGRITY_FAILED` when its stored bytes fail its own digest check, but a graph over 16 MiB
   * is streamed and can only be cut mid-body. A download that ends that way while Signals still
   * answers for the same graph's manifest is `INPUT_TRUNCATED`.
   */
  private async download(graphId: string): Promise<{ digest: string; records: CallgraphRecord[] }> {
    let bytes: Buffer;
    let digest: string;
    try {
      const stream = await this.client.openCallgraph(graphId);
      const parts: Uint8Array[] = [];
      for await (const chunk of stream.chunks) parts.push(chunk);
      bytes = Buffer.concat(parts);
      digest = stream.digest;
    } catch (err) {
      if (!isStellaApiError(err) || err.code !== 'NETWORK_ERROR') throw err;
      const answering = await this.client.getManifest(graphId).then(
        () => true,
        () => false,
      );
      if (!answering) throw err;
      throw inputProblem(
        'INPUT_TRUNCATED',
        `call graph ${graphId}: Signals ended the download without delivering it, while answering for its manifest (it does so when the stored bytes fail its digest check)`,
        err,
      );
    }
    const records = bytes
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as CallgraphRecord);
    return { digest, records };
  }

  async batch(ref: BatchRef): Promise<VerifiedBatch> {
    const what = `runtime-fact batch ${ref.batchId ?? ref.provenanceHash ?? ''}`.trim();
    try {
      const download = ref.batchId
        ? await this.client.getFactBatch(ref.batchId)
        : await this.client.getFactBatchByHash(ref.provenanceHash as string);
      if (ref.provenanceHash && download.provenanceHash !== ref.provenanceHash) {
        throw inputProblem(
          'INPUT_DIGEST_MISMATCH',
          `${what} is ${download.provenanceHash}, not ${ref.provenanceHash}`,
        );
      }
      const batchId = ref.batchId ?? download.batchId;
      const record = await this.client.getProvenance(batchId);
      await verifyAttestation(record, this.trusted, { batchId, provenanceHash: download.provenanceHash });
      return {
        batchId,
        provenanceHash: download.provenanceHash,
        callgraphId: record.provenance.callgraphId,
        facts: download.facts,
        ...(record.attestation
          ? { evidence: { provenance: record.provenance, attestation: record.attestation } }
          : {}),
      };
    } catch (err) {
      throw fromSignalsError(err, what);
    }
  }
}
