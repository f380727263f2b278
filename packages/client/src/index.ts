/**
 * @stella-ops/client: typed HTTP clients for the Signals and ReachGraph services. Types come from
 * the repository's JSON Schemas (via @stella-ops/core), so they follow the services' contracts.
 */

export type { ClientErrorCode } from './error.js';
export { clientError, DigestMismatchError, isStellaApiError, StellaApiError } from './error.js';
export type { BodyFactory, RequestBody, StreamBody } from './http/body.js';
export { ndjsonLines } from './http/ndjson.js';
export { backoffDelayMs, parseRetryAfter } from './http/retry-after.js';
export type { CallOptions, ClientOptions, TokenProvider } from './options.js';
export { createReachGraphClient } from './reachgraph/reachgraph-client.js';
export type {
  ArtifactGraphs,
  BuildRequest,
  BundleDownload,
  BundleParams,
  ByArtifactParams,
  DiffParams,
  EvidenceParams,
  GraphDownload,
  GraphSummary,
  ListParams,
  ReachGraphClient,
  ReachGraphList,
  SliceParams,
  UpsertOptions,
  VexDownload,
} from './reachgraph/types.js';
export { createSignalsClient } from './signals/signals-client.js';
export type {
  BatchProvenance,
  CallgraphBody,
  CallgraphDownload,
  CallgraphPage,
  FactBatchDownload,
  PushCallgraphOptions,
  PushRuntimeFactsOptions,
  PushRuntimeFactsResult,
  RuntimeFactsBody,
  SignalsClient,
  SignalsKey,
  SignedManifest,
  StreamFactsOptions,
  VerifiedStream,
  VerifyResult,
} from './signals/types.js';
