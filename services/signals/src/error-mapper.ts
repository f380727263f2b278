import { isCasError } from '@stella-ops/cas';
import { type ErrorMapper, HttpProblem } from '@stella-ops/service-kit';

/**
 * Blob store failures on reads that service-kit does not map: the index names a blob the store
 * lacks, or stored bytes that do not decompress. Both are storage faults (502), never the client's.
 */
export const signalsErrorMapper: ErrorMapper = (err) => {
  if (isCasError(err, 'BLOB_NOT_FOUND')) {
    return new HttpProblem({
      status: 502,
      code: 'BLOB_MISSING',
      title: 'Stored content failed verification',
      detail: 'the index names content the blob store does not have',
      cause: err,
    });
  }
  if (isCasError(err, 'BLOB_COMPRESSION_INVALID') || isCasError(err, 'BLOB_TOO_LARGE')) {
    return new HttpProblem({
      status: 502,
      code: 'BLOB_INTEGRITY_FAILED',
      title: 'Stored content failed verification',
      detail: 'the stored content does not decode',
      cause: err,
    });
  }
  return undefined;
};
