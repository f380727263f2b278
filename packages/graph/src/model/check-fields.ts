import type { RuntimeObservation } from '@stella-ops/core';
import { fail } from '../error.js';
import { MAX_LINE } from './graph.js';

// Shape checks for the fields the index stores. They are not schema validation (core's `validate`
// does that); they only keep malformed values out of the typed arrays.

/** A non-empty string (what {@link optionalString} accepts as a value). */
export function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/** An optional non-empty string field, or a GRAPH_INVALID error naming `where`. */
export function optionalString(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0)
    fail('GRAPH_INVALID', `${where} must be a non-empty string`);
  return value;
}

/** A required non-empty string field. */
export function requiredString(value: unknown, where: string): string {
  const s = optionalString(value, where);
  if (s === undefined) fail('GRAPH_INVALID', `${where} is required`);
  return s;
}

/** An optional line number (integer 0 … {@link MAX_LINE}). */
export function optionalLine(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LINE) {
    fail('GRAPH_INVALID', `${where} must be an integer between 0 and ${MAX_LINE}`);
  }
  return value;
}

/** An optional confidence (number 0..1). */
export function optionalConfidence(value: unknown, where: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    fail('GRAPH_INVALID', `${where} must be 0..1`);
  return value;
}

/** An optional array of non-empty strings, returned sorted and de-duplicated. */
export function optionalStringSet(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail('GRAPH_INVALID', `${where} must be an array`);
  const out = value.map((v, i) => requiredString(v, `${where}[${i}]`));
  return sortedUnique(out);
}

/** An optional runtime observation `{hitCount, batches}` with batches sorted and unique. */
export function optionalObservation(value: unknown, where: string): RuntimeObservation | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') fail('GRAPH_INVALID', `${where} must be an object`);
  const { hitCount, batches } = value as { hitCount?: unknown; batches?: unknown };
  if (typeof hitCount !== 'number' || !Number.isInteger(hitCount) || hitCount < 0) {
    fail('GRAPH_INVALID', `${where}.hitCount must be a non-negative integer`);
  }
  return { hitCount, batches: optionalStringSet(batches, `${where}.batches`) ?? [] };
}

/** `values` sorted (UTF-16 code unit order) without duplicates. */
export function sortedUnique(values: string[]): string[] {
  const sorted = [...values].sort(compareStrings);
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
}

/** Code-unit string order: the order node ids, CVEs and batches are kept in. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
