export { formatPurl, isPurl, normalizePurl, parsePurl } from './purl.js';
export { createPurlMatcher, purlMatches } from './purl-match.js';
export type { ParsePurlOptions, Purl, PurlComponents } from './purl-model.js';
export { assertUlid, isUlid, newUlid, ulidTimestamp } from './ulid.js';
