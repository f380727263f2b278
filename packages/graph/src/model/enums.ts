import type { EdgeType, ReachGraphNode } from '@stella-ops/core';

/** A node kind of reachgraph.min@v1. */
export type NodeKind = ReachGraphNode['kind'];

/**
 * Node kinds in their stored order: a node's kind is kept as its index in this list (one byte).
 * Append only — the binary format depends on these positions.
 */
export const NODE_KINDS: readonly NodeKind[] = ['function', 'method', 'module', 'package', 'file', 'binary'];

/**
 * Edge explanation types in their stored order (one byte per explanation).
 * Append only — the binary format depends on these positions.
 */
export const EDGE_TYPES: readonly EdgeType[] = [
  'DirectCall',
  'Import',
  'DynamicLoad',
  'Reflection',
  'EnvGuard',
  'FeatureFlag',
  'PlatformArch',
  'LoaderRule',
];

const KIND_CODES = new Map<string, number>(NODE_KINDS.map((k, i) => [k, i]));
const TYPE_CODES = new Map<string, number>(EDGE_TYPES.map((t, i) => [t, i]));

/** The stored code of a node kind, or -1 when `kind` is not one. */
export function nodeKindCode(kind: unknown): number {
  return typeof kind === 'string' ? (KIND_CODES.get(kind) ?? -1) : -1;
}

/** The stored code of an edge type, or -1 when `type` is not one. */
export function edgeTypeCode(type: unknown): number {
  return typeof type === 'string' ? (TYPE_CODES.get(type) ?? -1) : -1;
}
