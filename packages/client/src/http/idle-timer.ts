/** Fires `onTimeout` when `reset()` has not been called for `ms` milliseconds. */
export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly onTimeout: () => void,
  ) {
    this.reset();
  }

  /** Starts the countdown again. */
  reset(): void {
    this.stop();
    this.timer = setTimeout(this.onTimeout, this.ms);
    this.timer.unref?.();
  }

  /** Stops the countdown for good (until the next `reset()`). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Waits `ms` milliseconds; rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
