/** @stella-ops/cli: the `stella` command line (see README.md). */

export type { ExitCode } from './exit-codes.js';
export { EXIT } from './exit-codes.js';
