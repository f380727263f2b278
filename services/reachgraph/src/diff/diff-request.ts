import type { SliceQuery } from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import { parseSliceRequest } from '../slice/query.js';

/** The parameters `GET …/diff/{baseDigest}` accepts. */
const KNOWN = new Set(['cve', 'file', 'assume', 'observed']);

/** Page and answer limits a slice parser needs; a diff only takes the query, so they only satisfy it. */
const NO_PAGE = { defaultLimit: 1, maxLimit: 1, answer: { maxNodes: 1, maxPaths: 1 } };

/**
 * The normalised cve or file query of a diff request, validated like a slice's (CVE_INVALID,
 * GLOB_INVALID, ASSUME_INVALID, …); exactly one of `?cve`, `?file` else 400 `QUERY_INVALID`.
 */
export function parseDiffRequest(params: Record<string, unknown>): SliceQuery {
  for (const name of Object.keys(params)) {
    if (!KNOWN.has(name)) {
      throw problems.badRequest('QUERY_INVALID', `unknown parameter ?${name}`, [
        { pointer: `/${name}`, message: 'unknown parameter' },
      ]);
    }
  }
  if ((params['cve'] === undefined) === (params['file'] === undefined)) {
    throw problems.badRequest('QUERY_INVALID', 'exactly one of ?cve, ?file is required', [
      { pointer: params['cve'] === undefined ? '/cve' : '/file', message: 'give exactly one of cve, file' },
    ]);
  }
  return parseSliceRequest(params, NO_PAGE).query;
}
