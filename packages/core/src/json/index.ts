export type { ChunkSink } from './canonical-writer.js';
export type { CanonicalBytesOptions } from './canonicalize.js';
export {
  canonicalize,
  canonicalizeLinesToSink,
  canonicalizeToBytes,
  canonicalizeToSink,
} from './canonicalize.js';
export { MAX_NESTING_DEPTH } from './limits.js';
