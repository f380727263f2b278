import type { EdgeType } from '@stella-ops/core';
import type { Assumptions } from './assume.js';

/** The edge types whose guard is a condition on the deployment that assumptions can settle. */
export const CONDITIONAL_EDGE_TYPES: readonly EdgeType[] = ['EnvGuard', 'FeatureFlag', 'PlatformArch'];

/** A conditional guard: `KEY=VALUE`, `KEY!=VALUE`, or with alternatives `KEY=a|b` (`KEY!=a|b`). */
export interface ConditionalGuard {
  key: string;
  /** The alternatives, lower-cased (values compare case-insensitively). */
  values: readonly string[];
  /** `!=`: the guard holds when the value is none of them. */
  negated: boolean;
}

/** How a guard stands under assumptions. */
export type GuardStatus =
  /** Not a conditional guard (no guard, another edge type, or not of the KEY=VALUE form). */
  | 'none'
  /** Conditional, and no assumption names its key. */
  | 'open'
  /** Conditional, and the assumption on its key makes it hold. */
  | 'satisfied'
  /** Conditional, and the assumption on its key makes it fail: the edge does not exist. */
  | 'contradicted';

const GUARD = /^\s*([A-Za-z_][A-Za-z0-9_.-]{0,127})\s*(!=|=)\s*([^=,|]*(?:\|[^=,|]*)*)$/;

/**
 * The condition of an edge's guard, or null when the edge type is not conditional or the guard is
 * not of the `KEY=VALUE` / `KEY!=VALUE` / `KEY=a|b` form (such guards never prune and never gate).
 */
export function conditionalGuard(type: EdgeType, guard: string | undefined): ConditionalGuard | null {
  if (guard === undefined || !CONDITIONAL_EDGE_TYPES.includes(type)) return null;
  const m = GUARD.exec(guard);
  if (m === null) return null;
  const values = (m[3] as string).split('|').map((v) => v.trim().toLowerCase());
  if (values.some((v) => v === '')) return null;
  return { key: m[1] as string, values, negated: m[2] === '!=' };
}

/** How `guard` stands under `assume` (keys compare exactly, values case-insensitively). */
export function guardStatus(guard: ConditionalGuard | null, assume: Assumptions | undefined): GuardStatus {
  if (guard === null) return 'none';
  if (assume === undefined || !Object.hasOwn(assume, guard.key)) return 'open';
  const value = (assume[guard.key] as string).trim().toLowerCase();
  return guard.values.includes(value) !== guard.negated ? 'satisfied' : 'contradicted';
}
