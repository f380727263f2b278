import type { RequestHandler } from 'express';

/** A dependency the service needs to serve traffic (Postgres, Redis, S3). */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects or times out when it does not. */
  check(): Promise<void>;
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** `GET /healthz`: the process is alive. */
export const healthz: RequestHandler = (_req, res) => {
  res.json({ status: 'ok' });
};

/** `GET /readyz`: 200 when every check passes, 503 naming the ones that fail. */
export function readyz(checks: ReadinessCheck[], timeoutMs = 2000): RequestHandler {
  return (_req, res) => {
    Promise.all(
      checks.map(async (c) => {
        try {
          await withTimeout(c.check(), timeoutMs);
          return [c.name, 'ok'] as const;
        } catch {
          return [c.name, 'unavailable'] as const;
        }
      }),
    ).then((results) => {
      const ok = results.every(([, s]) => s === 'ok');
      res
        .status(ok ? 200 : 503)
        .json({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
    });
  };
}
