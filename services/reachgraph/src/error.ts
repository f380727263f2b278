import { isCasError } from '@stella-ops/cas';
import { isGraphError } from '@stella-ops/graph';
import { type ErrorMapper, HttpProblem, problems } from '@stella-ops/service-kit';

/**
 * 502 `GRAPH_INTEGRITY_FAILED`: a stored graph (its binary form, or a zstd blob of its row) does not
 * decode or fails its checksum. Our storage was corrupted or tampered with, never the client's fault.
 */
function integrityFailed(cause: unknown): HttpProblem {
  return new HttpProblem({
    status: 502,
    code: 'GRAPH_INTEGRITY_FAILED',
    title: 'Stored content failed verification',
    detail: 'the stored graph does not decode or does not match its checksum',
    cause,
  });
}

/** The graph engine's errors as problems (the HTTP layer's one mapping from codes to statuses). */
export const graphErrorMapper: ErrorMapper = (err) => {
  if (isCasError(err, 'BLOB_COMPRESSION_INVALID') || isCasError(err, 'BLOB_TOO_LARGE')) {
    return integrityFailed(err);
  }
  if (!isGraphError(err)) return undefined;
  switch (err.code) {
    case 'QUERY_INVALID':
      return problems.badRequest('QUERY_INVALID', err.message);
    case 'GRAPH_INVALID':
      return problems.unprocessable('GRAPH_INVALID', err.message);
    case 'INPUT_INVALID':
      return problems.unprocessable('INPUT_INVALID', err.message);
    case 'GRAPH_BINARY_INVALID':
      return integrityFailed(err);
    default:
      return undefined;
  }
};
