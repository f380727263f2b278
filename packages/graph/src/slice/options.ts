import { fail } from '../error.js';
import type { PathPage, SliceOptions } from './types.js';

/** The limits of {@link SliceOptions} with every default applied. */
export type Limits = Required<Omit<SliceOptions, 'pathPage'>>;

/** The defaults of {@link SliceOptions}. */
export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxNodes: 10_000,
  maxPaths: 1_000,
  pathsPerPair: 5,
  maxExpansionsPerPair: 20_000,
};

/** Options with defaults applied; a limit that is not a positive integer is QUERY_INVALID. */
export function resolveLimits(options: SliceOptions = {}): Limits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      fail('QUERY_INVALID', `${key} must be a positive integer`);
    }
    out[key] = v;
  }
  return out;
}

/** The validated {@link SliceOptions.pathPage}, or undefined; a malformed page is QUERY_INVALID. */
export function resolvePathPage(options: SliceOptions = {}): PathPage | undefined {
  const page = options.pathPage;
  if (page === undefined) return undefined;
  const { offset, limit } = (page ?? {}) as Partial<PathPage>;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    fail('QUERY_INVALID', 'pathPage.offset must be a non-negative integer');
  }
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    fail('QUERY_INVALID', 'pathPage.limit must be a positive integer');
  }
  return { offset, limit };
}
