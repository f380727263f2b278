/**
 * `@stella-ops/signals-service`: call graphs and runtime facts in CAS with signed manifests,
 * provenance records and batch attestations (the Signals provenance contract). A library:
 * `createApp(createAppContext(config))`; `bin.ts` is the deployable entry.
 */
export { createApp } from './app.js';
export type { BuildInfo } from './build-info.js';
export { readBuildInfo } from './build-info.js';
export { ConfigError } from './config/config-error.js';
export type { StorageConfig } from './config/resolve-config.js';
export {
  loadConfig,
  readConfigDocument,
  resolveConfig,
  resolveStorageConfig,
} from './config/resolve-config.js';
export { SETTINGS } from './config/settings.js';
export type { SignalsConfig, SigningAlgorithm, VerificationKey } from './config/types.js';
export type { AppContext, ContextOverrides } from './context.js';
export { createAppContext } from './context.js';
export { migrate } from './db/database.js';
export type { GcOptions, GcReport } from './gc/gc-types.js';
export { runGc } from './gc/run-gc.js';
export { MANIFEST_PAYLOAD_TYPE, manifestPayload } from './signing/manifest-signing.js';
export type { LogOutcome, TransparencyLog } from './signing/transparency-log.js';
export { disabledLog, rekorLog } from './signing/transparency-log.js';
