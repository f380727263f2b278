import { Worker } from 'node:worker_threads';
import { HttpProblem } from '@stella-ops/service-kit';
import type { Logger } from 'pino';
import type { BatchPreparer } from './batch-preparer.js';
import type { BatchInput, PreparedBatch } from './prepare-batch.js';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

/** Options for {@link workerPreparer}. */
export interface WorkerPreparerOptions {
  size: number;
  logger: Logger;
  /** The worker script; default the built `prepare-worker.js` next to this module. */
  script?: URL;
  workerData?: unknown;
}

interface Pending {
  task: WorkerTask;
  transfer: ArrayBuffer[];
  resolve: (b: PreparedBatch) => void;
  reject: (e: unknown) => void;
}

/** The body as an ArrayBuffer the worker may own: transferred when it is the body's alone, else copied. */
function ownBuffer(body: Uint8Array): ArrayBuffer {
  const whole = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  return whole && body.buffer instanceof ArrayBuffer
    ? body.buffer
    : (Uint8Array.prototype.slice.call(body).buffer as ArrayBuffer);
}

/**
 * Prepares batches on `size` worker threads (parse, validate, canonicalize and hash are pure CPU),
 * so one instance uses more than one core. Bodies and the compressed facts are transferred, not
 * copied. A worker that dies is replaced; its batch fails with a 500.
 */
export function workerPreparer(opts: WorkerPreparerOptions): BatchPreparer {
  const script = opts.script ?? new URL('./prepare-worker.js', import.meta.url);
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const job = queue.shift() as Pending;
      busy.set(worker, job);
      worker.postMessage(job.task, job.transfer);
    }
  };

  const spawn = () => {
    const worker = new Worker(script, opts.workerData === undefined ? {} : { workerData: opts.workerData });
    worker.on('message', (reply: WorkerReply) => {
      const job = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      if (job) {
        if (reply.ok) {
          const { blob } = reply.batch;
          const stored = Buffer.from(blob.stored.buffer, blob.stored.byteOffset, blob.stored.byteLength);
          job.resolve({ ...reply.batch, blob: { ...blob, stored } });
        } else if ('problem' in reply) job.reject(new HttpProblem(reply.problem));
        else job.reject(new Error(`batch preparation failed: ${reply.error}`));
      }
      dispatch();
    });
    worker.on('error', (err) => opts.logger.error({ err }, 'ingest worker failed'));
    worker.on('exit', (code) => {
      const job = busy.get(worker);
      busy.delete(worker);
      const at = idle.indexOf(worker);
      if (at !== -1) idle.splice(at, 1);
      job?.reject(new Error(`ingest worker exited with code ${code}`));
      if (!closed) {
        opts.logger.warn({ code }, 'ingest worker exited; starting another');
        spawn();
        dispatch();
      }
    });
    worker.unref();
    idle.push(worker);
  };
  for (let i = 0; i < opts.size; i++) spawn();

  return {
    prepare(input: BatchInput) {
      if (closed) return Promise.reject(new Error('the ingest worker pool is closed'));
      return new Promise<PreparedBatch>((resolve, reject) => {
        const body = ownBuffer(input.body);
        const task: WorkerTask = {
          id: nextId++,
          input: { body, kind: input.kind, ...(input.target ? { target: input.target } : {}) },
        };
        queue.push({ task, transfer: [body], resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the ingest worker pool is closed'));
      await Promise.all([...idle, ...busy.keys()].map((w) => w.terminate()));
    },
  };
}
