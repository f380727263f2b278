import { isStellaApiError } from '@stella-ops/client';
import { HttpProblem } from '@stella-ops/service-kit';

/**
 * Stable codes for inputs fetched from Signals (build and replay):
 * - `INPUT_NOT_FOUND` (422): Signals (or ReachGraph's own input store) has no such input;
 * - `INPUT_DIGEST_MISMATCH` (502): content does not hash to the digest that names it, or Signals
 *   reports its stored copy failed its integrity check;
 * - `INPUT_TRUNCATED` (502): Signals ended a call graph download without delivering it (it does
 *   when the stored bytes fail its digest check while streaming);
 * - `INPUT_SIGNATURE_INVALID` (502): a manifest or batch attestation is unsigned, or not signed by a
 *   trusted Signals key, or does not describe the content;
 * - `INPUT_MISMATCH` (422): inputs that do not belong together (a batch of another call graph);
 * - `SIGNALS_UNAVAILABLE` (503) / `SIGNALS_REJECTED` (502): Signals cannot be reached, or refuses
 *   ReachGraph's service token.
 */
export type InputProblemCode =
  | 'INPUT_NOT_FOUND'
  | 'INPUT_DIGEST_MISMATCH'
  | 'INPUT_TRUNCATED'
  | 'INPUT_SIGNATURE_INVALID'
  | 'INPUT_MISMATCH'
  | 'SIGNALS_UNAVAILABLE'
  | 'SIGNALS_REJECTED';

const STATUS: Record<InputProblemCode, number> = {
  INPUT_NOT_FOUND: 422,
  INPUT_DIGEST_MISMATCH: 502,
  INPUT_TRUNCATED: 502,
  INPUT_SIGNATURE_INVALID: 502,
  INPUT_MISMATCH: 422,
  SIGNALS_UNAVAILABLE: 503,
  SIGNALS_REJECTED: 502,
};

const TITLE: Record<InputProblemCode, string> = {
  INPUT_NOT_FOUND: 'Input not found',
  INPUT_DIGEST_MISMATCH: 'Input failed its digest check',
  INPUT_TRUNCATED: 'Input download cut short',
  INPUT_SIGNATURE_INVALID: 'Input failed its signature check',
  INPUT_MISMATCH: 'Inputs do not belong together',
  SIGNALS_UNAVAILABLE: 'Signals is unavailable',
  SIGNALS_REJECTED: 'Signals refused the request',
};

/** Seconds a client should wait before retrying a build while Signals is unavailable (503). */
const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * A problem about a build input. A 503 (Signals unavailable) carries `Retry-After`: Signals' own
 * when it sent one, else {@link DEFAULT_RETRY_AFTER_SECONDS}.
 */
export function inputProblem(
  code: InputProblemCode,
  detail: string,
  cause?: unknown,
  retryAfterSeconds?: number,
): HttpProblem {
  const status = STATUS[code];
  const headers: Record<string, string> =
    status === 503
      ? { 'Retry-After': String(Math.ceil(retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS)) }
      : {};
  return new HttpProblem({ status, code, title: TITLE[code], detail, cause, headers });
}

/** Signals' codes for stored content that failed its own checks. */
const SIGNATURE_CODES = new Set(['SIGNATURE_INVALID', 'ENVELOPE_INVALID', 'ATTESTATION_INTEGRITY_FAILED']);
const INTEGRITY_CODES = new Set([
  'BLOB_INTEGRITY_FAILED',
  'BLOB_DIGEST_MISMATCH',
  'BLOB_CORRUPT',
  'MANIFEST_INTEGRITY_FAILED',
  'PROVENANCE_INTEGRITY_FAILED',
  'DIGEST_MISMATCH',
]);

/** Turns a failed Signals call about `what` into the matching input problem. */
export function fromSignalsError(err: unknown, what: string): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (!isStellaApiError(err)) return inputProblem('SIGNALS_UNAVAILABLE', `${what}: ${String(err)}`, err);
  const said = `${what}: Signals answered ${err.status || 'nothing'} ${err.code}${err.problem.detail ? ` (${err.problem.detail})` : ''}`;
  if (err.status === 404 || err.status === 410) return inputProblem('INPUT_NOT_FOUND', said, err);
  if (SIGNATURE_CODES.has(err.code)) return inputProblem('INPUT_SIGNATURE_INVALID', said, err);
  if (INTEGRITY_CODES.has(err.code)) return inputProblem('INPUT_DIGEST_MISMATCH', said, err);
  if (err.status === 401 || err.status === 403) return inputProblem('SIGNALS_REJECTED', said, err);
  return inputProblem('SIGNALS_UNAVAILABLE', said, err, err.retryAfterSeconds);
}
