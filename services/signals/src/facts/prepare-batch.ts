import { type PreparedBlob, zstdCompress } from '@stella-ops/cas';
import { sha256 } from '@stella-ops/core';
import { parseJsonBody } from '@stella-ops/service-kit';
import { type NormalizedBatch, normalizeBatch } from './normalize-batch.js';
import { factsFromJson, factsFromNdjson } from './parse-facts.js';
import { splitNdjson } from './split-ndjson.js';

/** An uploaded batch body and what the request said about it. */
export interface BatchInput {
  body: Uint8Array;
  kind: 'ndjson' | 'json';
  /** For NDJSON: the query parameters. */
  target?: { callgraphId: string; source: string };
  /**
   * Compress the facts here (default). `false` on the request thread: the blob store then
   * compresses while it uploads, slice by slice, instead of in one blocking call.
   */
  compress?: boolean;
}

/** A batch ready to store: validated, deduplicated, canonical, hashed. */
export interface PreparedBatch {
  callgraphId: string;
  source: string;
  /** The hash the client sent in the JSON body, if any. */
  clientHash?: string;
  /**
   * The facts blob for the blob store: prepared (the canonical NDJSON's digest and size, and the
   * NDJSON zstd-compressed, the `.ndjson.zst` key's form), so the request thread neither hashes
   * nor compresses; or, with `compress: false`, the canonical NDJSON itself.
   */
  blob: PreparedBlob | Buffer;
  /** `sha256:` of the canonical NDJSON (contract §5.1); the blob's digest. */
  provenanceHash: string;
  factCount: number;
  factTypes: NormalizedBatch['factTypes'];
  typeCounts: NormalizedBatch['typeCounts'];
  merged: number;
  /** Milliseconds per stage: parse, validate, canonicalize, hash, compress. */
  stages: Record<string, number>;
}

/**
 * The CPU part of an ingest (no I/O): parse the NDJSON or JSON body, validate every fact against
 * `runtime-fact@v1` (and its purl), deduplicate and canonicalize, hash and compress (the zstd level
 * the blob store uses). Throws the same 4xx
 * problems as the HTTP layer would. Runs inline or on a worker thread (see `batch-preparer.ts`).
 */
export function prepareBatch(input: BatchInput): PreparedBatch {
  const stages: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    stages[stage] = now - t;
    t = now;
  };
  const body = Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength);
  const target = input.target;
  const ndjson = target ? splitNdjson(body) : undefined;
  const json = target ? undefined : parseJsonBody(body);
  lap('parse');
  const upload =
    target && ndjson ? factsFromNdjson(ndjson, target.callgraphId, target.source) : factsFromJson(json);
  lap('validate');
  // Every fact passed runtime-fact@v1 above; without a backslash in the body no string needs escaping.
  const escapeFree = ndjson ? ndjson.escapeFree : body.indexOf(0x5c) === -1;
  const batch = normalizeBatch(upload.facts, { schemaValid: true, escapeFree, expectedBytes: body.length });
  lap('canonicalize');
  const provenanceHash = sha256(batch.canonical);
  lap('hash');
  let blob: PreparedBlob | Buffer = batch.canonical;
  if (input.compress !== false) {
    const stored = zstdCompress(batch.canonical);
    lap('compress');
    blob = {
      kind: 'prepared',
      digest: provenanceHash,
      size: batch.canonical.length,
      encoding: 'zstd',
      stored,
    };
  }
  return {
    callgraphId: upload.callgraphId,
    source: upload.source,
    ...(upload.clientHash !== undefined ? { clientHash: upload.clientHash } : {}),
    blob,
    provenanceHash,
    factCount: batch.facts.length,
    factTypes: batch.factTypes,
    typeCounts: batch.typeCounts,
    merged: batch.merged,
    stages,
  };
}
