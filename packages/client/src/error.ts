import type { Problem } from '@stella-ops/core';

/**
 * Codes the client itself raises (the server's problem codes pass through unchanged):
 * `DIGEST_MISMATCH` (downloaded bytes do not hash to the digest they were asked for or announced
 * with), `TIMEOUT` (an attempt exceeded `timeoutMs`), `NETWORK_ERROR` (no HTTP answer),
 * `ABORTED` (the caller's signal fired), `RESPONSE_INVALID` (an answer the client cannot read),
 * `HEADER_CONFLICT` (a call graph header disagrees with the purl or language given).
 */
export type ClientErrorCode =
  | 'DIGEST_MISMATCH'
  | 'TIMEOUT'
  | 'NETWORK_ERROR'
  | 'ABORTED'
  | 'RESPONSE_INVALID'
  | 'HEADER_CONFLICT';

/**
 * An error from a service call: the server's RFC 9457 problem (with its stable `code`), or a
 * problem the client made up for a failure on its side (then `status` is 0).
 */
export class StellaApiError extends Error {
  /** The HTTP status, or 0 when the client raised the error (timeouts, digest mismatches, ...). */
  readonly status: number;
  /** The problem's stable code, e.g. `GRAPH_NOT_FOUND`, `UNAUTHORIZED`, `DIGEST_MISMATCH`. */
  readonly code: string;
  /** The problem+json body (synthesised when the server sent none). */
  readonly problem: Problem;
  /** Seconds the server asked to wait (`Retry-After`), when it said. */
  readonly retryAfterSeconds?: number;

  constructor(problem: Problem, opts: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(problem.detail ? `${problem.code}: ${problem.detail}` : `${problem.code}: ${problem.title}`, {
      cause: opts.cause,
    });
    this.name = 'StellaApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    if (opts.retryAfterSeconds !== undefined) this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

/** Raised when downloaded bytes do not hash to the digest they should have. */
export class DigestMismatchError extends StellaApiError {
  /** The digest the bytes should have. */
  readonly expected: string;
  /** The digest they have. */
  readonly actual: string;

  constructor(expected: string, actual: string, what: string) {
    super({
      type: 'urn:stella:client:digest-mismatch',
      title: 'Digest mismatch',
      status: 0,
      code: 'DIGEST_MISMATCH',
      detail: `${what}: expected ${expected}, got ${actual}`,
    });
    this.name = 'DigestMismatchError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** A client-side error (status 0) with one of the {@link ClientErrorCode}s. */
export function clientError(code: ClientErrorCode, detail: string, cause?: unknown): StellaApiError {
  return new StellaApiError(
    {
      type: `urn:stella:client:${code.toLowerCase().replace(/_/g, '-')}`,
      title: code,
      status: 0,
      code,
      detail,
    },
    { cause },
  );
}

/** True for a {@link StellaApiError} (also across package copies). */
export function isStellaApiError(err: unknown): err is StellaApiError {
  return err instanceof StellaApiError || (err instanceof Error && err.name === 'StellaApiError');
}
