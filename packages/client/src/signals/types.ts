import type {
  CallgraphManifest,
  CallgraphRecord,
  DsseEnvelope,
  Language,
  ProvenanceFeedLine,
  RuntimeFact,
  RuntimeFactBatch,
  RuntimeFactProvenance,
} from '@stella-ops/core';
import type { RequestBody } from '../http/body.js';
import type { CallOptions } from '../options.js';

/** A call graph upload: NDJSON (text, bytes, Blob or a stream) or the records themselves. */
export type CallgraphBody = RequestBody | CallgraphRecord[];

/** Options of {@link SignalsClient.pushCallgraph}. */
export interface PushCallgraphOptions extends CallOptions {
  /**
   * The component's purl. When the upload has no header record, the client writes one from
   * `purl`, `language` and `source`; when it has one, they must agree (`HEADER_CONFLICT`).
   */
  purl?: string;
  /** The call graph's language (contract §10.3). */
  language?: Language;
  /** Who produced the graph, for a header the client writes (default `stella-client`). */
  source?: string;
  /** The body is already compressed this way (`Content-Encoding`). */
  contentEncoding?: 'gzip' | 'deflate' | 'zstd';
  /**
   * `Idempotency-Key`: a retry with the same key answers with what the first attempt stored instead
   * of storing the upload twice, so the call is retried on network errors and timeouts too. Default:
   * a fresh key per call (a ULID); `false` sends none (then only 429/503 are retried).
   */
  idempotencyKey?: string | false;
}

/** A runtime-fact upload: the JSON batch, the facts, or NDJSON (text, bytes, Blob or a stream). */
export type RuntimeFactsBody = RuntimeFactBatch | RuntimeFact[] | RequestBody;

/** Options of {@link SignalsClient.pushRuntimeFacts}. */
export interface PushRuntimeFactsOptions extends CallOptions {
  /** The call graph the facts belong to (required unless the body is a {@link RuntimeFactBatch}). */
  callgraphId?: string;
  /** The host or service that collected them (required unless the body is a {@link RuntimeFactBatch}). */
  source?: string;
  /** The `sha256:` the client expects the batch to hash to (`X-Provenance-Hash`, 422 when it differs). */
  provenanceHash?: string;
  /** The NDJSON body is already compressed this way. */
  contentEncoding?: 'gzip' | 'deflate' | 'zstd';
  /**
   * `Idempotency-Key`: a retry with the same key answers with what the first attempt stored instead
   * of storing the upload twice, so the call is retried on network errors and timeouts too. Default:
   * a fresh key per call (a ULID); `false` sends none (then only 429/503 are retried).
   */
  idempotencyKey?: string | false;
}

/** The answer to a runtime-fact upload. */
export interface PushRuntimeFactsResult {
  provenance: RuntimeFactProvenance;
  attestation: DsseEnvelope;
  /** Uploaded facts merged into others by deduplication. */
  merged: number;
}

/** A call graph downloaded and verified against its digest. */
export interface CallgraphDownload {
  graphId: string;
  /** `sha256:` of `bytes` (checked). */
  digest: string;
  /** The canonical NDJSON. */
  bytes: Buffer;
  /** Its records, header first. */
  records: CallgraphRecord[];
}

/** A download in progress: iterate `chunks`; the last step throws `DIGEST_MISMATCH` if the bytes are wrong. */
export interface VerifiedStream {
  /** The digest the bytes are checked against. */
  digest: string;
  /** `Content-Length`, when the server sent one. */
  size?: number;
  /** The bytes as they arrive, verified at the end. */
  chunks: AsyncIterable<Uint8Array>;
}

/** A signed call graph manifest and its DSSE envelope. */
export interface SignedManifest {
  manifest: CallgraphManifest;
  envelope: DsseEnvelope;
}

/** One page of {@link SignalsClient.listCallgraphsByPurl}. */
export interface CallgraphPage {
  items: CallgraphManifest[];
  nextCursor?: string;
}

/** A runtime-fact batch downloaded and verified against its provenance hash. */
export interface FactBatchDownload {
  batchId: string;
  /** `sha256:` of `bytes` (checked). */
  provenanceHash: string;
  /** The stored canonical NDJSON. */
  bytes: Buffer;
  facts: RuntimeFact[];
}

/** A batch's provenance record and its attestation. */
export interface BatchProvenance {
  provenance: RuntimeFactProvenance;
  attestation: DsseEnvelope;
}

/** Options of {@link SignalsClient.streamFacts}. */
export interface StreamFactsOptions extends CallOptions {
  /** Only batches ingested at or after this time. */
  since?: Date | string;
  /** Only this call graph's batches. */
  callgraphId?: string;
  /** Add `provenance_hash` and `callgraph_id` to every line. */
  includeProvenance?: boolean;
  /** Resume after the line that carried this cursor. */
  cursor?: string;
  /** When the connection drops mid-stream, reconnect from the last cursor (up to `retries` times; default true). */
  resume?: boolean;
}

/** A key manifests and attestations verify with. */
export interface SignalsKey {
  keyId: string;
  algorithm: string;
  current: boolean;
  publicKeyPem: string;
  jwk: Record<string, unknown>;
}

/** The answer of `POST /signals/verify`. */
export interface VerifyResult {
  verified: true;
  keyIds: string[];
  payloadType: string;
  payload: unknown;
}

/** Everything the Signals service offers (contract §6). */
export interface SignalsClient {
  /** `POST /signals/callgraphs`: stores a call graph; resolves with its signed manifest. */
  pushCallgraph(body: CallgraphBody, opts?: PushCallgraphOptions): Promise<CallgraphManifest>;
  /** `GET /signals/callgraphs/{graphId}`, verified against `X-Content-Digest`. */
  getCallgraph(graphId: string, opts?: CallOptions): Promise<CallgraphDownload>;
  /** `GET /signals/callgraphs/{graphId}` as a verified stream. */
  openCallgraph(graphId: string, opts?: CallOptions): Promise<VerifiedStream & { graphId: string }>;
  /** `GET /signals/callgraphs/by-digest/{digest}`, verified against `digest`. */
  getCallgraphByDigest(digest: string, opts?: CallOptions): Promise<CallgraphDownload>;
  /** `GET /signals/callgraphs/{graphId}/manifest`. */
  getManifest(graphId: string, opts?: CallOptions): Promise<SignedManifest>;
  /** `GET /signals/callgraphs/by-purl/{purl}`: one page. */
  listCallgraphsByPurl(
    purl: string,
    opts?: CallOptions & { limit?: number; cursor?: string },
  ): Promise<CallgraphPage>;
  /** `POST /signals/runtime-facts`. */
  pushRuntimeFacts(body: RuntimeFactsBody, opts?: PushRuntimeFactsOptions): Promise<PushRuntimeFactsResult>;
  /** `GET /signals/runtime-facts/{batchId}`, verified against `X-Provenance-Hash`. */
  getFactBatch(batchId: string, opts?: CallOptions): Promise<FactBatchDownload>;
  /** `GET /signals/runtime-facts/by-hash/{hash}`, verified against `provenanceHash`. */
  getFactBatchByHash(provenanceHash: string, opts?: CallOptions): Promise<FactBatchDownload>;
  /** `GET /signals/runtime-facts/{batchId}/provenance`. */
  getProvenance(batchId: string, opts?: CallOptions): Promise<BatchProvenance>;
  /** `GET /signals/runtime-facts/ndjson`: the feed, line by line, in constant memory. */
  streamFacts(opts?: StreamFactsOptions): AsyncIterable<ProvenanceFeedLine>;
  /** `GET /signals/keys` (no token needed). */
  keys(opts?: CallOptions): Promise<SignalsKey[]>;
  /** `POST /signals/verify`: checks an envelope against the service's keys. */
  verify(envelope: unknown, opts?: CallOptions): Promise<VerifyResult>;
}
