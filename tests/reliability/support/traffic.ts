/** What one HTTP attempt against a service ended as. */
export interface Outcome {
  /** HTTP status, 0 when the connection failed (refused, reset), -1 when the client gave up waiting. */
  status: number;
  retryAfter: string | null;
  contentType: string | null;
  code: string | undefined;
  ms: number;
  body: Buffer;
}

/** One request with a deadline: a service that hangs shows up as status -1, never a stuck test. */
export async function attempt(
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<Outcome> {
  const started = performance.now();
  const { timeoutMs = 20_000, ...rest } = init;
  try {
    const res = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
    const body = Buffer.from(await res.arrayBuffer());
    const contentType = res.headers.get('content-type');
    let code: string | undefined;
    if (contentType?.startsWith('application/problem+json')) {
      code = (JSON.parse(body.toString('utf8')) as { code?: string }).code;
    }
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      contentType,
      code,
      ms: performance.now() - started,
      body,
    };
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return {
      status: timedOut ? -1 : 0,
      retryAfter: null,
      contentType: null,
      code: undefined,
      ms: performance.now() - started,
      body: Buffer.alloc(0),
    };
  }
}

/** The class an outcome counts under in the figures. */
export function classify(o: Outcome): string {
  if (o.status >= 200 && o.status < 300) return '2xx';
  if (o.status === 503) {
    return o.retryAfter !== null && o.contentType?.startsWith('application/problem+json')
      ? `503 ${o.code}`
      : '503 without Retry-After/problem';
  }
  if (o.status === 0) return 'connection failed';
  if (o.status === -1) return 'no answer (timeout)';
  return `${o.status} ${o.code ?? ''}`.trim();
}

/** Attempts and outcome classes per scenario and operation, for the figures in RELIABILITY.md. */
export class Tally {
  readonly counts: Record<string, Record<string, Record<string, number>>> = {};
  readonly maxMs: Record<string, number> = {};

  add(scenario: string, operation: string, o: Outcome): Outcome {
    const ops = this.counts[scenario] ?? {};
    this.counts[scenario] = ops;
    const classes = ops[operation] ?? {};
    ops[operation] = classes;
    const c = classify(o);
    classes[c] = (classes[c] ?? 0) + 1;
    if (o.status !== 0) this.maxMs[scenario] = Math.max(this.maxMs[scenario] ?? 0, Math.round(o.ms));
    return o;
  }

  /** Every class seen in `scenario` (all operations). */
  classes(scenario: string): Set<string> {
    return new Set(Object.values(this.counts[scenario] ?? {}).flatMap((c) => Object.keys(c)));
  }
}

/** Runs `work` on `n` parallel workers until `stop()` is true; resolves when all have finished. */
export async function workers(
  n: number,
  stop: () => boolean,
  work: (worker: number, i: number) => Promise<void>,
) {
  await Promise.all(
    Array.from({ length: n }, async (_, w) => {
      for (let i = 0; !stop(); i++) await work(w, i);
    }),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
