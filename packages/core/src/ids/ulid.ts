import { decodeTime, monotonicFactory } from 'ulid';
import { CoreError } from '../error.js';

// Contract §10.1: 26 characters of Crockford base32, upper case only (no I, L, O, U); the first
// character is 0–7 because the 48-bit timestamp fills only 3 of its 5 bits. Same as the schemas.
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

// One process-wide monotonic factory: ids made in the same millisecond increment the random
// part instead of drawing a new one, so they still sort in creation order.
const nextUlid = monotonicFactory();

/**
 * A new ULID: 48-bit millisecond timestamp plus 80 random bits, upper-case Crockford base32.
 * Ids from this process sort in creation order, also within one millisecond.
 */
export function newUlid(): string {
  return nextUlid();
}

/** True when `s` is a ULID in its canonical form (upper case, first character 0–7). */
export function isUlid(s: unknown): s is string {
  return typeof s === 'string' && ULID.test(s);
}

/**
 * Throws unless `s` is a canonical ULID.
 * @param what names the value in the error message (`graphId`, ...).
 * @throws CoreError `ULID_INVALID`
 */
export function assertUlid(s: unknown, what = 'ULID'): asserts s is string {
  if (!isUlid(s)) {
    const shown = typeof s === 'string' ? JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s) : typeof s;
    throw new CoreError({ code: 'ULID_INVALID', message: `${what} is not a valid ULID: ${shown}` });
  }
}

/**
 * The creation time encoded in a ULID, in milliseconds since the Unix epoch.
 * @throws CoreError `ULID_INVALID` when `id` is not a canonical ULID.
 */
export function ulidTimestamp(id: string): number {
  assertUlid(id, 'id');
  return decodeTime(id);
}
