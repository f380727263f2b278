export { createApp, SERVICE_VERSION } from './app.js';
export type { InputProblemCode } from './build/input-problems.js';
export type { BatchRef, VerifiedBatch, VerifiedCallgraph } from './build/signals-inputs.js';
export { SignalsInputs } from './build/signals-inputs.js';
export { MemorySliceCache } from './cache/memory-slice-cache.js';
export { RedisSliceCache } from './cache/redis-slice-cache.js';
export type { SliceCache, SliceKey } from './cache/slice-cache.js';
export type { ServerConfig, ServerEnvironment, SignalsSettings, TrustedKey } from './config.js';
export { ConfigError, envToCfg, readEnv } from './config.js';
export type { AppContext, ContextOverrides } from './context.js';
export { assertRoleIsRestricted, createAppContext } from './context.js';
export { migrate } from './db/migrate.js';
export type { Database } from './db/schema/index.js';
export { DB_SCHEMA, TENANT_TABLES } from './db/schema/index.js';
export type { RateLimitStore } from './ratelimit/rate-limit-store.js';
export type { CallgraphRef, InputResolver, RuntimeFactsRef } from './replay/input-resolver.js';
export { SignalsInputResolver, UnconfiguredInputResolver } from './replay/input-resolver.js';
export type { GraphMeta, GraphStore } from './store/graph-store.js';
export { PgGraphStore } from './store/pg-graph-store.js';
export type { EvidenceKey } from './vex/evidence-signer.js';
export { evidenceKey } from './vex/evidence-signer.js';
export type { SliceVerdict, VexInput } from './vex/openvex.js';
export { buildOpenVex, OPENVEX_CONTEXT } from './vex/openvex.js';
export type {
  CveSliceQuery,
  EvidenceOptions,
  GraphFacts,
  SliceEvidence,
} from './vex/slice-evidence.js';
export {
  createSliceEvidence,
  DEFAULT_VEX_AUTHOR,
  SLICE_ENGINE,
  sliceEvidence,
} from './vex/slice-evidence.js';
export type { SliceStatement } from './vex/slice-predicate.js';
export { MAX_WITNESSES, slicePredicate, sliceStatement } from './vex/slice-predicate.js';
