import { clientError, isStellaApiError, StellaApiError } from '../error.js';
import type { ResolvedOptions } from '../options.js';
import { isReplayable, type RequestBody, toFetchBody } from './body.js';
import { HttpResponse } from './http-response.js';
import { IdleTimer, sleep } from './idle-timer.js';
import { problemFrom } from './problem.js';
import { backoffDelayMs, parseRetryAfter } from './retry-after.js';

/** Query parameters; `undefined` ones are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** One HTTP call as the service clients describe it. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  /** The path below the base URL, starting with `/` (already percent-encoded). */
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** True when sending the request twice has the effect of sending it once (network errors are retried). */
  idempotent: boolean;
  signal?: AbortSignal;
}

/** Sends requests with authentication, timeouts and retries; turns error answers into {@link StellaApiError}s. */
export class Transport {
  constructor(
    readonly opts: ResolvedOptions,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  /** The absolute URL of `path` with `query`. */
  url(path: string, query: Query = {}): string {
    const url = new URL(this.opts.baseUrl + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.toString();
  }

  private async headers(req: HttpRequest): Promise<Headers> {
    const headers = new Headers(req.headers);
    headers.set('user-agent', this.opts.userAgent);
    if (!headers.has('accept')) headers.set('accept', 'application/json, application/problem+json');
    if (this.opts.token) headers.set('authorization', `Bearer ${await this.opts.token()}`);
    return headers;
  }

  /** Sends `req`, retrying as the options allow; resolves with a 2xx/304 answer, else throws. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const replayable = isReplayable(req.body);
    const url = this.url(req.path, req.query);
    for (let attempt = 0; ; attempt++) {
      if (req.signal?.aborted) throw clientError('ABORTED', 'the call was aborted', req.signal.reason);
      const ctl = new AbortController();
      const onAbort = () => ctl.abort(req.signal?.reason);
      req.signal?.addEventListener('abort', onAbort, { once: true });
      const release = () => req.signal?.removeEventListener('abort', onAbort);
      let timedOut = false;
      const timer = new IdleTimer(this.opts.timeoutMs, () => {
        timedOut = true;
        ctl.abort(new Error('timeout'));
      });
      const classify = (err: unknown): StellaApiError => {
        if (timedOut) return clientError('TIMEOUT', `no answer within ${this.opts.timeoutMs} ms`, err);
        if (req.signal?.aborted) return clientError('ABORTED', 'the call was aborted', err);
        const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
        return clientError('NETWORK_ERROR', `${req.method} ${url}: ${String(err)}${cause}`, err);
      };
      let init: RequestInit & { duplex?: 'half' };
      try {
        // The token provider and a body factory fail as themselves, never as network errors.
        const body = req.body === undefined ? undefined : await toFetchBody(req.body);
        init = {
          method: req.method,
          headers: await this.headers(req),
          signal: ctl.signal,
          ...(body ? { body: body.init } : {}),
          ...(body?.streaming ? { duplex: 'half' } : {}),
        };
      } catch (err) {
        timer.stop();
        release();
        throw err;
      }
      let res: Response;
      try {
        res = await this.opts.fetch(url, init);
      } catch (err) {
        timer.stop();
        release();
        // A failure of the client's own making inside a streamed body (e.g. HEADER_CONFLICT) keeps its code.
        const own = isStellaApiError(err)
          ? err
          : err instanceof Error && isStellaApiError(err.cause)
            ? err.cause
            : undefined;
        if (own) throw own;
        const failure = classify(err);
        if (failure.code !== 'ABORTED' && req.idempotent && replayable && attempt < this.opts.retries) {
          await this.wait(
            backoffDelayMs(attempt, this.opts.retryBaseDelayMs, this.opts.maxRetryDelayMs, this.random),
            req,
          );
          continue;
        }
        throw failure;
      }
      if (res.ok || res.status === 304) return new HttpResponse(res, timer, classify, release);

      const retryAfterSeconds = parseRetryAfter(res.headers.get('retry-after'), this.now());
      let text = '';
      try {
        text = await res.text();
      } catch {
        // the problem body is a courtesy: the status alone still says what happened
      }
      timer.stop();
      release();
      const error = new StellaApiError(problemFrom(res.status, res.statusText, text), {
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      });
      if ((res.status === 429 || res.status === 503) && replayable && attempt < this.opts.retries) {
        const delay =
          retryAfterSeconds !== undefined
            ? retryAfterSeconds * 1000
            : backoffDelayMs(attempt, this.opts.retryBaseDelayMs, this.opts.maxRetryDelayMs, this.random);
        if (delay <= this.opts.maxRetryDelayMs) {
          await this.wait(delay, req);
          continue;
        }
      }
      throw error;
    }
  }

  private async wait(ms: number, req: HttpRequest): Promise<void> {
    try {
      await sleep(ms, req.signal);
    } catch (err) {
      throw clientError('ABORTED', 'the call was aborted', err);
    }
  }

  /** Sends `req` and parses the JSON answer. */
  async json<T>(req: HttpRequest): Promise<T> {
    return (await this.send(req)).json<T>();
  }
}
