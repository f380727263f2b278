import { type BatchInput, type PreparedBatch, prepareBatch } from './prepare-batch.js';

/** Runs the CPU part of ingests: inline, or on worker threads (`Limits.IngestWorkers`). */
export interface BatchPreparer {
  prepare(input: BatchInput): Promise<PreparedBatch>;
  close(): Promise<void>;
}

/** On the request's own thread (the blob store compresses while uploading, in slices). */
export const inlinePreparer: BatchPreparer = {
  prepare: async (input) => prepareBatch({ ...input, compress: false }),
  close: async () => {},
};
