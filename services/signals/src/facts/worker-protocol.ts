import type { PreparedBlob } from '@stella-ops/cas';
import type { HttpProblemInit } from '@stella-ops/service-kit';
import type { PreparedBatch } from './prepare-batch.js';

/** A batch for a worker: the body travels as a transferred ArrayBuffer. */
export interface WorkerTask {
  id: number;
  input: { body: ArrayBuffer; kind: 'ndjson' | 'json'; target?: { callgraphId: string; source: string } };
}

/**
 * A worker's answer: the prepared batch (its `blob.stored` bytes travel as a transferred
 * ArrayBuffer and arrive as a Uint8Array), a 4xx problem to answer, or an unexpected error.
 */
export type WorkerReply =
  | { id: number; ok: true; batch: PreparedBatch & { blob: PreparedBlob } }
  | { id: number; ok: false; problem: Omit<HttpProblemInit, 'headers' | 'cause'> }
  | { id: number; ok: false; error: string };
