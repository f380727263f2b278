import { canonicalize, type ReachGraph } from '@stella-ops/core';

/** What differs between the graph expected and the graph rebuilt (both normalised). */
export interface ReplayDiff {
  nodeCount: { expected: number; computed: number };
  edgeCount: { expected: number; computed: number };
  firstDifferingNode?: { index: number; expected?: unknown; computed?: unknown };
  firstDifferingEdge?: { index: number; expected?: unknown; computed?: unknown };
  fields: string[];
}

const TOP_LEVEL = ['schemaVersion', 'artifact', 'scope', 'provenance'] as const;

function firstDifference(
  expected: readonly unknown[],
  computed: readonly unknown[],
): { index: number; expected?: unknown; computed?: unknown } | undefined {
  const n = Math.max(expected.length, computed.length);
  for (let i = 0; i < n; i++) {
    const a = expected[i];
    const b = computed[i];
    if (a === undefined || b === undefined || canonicalize(a) !== canonicalize(b)) {
      const d: { index: number; expected?: unknown; computed?: unknown } = { index: i };
      if (a !== undefined) d.expected = a;
      if (b !== undefined) d.computed = b;
      return d;
    }
  }
  return undefined;
}

/**
 * Compares two normalised documents: counts, the first node and edge (in their sorted order) that
 * differ, and which top-level fields differ. Deterministic: the same pair gives the same diff.
 */
export function diffGraphs(expected: ReachGraph, computed: ReachGraph): ReplayDiff {
  const diff: ReplayDiff = {
    nodeCount: { expected: expected.nodes.length, computed: computed.nodes.length },
    edgeCount: { expected: expected.edges.length, computed: computed.edges.length },
    fields: TOP_LEVEL.filter((f) => canonicalize(expected[f] ?? null) !== canonicalize(computed[f] ?? null)),
  };
  const node = firstDifference(expected.nodes, computed.nodes);
  if (node) diff.firstDifferingNode = node;
  const edge = firstDifference(expected.edges, computed.edges);
  if (edge) diff.firstDifferingEdge = edge;
  return diff;
}
