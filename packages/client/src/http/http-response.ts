import { clientError, isStellaApiError, type StellaApiError } from '../error.js';
import type { IdleTimer } from './idle-timer.js';

/** What a failed body read turns into: a timeout, the caller's abort, or a network error. */
export type FailureClassifier = (err: unknown) => StellaApiError;

/**
 * A successful answer whose body is still to be read. Reading applies the idle timeout between
 * chunks; read the body once (`chunks`, `bytes`, `text` or `json`) or `discard()` it.
 */
export class HttpResponse {
  /** The HTTP status. */
  readonly status: number;
  /** The response headers. */
  readonly headers: Headers;

  constructor(
    private readonly res: Response,
    private readonly timer: IdleTimer,
    private readonly classify: FailureClassifier,
    private readonly done: () => void,
  ) {
    this.status = res.status;
    this.headers = res.headers;
  }

  /** The body as it arrives. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    const body = this.res.body;
    if (!body) {
      this.finish();
      return;
    }
    const reader = body.getReader();
    try {
      for (;;) {
        this.timer.reset();
        let step: Awaited<ReturnType<typeof reader.read>>;
        try {
          step = await reader.read();
        } catch (err) {
          throw isStellaApiError(err) ? err : this.classify(err);
        }
        if (step.done) return;
        yield step.value;
      }
    } finally {
      this.finish();
      reader.cancel().catch(() => {});
    }
  }

  /** The whole body. */
  async bytes(): Promise<Buffer> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.chunks()) parts.push(chunk);
    return Buffer.concat(parts);
  }

  /** The whole body as UTF-8 text. */
  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  /** The body parsed as JSON (`RESPONSE_INVALID` when it is not). */
  async json<T>(): Promise<T> {
    const text = await this.text();
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw clientError('RESPONSE_INVALID', `the answer is not JSON: ${text.slice(0, 200)}`, err);
    }
  }

  /** Drops the body unread. */
  async discard(): Promise<void> {
    this.finish();
    await this.res.body?.cancel().catch(() => {});
  }

  private finished = false;
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.timer.stop();
    this.done();
  }
}
