import { CoreError } from '../error.js';

// Characters a canonical purl never percent-encodes (purl-spec "Character encoding"): the
// alphanumerics, the punctuation `.-_~`, and the colon, whether or not it is used as a separator.
const UNENCODED = /^[A-Za-z0-9.\-_~:]$/;
const UTF8 = new TextEncoder();

/** Percent-encodes one purl component (or segment) for the canonical form, from its UTF-8 bytes. */
export function percentEncode(value: string): string {
  let out = '';
  for (const ch of value) {
    if (UNENCODED.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of UTF8.encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Decodes the percent-encoded octets of one component as UTF-8. `+` stays a plus sign (purls are
 * not form-encoded); a malformed escape or invalid UTF-8 is a `PURL_INVALID` error.
 */
export function percentDecode(value: string, what: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (cause) {
    throw new CoreError({ code: 'PURL_INVALID', message: `invalid percent-encoding in ${what}`, cause });
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `value` is well-formed UTF-16, so it has a UTF-8 encoding a purl can carry. */
export function isWellFormed(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}
