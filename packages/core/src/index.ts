// The public API of @stella-ops/core, area by area; each area's index names its exports one by one.
export * from './digest/index.js';
export * from './dsse/index.js';
export type { CoreErrorCode, SchemaIssue } from './error.js';
export { CoreError, isCoreError } from './error.js';
export * from './ids/index.js';
export * from './json/index.js';
export * from './schema/index.js';
export * from './sigstore/index.js';
