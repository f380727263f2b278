/**
 * Test helpers for Stella Reach integration tests: real servers, unique names, clean-up.
 * Private to the workspace; never imported by production code.
 */

export type { AnswerLike, RawAnswer } from './hostile.js';
export {
  answerViolations,
  CaseLedger,
  compressionBomb,
  deepJson,
  INVALID_UTF8,
  leaksIn,
  rawRequest,
  SQL_INJECTION,
  splice,
  TRAVERSAL,
} from './hostile.js';
export { freePort } from './port.js';
export type { CreateTestDatabaseOptions, TestDatabase } from './postgres.js';
export { createTestDatabase } from './postgres.js';
export { cleanRedisPrefix, redisTestPrefix, redisTestUrl } from './redis.js';
export type { S3ClientSettings, S3TestServer, StartS3ServerOptions } from './s3-server.js';
export { startS3Server, uniqueBucketName } from './s3-server.js';
export type { TmpDir } from './tmp.js';
export { tmpDir } from './tmp.js';
