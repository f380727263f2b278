import { parentPort } from 'node:worker_threads';
import { isPreparedBlob } from '@stella-ops/cas';
import { defaultErrorMapper } from '@stella-ops/service-kit';
import { type BatchInput, prepareBatch } from './prepare-batch.js';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

/**
 * `bytes` in an ArrayBuffer of their own, to transfer rather than copy: as they are when they fill
 * theirs, else copied into one that fits (a view into a larger or shared buffer — Buffer's pool —
 * must never be transferred, and cloning it would copy the whole buffer).
 */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
  ) {
    return bytes;
  }
  const own = new Uint8Array(bytes.byteLength);
  own.set(bytes);
  return own;
}

/** A worker thread of the ingest pool: prepares one batch per message (see worker-preparer.ts). */
const port = parentPort;
if (!port) throw new Error('prepare-worker runs as a worker thread');
port.on('message', ({ id, input }: WorkerTask) => {
  let reply: WorkerReply;
  try {
    const body = new Uint8Array(input.body);
    const batch = prepareBatch({ ...input, body, compress: true } as BatchInput);
    const blob = batch.blob;
    if (!isPreparedBlob(blob)) throw new Error('a worker always prepares the compressed blob');
    const stored = ownBuffer(blob.stored);
    reply = { id, ok: true, batch: { ...batch, blob: { ...blob, stored } } };
    port.postMessage(reply, [stored.buffer as ArrayBuffer]);
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
