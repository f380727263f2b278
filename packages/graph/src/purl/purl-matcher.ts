import { createPurlMatcher, isCoreError } from '@stella-ops/core';
import { fail, type GraphErrorCode } from '../error.js';

/**
 * Core's purl matcher for `pattern` (type, namespace and name equal after normalisation; no
 * version = every version; a version ending in `*` = that prefix; qualifiers and subpath only when
 * the pattern has them). A pattern that is not a purl is a GraphError with `code`.
 */
export function purlMatcher(pattern: string, code: GraphErrorCode): (purl: string) => boolean {
  try {
    return createPurlMatcher(pattern);
  } catch (cause) {
    if (isCoreError(cause, 'PURL_INVALID')) fail(code, `not a purl: ${JSON.stringify(pattern)}`, cause);
    throw cause;
  }
}
