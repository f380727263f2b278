import type { ReachGraphEdge, RuntimeObservation } from '@stella-ops/core';
import { fail } from '../error.js';
import {
  isText,
  optionalConfidence,
  optionalObservation,
  optionalString,
  requiredString,
} from './check-fields.js';
import { EDGE_TYPE_RANK } from './edge-order.js';
import { edgeTypeCode } from './enums.js';
import {
  type EdgeColumns,
  type ExplanationTable,
  type ForwardAdjacency,
  NO_OBSERVATION,
  NO_STRING,
} from './graph.js';
import type { Interner } from './interner.js';
import type { ObservationBuilder } from './observation-builder.js';

interface RawEdges {
  from: Uint32Array;
  to: Uint32Array;
  type: Uint8Array;
  guard: (string | undefined)[];
  loc: (string | undefined)[];
  confidence: Float64Array;
  observed: (RuntimeObservation | undefined)[];
}

/** Forward adjacency, edge columns and explanation table from the document's edges. */
export function buildEdges(
  raw: readonly ReachGraphEdge[],
  nodeCount: number,
  strings: Interner,
  observations: ObservationBuilder,
): { forward: ForwardAdjacency; edges: EdgeColumns; explanations: ExplanationTable } {
  const r = readEdges(raw, nodeCount, strings);
  const m = raw.length;
  const offsets = new Uint32Array(nodeCount + 1);
  for (let k = 0; k < m; k++) {
    const at = (r.from[k] as number) + 1;
    offsets[at] = (offsets[at] as number) + 1;
  }
  for (let u = 0; u < nodeCount; u++) offsets[u + 1] = (offsets[u + 1] as number) + (offsets[u] as number);
  const cursor = offsets.slice(0, nodeCount);
  const perm = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    const u = r.from[k] as number;
    perm[cursor[u] as number] = k;
    cursor[u] = (cursor[u] as number) + 1;
  }
  const cmp = (a: number, b: number): number => compareRaw(r, a, b);
  for (let u = 0; u < nodeCount; u++) {
    const lo = offsets[u] as number;
    const hi = offsets[u + 1] as number;
    // A normalised document lists a node's edges in this order already: check before sorting (a
    // typed-array sort with a comparator copies its range, and there is one range per node).
    let sorted = true;
    for (let k = lo + 1; k < hi && sorted; k++) sorted = cmp(perm[k - 1] as number, perm[k] as number) <= 0;
    if (!sorted) perm.subarray(lo, hi).sort(cmp);
  }

  const targets = new Uint32Array(m);
  const explanation = new Uint32Array(m);
  const observation = new Int32Array(m).fill(NO_OBSERVATION);
  const table = new ExplanationCollector();
  const opt = (s: string | undefined): number => (s === undefined ? NO_STRING : strings.intern(s));
  for (let k = 0; k < m; k++) {
    const e = perm[k] as number;
    targets[k] = r.to[e] as number;
    explanation[k] = table.add(
      r.type[e] as number,
      opt(r.guard[e]),
      opt(r.loc[e]),
      r.confidence[e] as number,
    );
    const obs = r.observed[e];
    if (obs) observation[k] = observations.add(obs);
  }
  return { forward: { offsets, targets }, edges: { explanation, observation }, explanations: table.build() };
}

function readEdges(raw: readonly ReachGraphEdge[], nodeCount: number, strings: Interner): RawEdges {
  const m = raw.length;
  const r: RawEdges = {
    from: new Uint32Array(m),
    to: new Uint32Array(m),
    type: new Uint8Array(m),
    guard: new Array(m),
    loc: new Array(m),
    confidence: new Float64Array(m),
    observed: new Array(m),
  };
  const node = (id: unknown, k: number, end: 'from' | 'to'): number => {
    const s = isText(id) ? id : requiredString(id, `edges[${k}].${end}`);
    const i = strings.lookup(s);
    if (i === undefined || i >= nodeCount)
      fail('GRAPH_INVALID', `edges[${k}].${end} names unknown node ${JSON.stringify(s)}`);
    return i;
  };
  // Documents list a node's edges together (normalised ones are sorted by `from`): reuse the last
  // lookup while `from` stays the same.
  let lastFrom: unknown;
  let lastFromIndex = 0;
  for (let k = 0; k < m; k++) {
    const edge = raw[k] as ReachGraphEdge;
    if (edge === null || typeof edge !== 'object') fail('GRAPH_INVALID', `edges[${k}] must be an object`);
    const from = edge.from;
    if (k === 0 || from !== lastFrom || typeof from !== 'string') {
      lastFromIndex = node(from, k, 'from');
      lastFrom = from;
    }
    r.from[k] = lastFromIndex;
    r.to[k] = node(edge.to, k, 'to');
    const why = edge.why;
    if (why === null || typeof why !== 'object') fail('GRAPH_INVALID', `edges[${k}].why is required`);
    const t = edgeTypeCode(why.type);
    if (t < 0) fail('GRAPH_INVALID', `edges[${k}].why.type ${JSON.stringify(why.type)} is not an edge type`);
    r.type[k] = t;
    // The common shapes inline; anything else through the checks (which name the field).
    const { guard, loc, confidence } = why;
    r.guard[k] =
      guard === undefined || isText(guard) ? guard : optionalString(guard, `edges[${k}].why.guard`);
    r.loc[k] = loc === undefined || isText(loc) ? loc : optionalString(loc, `edges[${k}].why.loc`);
    r.confidence[k] =
      confidence === undefined
        ? Number.NaN
        : (optionalConfidence(confidence, `edges[${k}].why.confidence`) ?? Number.NaN);
    const observed = edge.observed;
    r.observed[k] =
      observed === undefined ? undefined : optionalObservation(observed, `edges[${k}].observed`);
  }
  return r;
}

function compareRaw(r: RawEdges, a: number, b: number): number {
  return (
    (r.to[a] as number) - (r.to[b] as number) ||
    (EDGE_TYPE_RANK[r.type[a] as number] as number) - (EDGE_TYPE_RANK[r.type[b] as number] as number) ||
    compareOptional(r.guard[a], r.guard[b]) ||
    compareOptional(r.loc[a], r.loc[b]) ||
    compareNumber(r.confidence[a] as number, r.confidence[b] as number) ||
    compareObservation(r.observed[a], r.observed[b])
  );
}

/** Absent sorts first, then code-unit order. */
function compareOptional(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a < b ? -1 : 1;
}

/** NaN (absent) first, then ascending. */
function compareNumber(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a - b;
}

function compareObservation(a: RuntimeObservation | undefined, b: RuntimeObservation | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return a.hitCount - b.hitCount || compareOptional(a.batches.join(','), b.batches.join(','));
}

/**
 * Distinct explanations, found by their location string index (then compared field by field): a
 * chain per location through typed arrays, no map (a location is almost always unique to its edge).
 */
class ExplanationCollector {
  /** Newest explanation per location string index + 1 (0: no location), or -1. */
  private head = new Int32Array(1024).fill(-1);
  /** The explanation before each one in its location's chain, or -1. */
  private readonly next: number[] = [];
  private readonly type: number[] = [];
  private readonly guard: number[] = [];
  private readonly loc: number[] = [];
  private readonly confidence: number[] = [];

  add(type: number, guard: number, loc: number, confidence: number): number {
    const slot = (loc + 1) >>> 0;
    if (slot >= this.head.length) {
      const grown = new Int32Array(Math.max(slot + 1, this.head.length * 2)).fill(-1);
      grown.set(this.head);
      this.head = grown;
    }
    // At most one explanation matches all four fields, so the search order does not matter.
    for (let i = this.head[slot] as number; i !== -1; i = this.next[i] as number) {
      if (this.type[i] === type && this.guard[i] === guard && Object.is(this.confidence[i], confidence))
        return i;
    }
    const i = this.type.length;
    this.type.push(type);
    this.guard.push(guard);
    this.loc.push(loc);
    this.confidence.push(confidence);
    this.next.push(this.head[slot] as number);
    this.head[slot] = i;
    return i;
  }

  build(): ExplanationTable {
    return {
      type: Uint8Array.from(this.type),
      guard: Uint32Array.from(this.guard),
      loc: Uint32Array.from(this.loc),
      confidence: Float64Array.from(this.confidence),
    };
  }
}
