export type { AccessRule, AuthConfig, Authenticator, Principal } from './auth.js';
export { allow, createAuthenticator, principalOf, requireAuth } from './auth.js';
export type { BodyOptions, NdjsonLine } from './body.js';
export { bufferStream, decodeUtf8, parseJsonBody, parseNdjson, readBody } from './body.js';
export type { DbConfig } from './db.js';
export {
  createKysely,
  createPgPool,
  migrateToLatest,
  postgresReadiness,
  StaticMigrationProvider,
} from './db.js';
export type { ReadinessCheck } from './health.js';
export { healthz, readyz } from './health.js';
export type { LoggerConfig } from './logger.js';
export { createLogger, httpLogger } from './logger.js';
export { createMetricsRegistry, httpMetrics, metricsEndpoint } from './metrics.js';
export type { HttpProblemInit, ProblemIssue } from './problem.js';
export { HttpProblem, issuesFromSchema, problemBody, problems, problemType } from './problem.js';
export type { ErrorMapper } from './problem-handler.js';
export { defaultErrorMapper, notFoundHandler, problemHandler } from './problem-handler.js';
export type { RunningServer } from './server.js';
export { answerClientErrors, listen, onShutdownSignal } from './server.js';
