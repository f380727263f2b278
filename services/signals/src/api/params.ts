import { assertUlid } from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import type { Request } from 'express';

const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** A path parameter that must be a ULID (contract §10.1): 400 `ULID_INVALID` otherwise. */
export function ulidParam(req: Request, name: string): string {
  const value = req.params[name];
  assertUlid(value, name);
  return value;
}

/** A `sha256:<64 hex>` digest (contract §10.2): 400 `DIGEST_INVALID` otherwise. */
export function sha256Value(value: unknown, name: string): string {
  if (typeof value !== 'string' || !SHA256.test(value)) {
    throw problems.badRequest('DIGEST_INVALID', `${name} must be sha256: and 64 lower-case hex digits`);
  }
  return value;
}

/** One query parameter given at most once: 400 `QUERY_INVALID` when repeated. */
export function queryParam(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw problems.badRequest('QUERY_INVALID', `${name} must be given once`);
  return value;
}

/** A boolean query parameter (`true`/`false`/`1`/`0`). */
export function boolParam(req: Request, name: string): boolean {
  const v = queryParam(req, name);
  if (v === undefined || v === '' || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw problems.badRequest('QUERY_INVALID', `${name} must be true or false`);
}

/** A page size between 1 and `max`. */
export function limitParam(req: Request, dflt: number, max: number): number {
  const v = queryParam(req, 'limit');
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > max) {
    throw problems.badRequest('QUERY_INVALID', `limit must be an integer from 1 to ${max}`);
  }
  return n;
}

/** An RFC 3339 timestamp with a zone (`since`). */
export function timestampParam(req: Request, name: string): Date | undefined {
  const v = queryParam(req, name);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(v) || Number.isNaN(ms)) {
    throw problems.badRequest(
      'QUERY_INVALID',
      `${name} must be an RFC 3339 timestamp, e.g. 2025-12-19T10:00:00Z`,
    );
  }
  return new Date(ms);
}
