/** Every failure the core library reports, as a stable code callers can switch on. */
export type CoreErrorCode =
  | 'CANONICAL_JSON_INVALID'
  | 'DSSE_VERIFICATION_FAILED'
  | 'DSSE_ENVELOPE_INVALID'
  | 'KEY_INVALID'
  | 'SIGSTORE_BUNDLE_INVALID'
  | 'SIGSTORE_VERIFICATION_FAILED'
  | 'IN_TOTO_STATEMENT_INVALID'
  | 'PURL_INVALID'
  | 'ULID_INVALID'
  | 'SCHEMA_INVALID'
  | 'SCHEMA_UNKNOWN'
  | 'DIGEST_INVALID';

/** One schema violation: where it is (RFC 6901 JSON pointer) and what is wrong. */
export interface SchemaIssue {
  /** JSON pointer to the offending value; `''` is the document root. */
  pointer: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `pattern`, ...). */
  keyword: string;
  message: string;
}

/** The error thrown by `@stella-ops/core`. Assert on `code`, never on `message`. */
export class CoreError extends Error {
  readonly code: CoreErrorCode;
  /** For `SCHEMA_INVALID`: every violation found, not only the first. */
  readonly issues?: SchemaIssue[];

  constructor(opts: { code: CoreErrorCode; message: string; cause?: unknown; issues?: SchemaIssue[] }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CoreError';
    this.code = opts.code;
    if (opts.issues) this.issues = opts.issues;
  }
}

/** True when `err` is a {@link CoreError}, optionally with the given code. */
export function isCoreError(err: unknown, code?: CoreErrorCode): err is CoreError {
  return err instanceof CoreError && (code === undefined || err.code === code);
}
