import { fail } from '../error.js';

/**
 * Assumptions about a deployment: `KEY → VALUE`, e.g. `{os: 'linux', FEATURE_X: 'disabled'}`. A
 * slice under assumptions prunes the edges whose conditional guard they contradict and no longer
 * counts the guards they satisfy as open.
 */
export type Assumptions = Readonly<Record<string, string>>;

/** The most pairs an assumption set may hold. */
export const MAX_ASSUMPTIONS = 64;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const VALUE = /^[^,=]{1,256}$/;

function bad(code: 'ASSUME_INVALID' | 'QUERY_INVALID', message: string): never {
  fail(code, message);
}

/**
 * Parses `KEY=VALUE[,KEY=VALUE…]` (keys `[A-Za-z_][A-Za-z0-9_.-]{0,127}`, values 1–256 characters
 * without `,` or `=`, both trimmed; at most 64 pairs; every key once) into assumptions sorted by
 * key. An empty or blank string is no assumption (`{}`). Throws `ASSUME_INVALID` otherwise.
 */
export function parseAssume(text: string): Assumptions {
  if (typeof text !== 'string') bad('ASSUME_INVALID', 'assumptions must be a string');
  if (text.trim() === '') return {};
  const pairs = text.split(',');
  if (pairs.length > MAX_ASSUMPTIONS) bad('ASSUME_INVALID', `at most ${MAX_ASSUMPTIONS} assumptions`);
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 0) bad('ASSUME_INVALID', `${JSON.stringify(pair.trim())} is not KEY=VALUE`);
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    checkPair(key, value, 'ASSUME_INVALID');
    if (out.has(key)) bad('ASSUME_INVALID', `${key} is assumed twice`);
    out.set(key, value);
  }
  return sortedAssumptions(out);
}

/**
 * `KEY=VALUE,…` in key order: the text {@link parseAssume} reads back to the same assumptions
 * (accepts the `query.assume` type of slice-response.v1, whose values are typed optional).
 */
export function formatAssume(assume: Readonly<Record<string, string | undefined>>): string {
  return Object.entries(assume)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .sort((a, b) => compareKeys(a[0], b[0]))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * The `assume` field of a slice query: absent, or an object of valid pairs (QUERY_INVALID
 * otherwise). Returns the assumptions sorted by key with trimmed values, or undefined when there
 * are none (an empty object asks the same question as no object).
 */
export function checkAssume(value: unknown): Assumptions | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    bad('QUERY_INVALID', 'assume must be an object of KEY: VALUE strings');
  const keys = Object.keys(value);
  if (keys.length > MAX_ASSUMPTIONS) bad('QUERY_INVALID', `at most ${MAX_ASSUMPTIONS} assumptions`);
  if (keys.length === 0) return undefined;
  const out = new Map<string, string>();
  for (const key of keys) {
    const raw = (value as Record<string, unknown>)[key];
    if (typeof raw !== 'string') bad('QUERY_INVALID', `assume.${key} must be a string`);
    checkPair(key, raw.trim(), 'QUERY_INVALID');
    out.set(key, raw.trim());
  }
  return sortedAssumptions(out);
}

function checkPair(key: string, value: string, code: 'ASSUME_INVALID' | 'QUERY_INVALID'): void {
  if (!KEY.test(key)) bad(code, `${JSON.stringify(key)} is not an assumption key ([A-Za-z_][A-Za-z0-9_.-]*)`);
  if (!VALUE.test(value)) bad(code, `the value of ${key} must be 1–256 characters without , or =`);
}

/** Code-unit order, as canonical JSON sorts keys. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A plain object in key order (built with `fromEntries`, so a key like `__proto__` stays a key). */
function sortedAssumptions(pairs: Map<string, string>): Assumptions {
  return Object.fromEntries([...pairs].sort((a, b) => compareKeys(a[0], b[0])));
}
