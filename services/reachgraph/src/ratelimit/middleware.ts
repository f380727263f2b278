import { HttpProblem, principalOf } from '@stella-ops/service-kit';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { RateLimitStore } from './rate-limit-store.js';

/** One limit: `limit` requests per minute for each tenant + principal. */
export interface LimitOptions {
  name: 'reads' | 'writes';
  limit: number;
  store: RateLimitStore;
  onLimited?: (name: string) => void;
}

/**
 * Per tenant+principal limits with IETF `RateLimit`/`RateLimit-Policy` headers (draft 8) on every
 * answer, and 429 `RATE_LIMITED` problem+json with `Retry-After` past the limit. Mount after auth.
 */
export function limitRequests(opts: LimitOptions): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: opts.limit,
    identifier: opts.name,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: opts.store,
    keyGenerator: (req) => {
      const p = principalOf(req);
      return `${opts.name}:${p.tenant}:${p.principal}`;
    },
    // Keys come from the verified token, never from the client address: the IP checks do not apply.
    validate: false,
    handler: (_req, res, next) => {
      opts.onLimited?.(opts.name);
      const retryAfter = String(res.getHeader('Retry-After') ?? '60');
      next(
        new HttpProblem({
          status: 429,
          code: 'RATE_LIMITED',
          title: 'Too many requests',
          detail: `more than ${opts.limit} ${opts.name} per minute for this tenant and principal`,
          headers: { 'Retry-After': retryAfter },
        }),
      );
    },
  });
}
