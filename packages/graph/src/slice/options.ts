import { fail } from '../error.js';
import type { SliceOptions } from './types.js';

/** {@link SliceOptions} with every default applied. */
export type Limits = Required<SliceOptions>;

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
