import { parentPort } from 'node:worker_threads';
import { defaultErrorMapper } from '@stella-ops/service-kit';
import { type BatchInput, prepareBatch } from './prepare-batch.js';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

/**
 * The canonical bytes' ArrayBuffer to transfer (not copy) when it is theirs: one they fill at
 * least three quarters of and larger than Buffer's shared pool (small Buffers share that pool,
 * which must never be transferred away).
 */
function ownedBuffer(bytes: Uint8Array): ArrayBuffer[] {
  const whole = bytes.buffer;
  return whole instanceof ArrayBuffer &&
    whole.byteLength > Buffer.poolSize &&
    bytes.byteLength >= whole.byteLength * 0.75
    ? [whole]
    : [];
}

/** A worker thread of the ingest pool: prepares one batch per message (see worker-preparer.ts). */
const port = parentPort;
if (!port) throw new Error('prepare-worker runs as a worker thread');
port.on('message', ({ id, input }: WorkerTask) => {
  let reply: WorkerReply;
  try {
    const body = new Uint8Array(input.body);
    const batch = prepareBatch({ ...input, body } as BatchInput);
    const canonical = new Uint8Array(
      batch.canonical.buffer,
      batch.canonical.byteOffset,
      batch.canonical.byteLength,
    );
    reply = { id, ok: true, batch: { ...batch, canonical } };
    port.postMessage(reply, ownedBuffer(canonical));
    return;
  } catch (err) {
    const problem = defaultErrorMapper(err);
    reply = problem
      ? {
          id,
          ok: false,
          problem: {
            status: problem.status,
            code: problem.code,
            title: problem.title,
            ...(problem.detail !== undefined ? { detail: problem.detail } : {}),
            ...(problem.errors ? { errors: problem.errors } : {}),
          },
        }
      : { id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
