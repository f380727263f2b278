// Public API of @stella-ops/graph: pure computation over reachability graphs (no I/O).

export type { DecodeOptions } from './binary/decode.js';
export { decodeGraph } from './binary/decode.js';
export { encodeGraph } from './binary/encode.js';
export { FORMAT_VERSION } from './binary/format.js';
export { buildReachGraph, buildReachGraphReport } from './builder/build-reach-graph.js';
export type { OsvSinks, UnmatchedOsvFunction } from './builder/osv.js';
export { sinksFromOsv } from './builder/osv.js';
export type { OsvAffected, OsvDocument, OsvRange, OsvVulnerability } from './builder/osv-types.js';
export { isAffectedVersion } from './builder/osv-versions.js';
export { callgraphDigest, osvDigest, sinksDigest } from './builder/provenance.js';
export { sortSinks } from './builder/sinks.js';
export type { BuildReport, ReachGraphBuildInputs, RuntimeFactBatchInput } from './builder/types.js';
export type { DiffOptions } from './diff/diff-slices.js';
export { diffSlices } from './diff/diff-slices.js';
export type { GraphErrorCode } from './error.js';
export { GraphError, isGraphError } from './error.js';
export type { EvidenceBundleParts } from './evidence/create-evidence-bundle.js';
export { createEvidenceBundle } from './evidence/create-evidence-bundle.js';
export type {
  BundleCheck,
  BundleCheckName,
  BundleCheckStatus,
  BundleVerification,
  EvidenceBundle,
  VerifyEvidenceBundleOptions,
} from './evidence/evidence-bundle.js';
export {
  BUNDLE_CHECKS,
  CALLGRAPH_MANIFEST_PAYLOAD_TYPE,
  EVIDENCE_BUNDLE_VERSION,
} from './evidence/evidence-bundle.js';
export { verifyEvidenceBundle } from './evidence/verify-evidence-bundle.js';
export type { Assumptions } from './guards/assume.js';
export { checkAssume, formatAssume, MAX_ASSUMPTIONS, parseAssume } from './guards/assume.js';
export type { ConditionalGuard, GuardStatus } from './guards/guard.js';
export { CONDITIONAL_EDGE_TYPES, conditionalGuard, guardStatus } from './guards/guard.js';
export { retainedBytes } from './memory/retained-bytes.js';
export type { CreateGraphOptions } from './model/create-graph.js';
export { createGraph } from './model/create-graph.js';
export type { NodeKind } from './model/enums.js';
export { EDGE_TYPES, NODE_KINDS } from './model/enums.js';
export type {
  EdgeColumns,
  ExplanationTable,
  ForwardAdjacency,
  Graph,
  NodeColumns,
  ObservationTable,
  ReverseAdjacency,
} from './model/graph.js';
export { FLAG_ENTRYPOINT, FLAG_SINK, NO_LINE, NO_OBSERVATION, NO_STRING } from './model/graph.js';
export { loadGraph } from './model/load-graph.js';
export { allEdges, allNodes, edgeAt, findNode, nodeAt, nodeId } from './model/materialize.js';
export type { StringTable } from './model/string-table.js';
export { cveCore } from './slice/cve-core.js';
export { cveSlice } from './slice/cve-slice.js';
export type { CveSubgraph } from './slice/cve-subgraph.js';
export { cveSubgraph } from './slice/cve-subgraph.js';
export { entrypointSlice } from './slice/entrypoint-slice.js';
export { fileSlice } from './slice/file-slice.js';
export { DEFAULT_LIMITS } from './slice/options.js';
export { packageSlice } from './slice/package-slice.js';
export type { ReachableOptions } from './slice/reachable.js';
export { entrypointNodes, reachableNodes } from './slice/reachable.js';
export { sliceGraph } from './slice/slice-graph.js';
export type {
  AnySliceQuery,
  CveSliceQuery,
  Direction,
  EntrypointSliceQuery,
  FileSliceQuery,
  ObservedFilter,
  PackageSliceQuery,
  PathPage,
  SliceOptions,
  SliceResult,
  SliceResultPath,
} from './slice/types.js';
export type { GenerateOptions } from './testing/generate.js';
export { generateReachGraph } from './testing/generate.js';
export { BUILDER_NAME, GRAPH_PACKAGE_VERSION } from './version.js';
