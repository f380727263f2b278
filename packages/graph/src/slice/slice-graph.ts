import type { SliceQuery } from '@stella-ops/core';
import { fail } from '../error.js';
import type { Graph } from '../model/graph.js';
import { cveSlice } from './cve-slice.js';
import { entrypointSlice } from './entrypoint-slice.js';
import { fileSlice } from './file-slice.js';
import { packageSlice } from './package-slice.js';
import type {
  AnySliceQuery,
  CveSliceQuery,
  EntrypointSliceQuery,
  FileSliceQuery,
  PackageSliceQuery,
  SliceOptions,
  SliceResult,
} from './types.js';

/**
 * Answers any slice query (the `query` object of slice-response.v1) by its `type`: `package`,
 * `cve`, `entrypoint` or `file`. Fields that do not apply to the type, and malformed values, are
 * QUERY_INVALID. The result is deterministic: nodes by id, edges by (from, to, type, guard), paths
 * in a stable order.
 */
export function sliceGraph(g: Graph, query: AnySliceQuery | SliceQuery, options?: SliceOptions): SliceResult {
  if (query === null || typeof query !== 'object') fail('QUERY_INVALID', 'a slice query must be an object');
  // The per-type functions check every field at run time, so the casts only name what they check.
  const { type, ...rest } = query as { type?: unknown };
  switch (type) {
    case 'package':
      return packageSlice(g, rest as PackageSliceQuery, options);
    case 'cve':
      return cveSlice(g, rest as CveSliceQuery, options);
    case 'entrypoint':
      return entrypointSlice(g, rest as EntrypointSliceQuery, options);
    case 'file':
      return fileSlice(g, rest as FileSliceQuery, options);
    default:
      return fail('QUERY_INVALID', `unknown slice type ${JSON.stringify(type)}`);
  }
}
