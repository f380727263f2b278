// `@stella-ops/graph/testing`: deterministic graph generators for tests and benchmarks.
export type { GenerateOptions } from './generate.js';
export { generateReachGraph } from './generate.js';
export { Prng } from './prng.js';
