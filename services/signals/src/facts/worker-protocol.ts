import type { HttpProblemInit } from '@stella-ops/service-kit';
import type { PreparedBatch } from './prepare-batch.js';

/** A batch for a worker: the body travels as a transferred ArrayBuffer. */
export interface WorkerTask {
  id: number;
  input: { body: ArrayBuffer; kind: 'ndjson' | 'json'; target?: { callgraphId: string; source: string } };
}

/** A worker's answer: the prepared batch, a 4xx problem to answer, or an unexpected error. */
export type WorkerReply =
  | { id: number; ok: true; batch: Omit<PreparedBatch, 'canonical'> & { canonical: Uint8Array } }
  | { id: number; ok: false; problem: Omit<HttpProblemInit, 'headers' | 'cause'> }
  | { id: number; ok: false; error: string };
