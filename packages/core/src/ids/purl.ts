import { isCoreError } from '../error.js';
import { draftFromComponents, toCanonicalString } from './purl-format.js';
import type { ParsePurlOptions, Purl, PurlComponents } from './purl-model.js';
import { normalizeDraft } from './purl-normalize.js';
import { splitPurl } from './purl-parse.js';

/**
 * Parses a Package URL (contract §10.5) into decoded, normalised components: the type's case
 * rules applied (`pkg:PYPI/Django_package` → type `pypi`, name `django-package`), qualifiers
 * sorted by key, absent parts `null`. Types not registered with purl-spec follow the generic rules.
 * @throws CoreError `PURL_INVALID` when `s` is not a valid purl for its type.
 * @example parsePurl('pkg:npm/%40acme/backend@1.2.3') // {type: 'npm', namespace: '@acme', name: 'backend', ...}
 */
export function parsePurl(s: string, options: ParsePurlOptions = {}): Purl {
  return normalizeDraft(splitPurl(s, options.lenient === true));
}

/**
 * The canonical form of a purl string: `formatPurl(parsePurl(s, options))`. Two purls name the
 * same package exactly when their canonical forms are equal.
 * @throws CoreError `PURL_INVALID` when `s` is not a valid purl.
 * @example normalizePurl('pkg:Maven/org.apache.commons/io') // 'pkg:maven/org.apache.commons/io'
 */
export function normalizePurl(s: string, options: ParsePurlOptions = {}): string {
  return toCanonicalString(parsePurl(s, options));
}

/**
 * Builds the canonical purl string from decoded components (a {@link Purl} or a hand-made
 * {@link PurlComponents}), applying the same type rules as {@link parsePurl}.
 * @throws CoreError `PURL_INVALID` when the components do not make a valid purl.
 * @example formatPurl({type: 'npm', namespace: '@angular', name: 'core'}) // 'pkg:npm/%40angular/core'
 */
export function formatPurl(components: PurlComponents): string {
  return toCanonicalString(normalizeDraft(draftFromComponents(components)));
}

/** True when `s` is a string that {@link parsePurl} accepts (strictly, by default). */
export function isPurl(s: unknown, options: ParsePurlOptions = {}): s is string {
  if (typeof s !== 'string') return false;
  try {
    parsePurl(s, options);
    return true;
  } catch (err) {
    if (isCoreError(err, 'PURL_INVALID')) return false;
    throw err;
  }
}
