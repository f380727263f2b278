import { isCoreError } from '../error.js';
import { parsePurl } from './purl.js';
import type { Purl } from './purl-model.js';
import { normalizeDraft } from './purl-normalize.js';
import { splitPurl } from './purl-parse.js';

/**
 * A predicate for one purl pattern, parsed once (use it to filter many purls).
 *
 * A pattern is a purl, parsed leniently like the candidates, whose parts narrow the match:
 * type, namespace and name must be equal (after each side's normalisation, so case-insensitive
 * types match in any case); a pattern without a version matches every version and none; a
 * version ending in `*` matches any version that starts with what precedes it (`@4.*` matches
 * `4.17.21`, `@*` any version but not a versionless purl); otherwise versions must be equal.
 * Qualifiers and subpath are ignored unless the pattern has them: then each pattern qualifier
 * must be present with the same value, and the subpath must be equal. A pattern may leave out
 * qualifiers its type requires (`pkg:julia/Dates` without `uuid`).
 * The predicate returns `false` for a candidate that is not a valid purl.
 * @throws CoreError `PURL_INVALID` when `pattern` is not a valid purl.
 */
export function createPurlMatcher(pattern: string): (purl: string) => boolean {
  const want = normalizeDraft(splitPurl(pattern, true), { pattern: true });
  const version = want.version;
  const prefix = version?.endsWith('*') ? version.slice(0, -1) : null;
  return (candidate) => {
    let got: Purl;
    try {
      got = parsePurl(candidate, { lenient: true });
    } catch (err) {
      if (isCoreError(err, 'PURL_INVALID')) return false;
      throw err;
    }
    if (got.type !== want.type || got.namespace !== want.namespace || got.name !== want.name) return false;
    if (version !== null) {
      if (got.version === null) return false;
      if (prefix !== null ? !got.version.startsWith(prefix) : got.version !== version) return false;
    }
    for (const [key, value] of Object.entries(want.qualifiers ?? {})) {
      if (got.qualifiers?.[key] !== value) return false;
    }
    return want.subpath === null || got.subpath === want.subpath;
  };
}

/**
 * True when `purl` matches `pattern` (see {@link createPurlMatcher}): `pkg:npm/lodash` matches
 * every version of lodash, `pkg:npm/lodash@4.*` every 4.x version.
 * @throws CoreError `PURL_INVALID` when `pattern` is not a valid purl.
 */
export function purlMatches(pattern: string, purl: string): boolean {
  return createPurlMatcher(pattern)(purl);
}
