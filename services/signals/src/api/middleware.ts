import { HttpProblem, problems } from '@stella-ops/service-kit';
import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context.js';

/** Stamps the arrival time before anything else runs (a batch's `receivedAt`, contract §5.1). */
export const stampArrival: RequestHandler = (_req, res, next) => {
  res.locals['receivedAt'] = new Date();
  next();
};

/** When the request arrived. */
export function receivedAt(res: Response): Date {
  return (res.locals['receivedAt'] as Date | undefined) ?? new Date();
}

/** Uploads answer 503 `CAS_READ_ONLY` while `CAS.WriteEnabled` is false. */
export function requireWritable(ctx: AppContext): RequestHandler {
  return (_req, _res, next) => {
    if (ctx.cfg.cas.writeEnabled) return next();
    next(
      new HttpProblem({
        status: 503,
        code: 'CAS_READ_ONLY',
        title: 'Service unavailable',
        detail: 'uploads are disabled (Signals.CAS.WriteEnabled is false)',
        headers: { 'Retry-After': '60' },
      }),
    );
  };
}

const NDJSON_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/jsonlines',
];

/** The body kind from `Content-Type`: 415 for anything but NDJSON (and JSON where allowed). */
export function bodyKind(req: Request, allowJson: boolean): 'ndjson' | 'json' {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (NDJSON_TYPES.includes(type)) return 'ndjson';
  if (allowJson && (type === 'application/json' || type.endsWith('+json'))) return 'json';
  throw problems.unsupportedMediaType(
    `Content-Type must be application/x-ndjson${allowJson ? ' or application/json' : ''}`,
  );
}
