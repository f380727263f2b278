/** @stella-ops/cli: the `stella` command line (see README.md). */

export type { Failure } from './cli-error.js';
export { CliError, toFailure } from './cli-error.js';
export type { ExitCode } from './exit-codes.js';
export { EXIT } from './exit-codes.js';
export type { CliIo } from './io/cli-io.js';
export { processIo } from './io/cli-io.js';
export { MAX_BATCH_BYTES, splitNdjsonBatches } from './io/split-batches.js';
export { CLI_VERSION, createProgram, runCli } from './program.js';
export { renderSliceDot, renderSliceMermaid } from './render/slice-graphviz.js';
