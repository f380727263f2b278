import { CasError } from './error.js';

/** User metadata names the stores use themselves. */
export const RESERVED_METADATA = new Set(['sha256', 'uncompressed-size']);
/** Total bytes of user metadata (names + values); S3 allows 2 KB including the store's own fields. */
export const MAX_METADATA_BYTES = 1800;

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;
const CONTENT_TYPE = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

function invalid(message: string, key: string): CasError {
  return new CasError({ code: 'BLOB_METADATA_INVALID', message, key });
}

/**
 * Checks user metadata and a content type so they round-trip unchanged through S3 headers and the
 * filesystem store alike: names are lowercase `[a-z0-9-]` (at most 64), values printable ASCII with
 * no leading or trailing space, at most {@link MAX_METADATA_BYTES} in all; `sha256` and
 * `uncompressed-size` are reserved. Throws `CasError` `BLOB_METADATA_INVALID`.
 */
export function validatePutOptions(
  key: string,
  metadata: Record<string, string> | undefined,
  contentType: string | undefined,
): void {
  if (contentType !== undefined && !CONTENT_TYPE.test(contentType)) {
    throw invalid('content type must be 1-255 printable ASCII characters', key);
  }
  if (metadata === undefined) return;
  let bytes = 0;
  for (const [name, value] of Object.entries(metadata)) {
    if (!NAME.test(name)) throw invalid(`metadata name "${name}" must be lowercase [a-z0-9-]`, key);
    if (RESERVED_METADATA.has(name)) throw invalid(`metadata name "${name}" is reserved`, key);
    if (typeof value !== 'string' || !VALUE.test(value)) {
      throw invalid(`metadata "${name}" must be printable ASCII without surrounding spaces`, key);
    }
    bytes += name.length + value.length;
  }
  if (bytes > MAX_METADATA_BYTES) throw invalid(`metadata exceeds ${MAX_METADATA_BYTES} bytes`, key);
}
