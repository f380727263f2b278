import { CasError } from '../error.js';

/** Errors the SDK raises without any HTTP response, or that mean the service is struggling. */
const UNAVAILABLE_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'NetworkingError',
  'ServiceUnavailable',
  'SlowDown',
  'InternalError',
  'ThrottlingException',
]);

interface SdkErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function shape(err: unknown): SdkErrorShape {
  return err !== null && typeof err === 'object' ? (err as SdkErrorShape) : {};
}

/** True when the SDK says there is no such object (404 / NoSuchKey / NotFound). */
export function isS3NotFound(err: unknown): boolean {
  const e = shape(err);
  if (e.name === 'NoSuchBucket' || e.Code === 'NoSuchBucket') return false;
  return e.$metadata?.httpStatusCode === 404 || e.name === 'NoSuchKey' || e.name === 'NotFound';
}

/**
 * Maps an S3 client error to a `CasError`: a missing object is `BLOB_NOT_FOUND`; no HTTP answer at
 * all (connection refused or reset, DNS, timeout), a 5xx/429, or a missing bucket is
 * `BLOB_STORE_UNAVAILABLE` (services answer 503); anything else (403, 400, ...) is
 * `BLOB_STORE_ERROR`.
 */
export function mapS3Error(err: unknown, what: string, key?: string): CasError {
  if (err instanceof CasError) return err;
  const e = shape(err);
  const name = e.name ?? e.Code;
  const status = e.$metadata?.httpStatusCode;
  const withKey = key === undefined ? {} : { key };
  if (isS3NotFound(err)) {
    return new CasError({
      code: 'BLOB_NOT_FOUND',
      message: `${what}: no such object`,
      ...withKey,
      cause: err,
    });
  }
  if (name === 'NoSuchBucket') {
    return new CasError({
      code: 'BLOB_STORE_UNAVAILABLE',
      message: `${what}: the bucket does not exist (ensureReady creates it)`,
      ...withKey,
      cause: err,
    });
  }
  // Without an HTTP status the request never got an answer. (Inside jest's VM the SDK even wraps
  // Node's ECONNREFUSED into an error that has neither `code` nor status, so this is the test
  // that holds everywhere.)
  if (
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    status === 408 ||
    UNAVAILABLE_NAMES.has(name ?? '')
  ) {
    return new CasError({
      code: 'BLOB_STORE_UNAVAILABLE',
      message: `${what}: object store unavailable`,
      ...withKey,
      cause: err,
    });
  }
  return new CasError({
    code: 'BLOB_STORE_ERROR',
    message: `${what}: object store refused the request (${name ?? status})`,
    ...withKey,
    cause: err,
  });
}
