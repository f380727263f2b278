import { CasError, isCasError } from '../error.js';
import { isS3NotFound, mapS3Error } from '../s3/s3-errors.js';

const sdkError = (name: string, status?: number, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(name), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    ...extra,
  });

describe('CasError', () => {
  it('carries a stable code, the key and the cause', () => {
    const cause = new Error('inner');
    const err = new CasError({ code: 'BLOB_NOT_FOUND', message: 'gone', key: 'a/b', cause });
    expect(err.code).toBe('BLOB_NOT_FOUND');
    expect(err.key).toBe('a/b');
    expect(err.cause).toBe(cause);
    expect(err.name).toBe('CasError');
    expect(isCasError(err, 'BLOB_NOT_FOUND')).toBe(true);
    expect(isCasError(err, 'BLOB_TOO_LARGE')).toBe(false);
    expect(isCasError(new Error('x'))).toBe(false);
  });
});

describe('mapS3Error', () => {
  it.each([
    ['NoSuchKey', 404, 'BLOB_NOT_FOUND'],
    ['NotFound', 404, 'BLOB_NOT_FOUND'],
    ['NoSuchBucket', 404, 'BLOB_STORE_UNAVAILABLE'],
    ['InternalError', 500, 'BLOB_STORE_UNAVAILABLE'],
    ['ServiceUnavailable', 503, 'BLOB_STORE_UNAVAILABLE'],
    ['SlowDown', 503, 'BLOB_STORE_UNAVAILABLE'],
    ['TooManyRequests', 429, 'BLOB_STORE_UNAVAILABLE'],
    ['TimeoutError', undefined, 'BLOB_STORE_UNAVAILABLE'],
    ['Error', undefined, 'BLOB_STORE_UNAVAILABLE'], // ECONNREFUSED: no HTTP answer at all
    ['AccessDenied', 403, 'BLOB_STORE_ERROR'],
    ['InvalidAccessKeyId', 403, 'BLOB_STORE_ERROR'],
    ['InvalidArgument', 400, 'BLOB_STORE_ERROR'],
  ])('%s (%s) -> %s', (name, status, code) => {
    const err = sdkError(name, status);
    const mapped = mapS3Error(err, 'op', 'k');
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(err);
    expect(mapped.key).toBe('k');
  });

  it('passes CasErrors through and tells not-found apart from a missing bucket', () => {
    const own = new CasError({ code: 'BLOB_TOO_LARGE', message: 'x' });
    expect(mapS3Error(own, 'op')).toBe(own);
    expect(isS3NotFound(sdkError('NotFound', 404))).toBe(true);
    expect(isS3NotFound(sdkError('NoSuchBucket', 404))).toBe(false);
    expect(isS3NotFound(sdkError('AccessDenied', 403))).toBe(false);
    expect(mapS3Error('a string', 'op').code).toBe('BLOB_STORE_UNAVAILABLE');
  });
});
