import { CoreError } from '../error.js';
import { MAX_NESTING_DEPTH } from '../json/limits.js';
import { isPlainObject } from '../json/plain-object.js';
import { sortedKeys } from '../json/sorted-keys.js';

/** How often (in nesting levels) the copy looks for a cycle among the ancestors of a value. */
const CYCLE_CHECK_INTERVAL = 64;

/**
 * A deep copy of JSON data without `null`/`undefined` anywhere: object members and array elements
 * that are `null` or `undefined` are left out. Objects are rebuilt with their keys in canonical order
 * (so canonicalizing the copy is cheap); anything that is not a plain object or array is returned
 * as it is, for `canonicalize` to accept or reject. The input is never modified.
 * @returns `undefined` when `value` itself is `null` or `undefined`.
 * @throws CoreError `CANONICAL_JSON_INVALID` when the value contains itself or nests deeper than
 *   `MAX_NESTING_DEPTH`.
 */
export function withoutNulls(value: unknown): unknown {
  return copy(value, 0, []);
}

function copy(v: unknown, depth: number, ancestors: object[]): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'object') return v;
  const isArray = Array.isArray(v);
  if (!isArray && !isPlainObject(v)) return v;
  ancestors[depth] = v;
  if (depth > 0 && depth % CYCLE_CHECK_INTERVAL === 0 && ancestors.indexOf(v) < depth) {
    throw new CoreError({
      code: 'CANONICAL_JSON_INVALID',
      message: 'cannot normalise: the value contains itself',
    });
  }
  if (depth >= MAX_NESTING_DEPTH) {
    throw new CoreError({
      code: 'CANONICAL_JSON_INVALID',
      message: `cannot normalise: more than ${MAX_NESTING_DEPTH} nested containers`,
    });
  }
  if (isArray) {
    const out: unknown[] = [];
    for (const e of v as unknown[]) {
      const c = copy(e, depth + 1, ancestors);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of sortedKeys(src)) {
    const c = copy(src[k], depth + 1, ancestors);
    if (c === undefined) continue;
    setMember(out, k, c);
  }
  return out;
}

/**
 * `out[key] = value` as a data property, also for `__proto__` (which JSON.parse makes an own
 * member, and which a plain assignment would turn into a prototype change).
 */
export function setMember(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}
