import { canonicalize } from '../json/canonicalize.js';
import { isPlainObject } from '../json/plain-object.js';
import { normalizeReachGraph } from './reachgraph-normalize.js';
import type { NormalizedReachGraph, ReachGraph } from './reachgraph-types.js';
import { normalizeUtcTimestamp } from './utc-timestamp.js';
import { setMember } from './without-nulls.js';

// A read-only test for "normalising this document would change nothing but drop `signatures`", so
// documents that arrive normalised already (the builder's output, a re-upload of a stored graph)
// skip the deep copy. It is conservative: anything it is not sure about (a non-string where a
// string belongs, deep nesting, a value canonical JSON rejects) answers false and takes the full
// normalisation.

type Json = Record<string, unknown>;

/** Deeper than this, let the full normalisation decide (it also detects cycles). */
const MAX_CHECK_DEPTH = 32;

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && isPlainObject(v)
    ? (v as Json)
    : undefined;
}

/**
 * No `null`/`undefined` member or element at any depth, and every container a plain object or an
 * array: what `withoutNulls` would copy unchanged.
 */
function clean(v: unknown, depth: number): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'object') return true;
  if (depth > MAX_CHECK_DEPTH) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!clean(v[i], depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(v)) return false;
  // for…in visits every own enumerable string key (and, were Object.prototype polluted, inherited
  // ones too — which can only make this answer false, never wrongly true).
  for (const k in v) if (!clean((v as Json)[k], depth + 1)) return false;
  return true;
}

/** Absent, not an array (left alone by normalisation), or strings strictly ascending. */
function stringSetNormalized(v: unknown): boolean {
  if (!Array.isArray(v)) return true;
  for (let i = 0; i < v.length; i++) {
    const s = v[i];
    if (typeof s !== 'string') return false;
    if (i > 0 && !((v[i - 1] as string) < s)) return false;
  }
  return true;
}

function observationNormalized(entry: Json): boolean {
  const observed = asObject(entry['observed']);
  return observed === undefined || stringSetNormalized(observed['batches']);
}

/**
 * Entries whose sort keys tie are ordered by their canonical JSON (a clean entry with sorted sets
 * is its own normalised form); equal canonical JSON means the two are interchangeable.
 */
function canonicalOrdered(a: unknown, b: unknown): boolean {
  try {
    return canonicalize(a) <= canonicalize(b);
  } catch {
    return false;
  }
}

/** Nodes ascending by id (ties by canonical JSON), each clean, with sorted CVEs and batches. */
function nodesNormalized(nodes: unknown[]): boolean {
  let prev = '';
  for (let i = 0; i < nodes.length; i++) {
    const n = asObject(nodes[i]);
    if (n === undefined) return false;
    if (!clean(n, 1) || !stringSetNormalized(n['cves']) || !observationNormalized(n)) return false;
    const id = n['id'];
    if (typeof id !== 'string') return false;
    if (i > 0 && !(prev < id) && !(prev === id && canonicalOrdered(nodes[i - 1], n))) return false;
    prev = id;
  }
  return true;
}

/**
 * Edges ascending by (from, to, why.type, why.guard — absent first), ties (parallel edges at
 * different locations, say) by canonical JSON, each clean, with sorted batches.
 */
function edgesNormalized(edges: unknown[]): boolean {
  let pFrom = '';
  let pTo = '';
  let pType = '';
  let pGuard: string | undefined;
  for (let i = 0; i < edges.length; i++) {
    const e = asObject(edges[i]);
    const why = asObject(e?.['why']);
    if (e === undefined || why === undefined) return false;
    const from = e['from'];
    const to = e['to'];
    const type = why['type'];
    const guard = why['guard'];
    if (typeof from !== 'string' || typeof to !== 'string' || typeof type !== 'string') return false;
    if (guard !== undefined && typeof guard !== 'string') return false;
    if (!clean(e, 1) || !observationNormalized(e)) return false;
    if (i > 0) {
      const order =
        from !== pFrom
          ? from > pFrom
          : to !== pTo
            ? to > pTo
            : type !== pType
              ? type > pType
              : guard !== pGuard
                ? guard !== undefined && (pGuard === undefined || guard > pGuard)
                : canonicalOrdered(edges[i - 1], e);
      if (!order) return false;
    }
    pFrom = from;
    pTo = to;
    pType = type;
    pGuard = guard;
  }
  return true;
}

/** Optional-string order of the input sort: absent (or not a string) first. */
function compareOptional(a: unknown, b: unknown): number {
  const sa = typeof a === 'string';
  const sb = typeof b === 'string';
  if (sa && sb) return a < b ? -1 : a > b ? 1 : 0;
  return sa === sb ? 0 : sa ? 1 : -1;
}

/** `provenance.inputs` ascending by (kind, digest, id), ties by canonical JSON. */
function inputsNormalized(inputs: unknown): boolean {
  if (!Array.isArray(inputs)) return true;
  for (let i = 1; i < inputs.length; i++) {
    const a = asObject(inputs[i - 1]);
    const b = asObject(inputs[i]);
    if (a === undefined || b === undefined) return false;
    const order =
      compareOptional(a['kind'], b['kind']) ||
      compareOptional(a['digest'], b['digest']) ||
      compareOptional(a['id'], b['id']);
    if (order > 0 || (order === 0 && !canonicalOrdered(a, b))) return false;
  }
  return true;
}

/**
 * Whether {@link normalizeReachGraph}`(doc)` would equal `doc` without `signatures` (as JSON data:
 * same members and elements, in the same array order). False when unsure.
 */
export function isNormalizedReachGraph(doc: unknown): boolean {
  const d = asObject(doc);
  if (d === undefined) return false;
  for (const key of Object.keys(d)) {
    if (key === 'signatures') continue;
    const value = d[key];
    if (key === 'nodes' && Array.isArray(value)) {
      if (!nodesNormalized(value)) return false;
    } else if (key === 'edges' && Array.isArray(value)) {
      if (!edgesNormalized(value)) return false;
    } else if (!clean(value, 1)) return false;
  }
  const artifact = asObject(d['artifact']);
  const scope = asObject(d['scope']);
  const provenance = asObject(d['provenance']);
  if (artifact !== undefined && !stringSetNormalized(artifact['env'])) return false;
  if (
    scope !== undefined &&
    !(
      stringSetNormalized(scope['entrypoints']) &&
      stringSetNormalized(scope['selectors']) &&
      stringSetNormalized(scope['cves'])
    )
  ) {
    return false;
  }
  if (provenance !== undefined) {
    if (!inputsNormalized(provenance['inputs'])) return false;
    const at = provenance['computedAt'];
    if (typeof at === 'string' && normalizeUtcTimestamp(at) !== at) return false;
  }
  return true;
}

/**
 * The normalised form of a reachgraph for reading only: the same JSON data as
 * {@link normalizeReachGraph}`(doc)` (so the same canonical JSON and digest), but when `doc` is
 * normalised already, a shallow copy without `signatures` that shares everything else with `doc`
 * instead of a deep copy (~10× cheaper on a large graph). Do not modify the result or `doc` while
 * using it; use {@link normalizeReachGraph} for a copy of your own.
 * @throws CoreError `CANONICAL_JSON_INVALID` as {@link normalizeReachGraph} does.
 */
export function normalizedReachGraphView(doc: ReachGraph): NormalizedReachGraph {
  if (!isNormalizedReachGraph(doc)) return normalizeReachGraph(doc);
  const source = doc as unknown as Json;
  const out: Json = {};
  for (const key of Object.keys(source)) if (key !== 'signatures') setMember(out, key, source[key]);
  return out as unknown as NormalizedReachGraph;
}
