import { fail } from '../error.js';
import type { Direction, ObservedFilter } from './types.js';

// Checks of slice query fields; every failure is QUERY_INVALID.

/** The vulnerability id pattern of common.v1 (`vulnerabilityId`). */
export const VULNERABILITY_ID =
  /^(CVE-[0-9]{4}-[0-9]{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|[A-Z][A-Z0-9]*-[A-Za-z0-9._:-]{1,100})$/;

const MAX_TEXT = 2048;

function bad(message: string): never {
  fail('QUERY_INVALID', message);
}

/** The query must be an object with only `allowed` keys (`type` is always allowed). */
export function checkKeys(query: unknown, allowed: readonly string[], kind: string): Record<string, unknown> {
  if (query === null || typeof query !== 'object' || Array.isArray(query))
    bad('a slice query must be an object');
  for (const key of Object.keys(query)) {
    if (key !== 'type' && !allowed.includes(key)) bad(`${key} does not apply to a ${kind} slice`);
  }
  return query as Record<string, unknown>;
}

/** A required non-empty string of at most 2048 characters. */
export function checkText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) bad(`${name} must be a non-empty string`);
  if (value.length > MAX_TEXT) bad(`${name} is longer than ${MAX_TEXT} characters`);
  return value;
}

/** An optional depth, 1–10. */
export function checkDepth(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10) {
    bad('depth must be an integer from 1 to 10');
  }
  return value;
}

/** An optional direction. */
export function checkDirection(value: unknown): Direction {
  if (value === undefined) return 'both';
  if (value !== 'upstream' && value !== 'downstream' && value !== 'both') {
    bad('direction must be upstream, downstream or both');
  }
  return value;
}

/** An optional observed filter. */
export function checkObserved(value: unknown): ObservedFilter | undefined {
  if (value === undefined) return undefined;
  if (value !== 'only' && value !== 'exclude') bad('observed must be only or exclude');
  return value;
}

/** An optional boolean flag. */
export function checkFlag(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') bad(`${name} must be a boolean`);
  return value;
}

const CVE_ID = /^CVE-[0-9]{4}-[0-9]{4,}$/;
const GHSA_ID = /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/;

/**
 * A vulnerability id (common.v1 `vulnerabilityId`); ids that start like a CVE or GHSA id must be
 * well-formed ones (`CVE-21-1234` is rejected although the generic `PREFIX-…` form would admit it).
 */
export function checkVulnerabilityId(value: unknown): string {
  const malformed =
    typeof value !== 'string' ||
    !VULNERABILITY_ID.test(value) ||
    (value.startsWith('CVE-') && !CVE_ID.test(value)) ||
    (value.startsWith('GHSA-') && !GHSA_ID.test(value));
  if (malformed) {
    bad('cve must be a vulnerability id such as CVE-2024-1234 or GHSA-xxxx-xxxx-xxxx');
  }
  return value;
}
