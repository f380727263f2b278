import { CliError } from '../cli-error.js';

/** The largest batch Signals accepts (`Limits.MaxBatchBytes`, 10 MiB). */
export const MAX_BATCH_BYTES = 10 * 1024 * 1024;

/**
 * Cuts an NDJSON byte stream into batches of whole lines, each at most `maxBytes` (every line
 * keeps its `\n`; blank lines are dropped; a last line without one gets one). A single line longer
 * than `maxBytes` is `LINE_TOO_LARGE`.
 */
export async function* splitNdjsonBatches(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number = MAX_BATCH_BYTES,
): AsyncGenerator<Buffer> {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let pending = Buffer.alloc(0);
  let lineNo = 0;

  function* take(line: Buffer): Generator<Buffer> {
    lineNo++;
    if (line.toString('utf8').trim() === '') return;
    if (line.length > maxBytes) {
      throw new CliError(
        'LINE_TOO_LARGE',
        `line ${lineNo} is ${line.length} bytes, more than a batch may hold (${maxBytes})`,
      );
    }
    if (batchBytes + line.length > maxBytes) {
      yield Buffer.concat(batch);
      batch = [];
      batchBytes = 0;
    }
    batch.push(line);
    batchBytes += line.length;
  }

  for await (const chunk of source) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    let start = 0;
    for (let nl = pending.indexOf(0x0a, start); nl >= 0; nl = pending.indexOf(0x0a, start)) {
      yield* take(pending.subarray(start, nl + 1));
      start = nl + 1;
    }
    pending = pending.subarray(start);
    if (pending.length > maxBytes) {
      throw new CliError(
        'LINE_TOO_LARGE',
        `line ${lineNo + 1} is longer than a batch may hold (${maxBytes})`,
      );
    }
  }
  if (pending.length > 0) yield* take(Buffer.concat([pending, Buffer.from('\n')]));
  if (batch.length > 0) yield Buffer.concat(batch);
}
