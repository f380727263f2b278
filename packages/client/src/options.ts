/** Returns the bearer token for the next request (called once per attempt, so it may refresh). */
export type TokenProvider = () => string | Promise<string>;

/** How a client reaches a service. */
export interface ClientOptions {
  /** The service root, e.g. `http://127.0.0.1:8081` (the client adds `/signals/...` or `/v1/reachgraphs/...`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; a provider is asked before every attempt. */
  token?: string | TokenProvider;
  /** Per attempt, until the answer's headers arrive and then between body chunks (default 30 000). */
  timeoutMs?: number;
  /**
   * Retries on 429 and 503 (any request whose body can be sent again) and on network errors and
   * timeouts (idempotent requests only); default 3.
   */
  retries?: number;
  /** The longest wait between attempts; a `Retry-After` longer than this is not waited for (default 30 000). */
  maxRetryDelayMs?: number;
  /** The first backoff delay without `Retry-After`, doubled each attempt, with full jitter (default 200). */
  retryBaseDelayMs?: number;
  /** The fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
  /** `User-Agent` header (default `stella-client/0.1.0`). */
  userAgent?: string;
}

/** Per-call options every method accepts. */
export interface CallOptions {
  /** Cancels the call (and any retry wait). */
  signal?: AbortSignal;
}

/** {@link ClientOptions} with defaults applied. */
export interface ResolvedOptions {
  baseUrl: string;
  token: TokenProvider | undefined;
  timeoutMs: number;
  retries: number;
  maxRetryDelayMs: number;
  retryBaseDelayMs: number;
  fetch: typeof fetch;
  userAgent: string;
}

/** Applies the defaults. */
export function resolveOptions(opts: ClientOptions): ResolvedOptions {
  const token = opts.token;
  return {
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    token: token === undefined ? undefined : typeof token === 'string' ? () => token : token,
    timeoutMs: opts.timeoutMs ?? 30_000,
    retries: opts.retries ?? 3,
    maxRetryDelayMs: opts.maxRetryDelayMs ?? 30_000,
    retryBaseDelayMs: opts.retryBaseDelayMs ?? 200,
    fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
    userAgent: opts.userAgent ?? 'stella-client/0.1.0',
  };
}
