import type { ClientRateLimitInfo, IncrementResponse, Options } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { RateLimitStore } from './rate-limit-store.js';

/**
 * Uses the shared store and, while it fails (Redis down), an in-process one: limits keep holding
 * per replica instead of failing open or failing every request.
 */
export class FailoverRateLimitStore implements RateLimitStore {
  readonly localKeys = false;
  private failing = false;

  constructor(
    private readonly primary: RateLimitStore,
    private readonly fallback: RateLimitStore,
    private readonly logger: Logger,
  ) {}

  init(options: Options): void {
    void this.primary.init?.(options);
    void this.fallback.init?.(options);
  }

  private async attempt<T>(use: (s: RateLimitStore) => Promise<T> | T): Promise<T> {
    try {
      const result = await use(this.primary);
      if (this.failing) {
        this.failing = false;
        this.logger.info('shared rate-limit store is back');
      }
      return result;
    } catch (err) {
      if (!this.failing) {
        this.failing = true;
        this.logger.warn({ err }, 'shared rate-limit store failed: limiting per replica until it is back');
      }
      return use(this.fallback);
    }
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.attempt((s) => s.increment(key));
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.attempt((s) => s.get?.(key));
  }

  decrement(key: string): Promise<void> {
    return this.attempt((s) => s.decrement(key));
  }

  resetKey(key: string): Promise<void> {
    return this.attempt((s) => s.resetKey(key));
  }

  async shutdown(): Promise<void> {
    await this.fallback.shutdown?.();
  }
}
