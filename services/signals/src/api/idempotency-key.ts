import { problems } from '@stella-ops/service-kit';
import type { Request } from 'express';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The request's `Idempotency-Key` (IETF draft-ietf-httpapi-idempotency-key-header), or undefined
 * when none was sent: 1–255 visible ASCII characters, bare or as a quoted structured-field string.
 * 400 `IDEMPOTENCY_KEY_INVALID` otherwise.
 */
export function idempotencyKey(req: Request): string | undefined {
  const raw = req.get('idempotency-key');
  if (raw === undefined) return undefined;
  let key = raw.trim();
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1);
  if (!KEY.test(key)) {
    throw problems.badRequest(
      'IDEMPOTENCY_KEY_INVALID',
      'Idempotency-Key must be 1–255 visible ASCII characters',
    );
  }
  return key;
}

/** True when `err` is PostgreSQL's unique violation of `constraint` (a concurrent retry won). */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: unknown; constraint?: unknown } | null;
  return e !== null && typeof e === 'object' && e.code === '23505' && e.constraint === constraint;
}
