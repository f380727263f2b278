import { isGraphError } from '@stella-ops/graph';
import { type ErrorMapper, problems } from '@stella-ops/service-kit';

/** The graph engine's errors as problems (the HTTP layer's one mapping from codes to statuses). */
export const graphErrorMapper: ErrorMapper = (err) => {
  if (!isGraphError(err)) return undefined;
  switch (err.code) {
    case 'QUERY_INVALID':
      return problems.badRequest('QUERY_INVALID', err.message);
    case 'GRAPH_INVALID':
      return problems.unprocessable('GRAPH_INVALID', err.message);
    case 'INPUT_INVALID':
      return problems.unprocessable('INPUT_INVALID', err.message);
    default:
      // GRAPH_BINARY_INVALID: a stored blob that does not decode is our fault, never the client's.
      return undefined;
  }
};
