import { parseJsonBody } from '@stella-ops/service-kit';
import { asciiText } from './json-text.js';

/**
 * `parseJsonBody` (400 BODY_ENCODING_INVALID / JSON_INVALID alike), quicker for the usual body that
 * is all ASCII (see {@link asciiText}). Any other body, and any body that fails to parse, goes
 * through `parseJsonBody` itself, so every answer is the same.
 */
export function parseJsonBytes(body: Buffer): unknown {
  const text = asciiText(body);
  if (text !== undefined) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // parseJsonBody answers it
    }
  }
  return parseJsonBody(body);
}
