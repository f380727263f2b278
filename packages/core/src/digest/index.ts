export { blake3, createBlake3Hasher } from './blake3.js';
export { blake3Canonical, sha256Canonical, sha256CanonicalLines } from './canonical-digest.js';
export type { DigestHasher } from './digest-hasher.js';
export type { DigestAlgorithm, ParsedDigest } from './parse-digest.js';
export { isDigest, parseDigest } from './parse-digest.js';
export { REACHGRAPH_PAYLOAD_TYPE, reachGraphDigest, reachGraphPayload } from './reachgraph-digest.js';
export { normalizeReachGraph } from './reachgraph-normalize.js';
export { isNormalizedReachGraph, normalizedReachGraphView } from './reachgraph-normalized.js';
export type {
  EdgeExplanation,
  EdgeType,
  NormalizedReachGraph,
  ReachGraph,
  ReachGraphAnalyzer,
  ReachGraphArtifact,
  ReachGraphEdge,
  ReachGraphInput,
  ReachGraphInputKind,
  ReachGraphNode,
  ReachGraphNodeKind,
  ReachGraphObservation,
  ReachGraphProvenance,
  ReachGraphScope,
  ReachGraphSignature,
} from './reachgraph-types.js';
export { createSha256Hasher, sha256 } from './sha256.js';
export { normalizeUtcTimestamp } from './utc-timestamp.js';
