import { isStellaApiError } from '@stella-ops/client';
import { isCoreError } from '@stella-ops/core';
import { isGraphError } from '@stella-ops/graph';
import { EXIT, type ExitCode } from './exit-codes.js';

/** A failure of the command itself, with the exit code it ends with. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode = EXIT.ERROR, cause?: unknown) {
    super(message, { cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A usage error (exit 2). */
export function usage(message: string): CliError {
  return new CliError('USAGE', message, EXIT.USAGE);
}

/** Codes, from the services or from local checks, that mean "did not verify" (exit 3). */
const VERIFICATION_CODES = new Set([
  'DIGEST_MISMATCH',
  'SIGNATURE_INVALID',
  'ENVELOPE_INVALID',
  'BLOB_INTEGRITY_FAILED',
  'MANIFEST_INTEGRITY_FAILED',
  'ATTESTATION_INTEGRITY_FAILED',
  'PROVENANCE_INTEGRITY_FAILED',
  'PROVENANCE_HASH_MISMATCH',
  'DSSE_VERIFICATION_FAILED',
  'DSSE_ENVELOPE_INVALID',
  'SIGSTORE_VERIFICATION_FAILED',
  'SIGSTORE_BUNDLE_INVALID',
  'REPLAY_MISMATCH',
]);

/** What an error is reported as: a stable code, a message, the exit code and any details. */
export interface Failure {
  code: string;
  message: string;
  exitCode: ExitCode;
  status?: number;
  details?: unknown[];
}

/** Classifies any thrown value into a {@link Failure}. */
export function toFailure(err: unknown): Failure {
  if (err instanceof CliError) return { code: err.code, message: err.message, exitCode: err.exitCode };
  if (isStellaApiError(err)) {
    const exitCode: ExitCode =
      err.status === 404 || err.status === 410
        ? EXIT.NOT_FOUND
        : VERIFICATION_CODES.has(err.code)
          ? EXIT.VERIFICATION_FAILED
          : err.code === 'HEADER_CONFLICT'
            ? EXIT.USAGE
            : EXIT.ERROR;
    return {
      code: err.code,
      message: err.problem.detail ?? err.problem.title,
      exitCode,
      ...(err.status ? { status: err.status } : {}),
      ...(err.problem.errors ? { details: err.problem.errors } : {}),
    };
  }
  if (isCoreError(err)) {
    return {
      code: err.code,
      message: err.message,
      exitCode: VERIFICATION_CODES.has(err.code) ? EXIT.VERIFICATION_FAILED : EXIT.ERROR,
      ...(err.issues && err.issues.length > 0 ? { details: err.issues } : {}),
    };
  }
  if (isGraphError(err)) {
    return {
      code: err.code,
      message: err.message,
      exitCode: err.code === 'QUERY_INVALID' ? EXIT.USAGE : EXIT.ERROR,
    };
  }
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOENT' || errno === 'EISDIR' || errno === 'EACCES') {
    return { code: 'FILE_UNREADABLE', message: (err as Error).message, exitCode: EXIT.ERROR };
  }
  if (err instanceof SyntaxError) return { code: 'JSON_INVALID', message: err.message, exitCode: EXIT.ERROR };
  return {
    code: 'INTERNAL',
    message: err instanceof Error ? err.message : String(err),
    exitCode: EXIT.ERROR,
  };
}
