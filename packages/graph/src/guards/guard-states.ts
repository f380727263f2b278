import { arrayBytes, objectBytes, stringValueBytes, typedArrayBytes } from '../memory/estimate.js';
import { EDGE_TYPES } from '../model/enums.js';
import type { Graph } from '../model/graph.js';
import { NO_STRING } from '../model/graph.js';
import type { Assumptions } from './assume.js';
import { type ConditionalGuard, conditionalGuard, guardStatus } from './guard.js';

/** Status codes of {@link GuardStates.byExplanation} (see `GuardStatus`). */
export const GUARD_NONE = 0;
export const GUARD_OPEN = 1;
export const GUARD_SATISFIED = 2;
export const GUARD_CONTRADICTED = 3;

/** How every edge's guard stands under one query's assumptions. */
export interface GuardStates {
  /** The assumptions (sorted by key), or undefined when there are none. */
  readonly assume: Assumptions | undefined;
  /** Per explanation: GUARD_NONE, GUARD_OPEN, GUARD_SATISFIED or GUARD_CONTRADICTED. */
  readonly byExplanation: Uint8Array;
  /** Per edge (forward order): 1 when the assumptions contradict its guard; null when none do. */
  readonly pruned: Uint8Array | null;
  /** Whether some explanation's guard is open (else every path is unconditional). */
  readonly anyOpen: boolean;
}

/** The conditional guards of a graph's explanations (query-independent). */
interface Conditionals {
  /** Explanation indexes with a conditional guard, ascending. */
  explanations: Uint32Array;
  /** Their guards, in the same order. */
  guards: ConditionalGuard[];
  /** The states with no assumptions. */
  unassumed?: GuardStates;
  /** Estimated heap bytes of `explanations` and `guards` (computed when they are made). */
  bytes: number;
}

const cache = new WeakMap<Graph, Conditionals>();

function conditionals(g: Graph): Conditionals {
  let c = cache.get(g);
  if (c === undefined) {
    const { type, guard } = g.explanations;
    const at: number[] = [];
    const guards: ConditionalGuard[] = [];
    const parsed = new Map<number, ConditionalGuard | null>(); // by guard string: decoded once
    for (let x = 0; x < type.length; x++) {
      const s = guard[x] as number;
      if (s === NO_STRING) continue;
      const t = EDGE_TYPES[type[x] as number];
      if (t === undefined) continue;
      const key = s * 256 + (type[x] as number);
      let cg = parsed.get(key);
      if (cg === undefined) {
        cg = conditionalGuard(t, g.strings.get(s));
        parsed.set(key, cg);
      }
      if (cg !== null) {
        at.push(x);
        guards.push(cg);
      }
    }
    const explanations = Uint32Array.from(at);
    c = {
      explanations,
      guards,
      bytes: objectBytes(4) + typedArrayBytes(explanations) + guardsBytes(parsed, guards.length),
    };
    cache.set(g, c);
  }
  return c;
}

/**
 * Estimated heap bytes of the guards parsed for `parsed`'s distinct guard strings, and of the array
 * of `listed` guards, one per conditional explanation (explanations share parsed guards).
 */
function guardsBytes(parsed: ReadonlyMap<number, ConditionalGuard | null>, listed: number): number {
  let bytes = arrayBytes(listed);
  for (const cg of parsed.values()) {
    if (cg === null) continue;
    bytes += objectBytes(3) + stringValueBytes(cg.key) + arrayBytes(cg.values.length);
    for (const v of cg.values) bytes += stringValueBytes(v);
  }
  return bytes;
}

/**
 * Estimated bytes of what `g`'s guard states keep: the conditional guards of its explanations and
 * the states without assumptions (states under assumptions are made per query and not kept).
 */
export function guardStatesBytes(g: Graph): number {
  const c = cache.get(g);
  if (c === undefined) return 0;
  const u = c.unassumed;
  return c.bytes + (u ? objectBytes(4) + typedArrayBytes(u.byExplanation) + typedArrayBytes(u.pruned) : 0);
}

/**
 * How the guards of `g` stand under `assume` (normalised, non-empty, or undefined). Without
 * assumptions the answer is computed once per graph: queries that assume nothing pay nothing.
 */
export function guardStates(g: Graph, assume: Assumptions | undefined): GuardStates {
  const c = conditionals(g);
  if (assume === undefined) {
    c.unassumed ??= statesOf(g, c, undefined);
    return c.unassumed;
  }
  return statesOf(g, c, assume);
}

function statesOf(g: Graph, c: Conditionals, assume: Assumptions | undefined): GuardStates {
  const byExplanation = new Uint8Array(g.explanations.type.length);
  let anyPruned = false;
  let anyOpen = false;
  for (let i = 0; i < c.explanations.length; i++) {
    const status = guardStatus(c.guards[i] as ConditionalGuard, assume);
    const code =
      status === 'open' ? GUARD_OPEN : status === 'satisfied' ? GUARD_SATISFIED : GUARD_CONTRADICTED;
    byExplanation[c.explanations[i] as number] = code;
    if (code === GUARD_CONTRADICTED) anyPruned = true;
    if (code === GUARD_OPEN) anyOpen = true;
  }
  let pruned: Uint8Array | null = null;
  if (anyPruned) {
    const explanation = g.edges.explanation;
    pruned = new Uint8Array(g.edgeCount);
    for (let k = 0; k < g.edgeCount; k++)
      if (byExplanation[explanation[k] as number] === GUARD_CONTRADICTED) pruned[k] = 1;
  }
  return { assume, byExplanation, pruned, anyOpen };
}
