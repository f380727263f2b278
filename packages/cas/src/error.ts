/** Every failure the blob store reports, as a stable code callers can switch on. */
export type CasErrorCode =
  /** The key (or list prefix) breaks the key rules; see `validateKey`. */
  | 'BLOB_KEY_INVALID'
  /** User metadata or content type that cannot be stored (reserved name, non-ASCII, too big). */
  | 'BLOB_METADATA_INVALID'
  /** A `list` cursor that this store did not hand out. */
  | 'BLOB_CURSOR_INVALID'
  /** No object under that key. */
  | 'BLOB_NOT_FOUND'
  /** The stored bytes do not match the digest recorded at `put` (or cannot be verified at all). */
  | 'BLOB_DIGEST_MISMATCH'
  /** Content larger than the caller's limit (for zstd: a decompression bomb). */
  | 'BLOB_TOO_LARGE'
  /** Bytes that are not valid zstd. */
  | 'BLOB_COMPRESSION_INVALID'
  /** The backend cannot be reached or is failing (connection refused, timeout, 5xx, no bucket): retry later, HTTP 503. */
  | 'BLOB_STORE_UNAVAILABLE'
  /** The backend refused the request for another reason (access denied, bad request, disk error). */
  | 'BLOB_STORE_ERROR';

/** The error thrown by `@stella-ops/cas`. Assert on `code`, never on `message`. */
export class CasError extends Error {
  readonly code: CasErrorCode;
  /** The key the operation was about, when there is one. */
  readonly key?: string;

  constructor(opts: { code: CasErrorCode; message: string; key?: string; cause?: unknown }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CasError';
    this.code = opts.code;
    if (opts.key !== undefined) this.key = opts.key;
  }
}

/** True when `err` is a {@link CasError}, optionally with the given code. */
export function isCasError(err: unknown, code?: CasErrorCode): err is CasError {
  return err instanceof CasError && (code === undefined || err.code === code);
}
