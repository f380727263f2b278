import { sortedKeys } from '../json/sorted-keys.js';
import { compareCanonical, compareOptional, sortStringSet } from './reachgraph-order.js';
import type { NormalizedReachGraph, ReachGraph } from './reachgraph-types.js';
import { normalizeUtcTimestamp } from './utc-timestamp.js';
import { setMember, withoutNulls } from './without-nulls.js';

type Json = Record<string, unknown>;

/**
 * The normalised form of a reachgraph (DESIGN §4), the one its digest and signatures cover:
 * - `signatures` removed; `null`/`undefined` members (and array elements) dropped at any depth;
 * - `nodes` sorted by `id`; `edges` by (`from`, `to`, `why.type`, `why.guard`, an absent guard
 *   first); `provenance.inputs` by (`kind`, `digest`, `id`, an absent id first); each with the
 *   canonical JSON of the normalised entry as the final tiebreak, so the order is total;
 * - set-like string arrays sorted and deduplicated: `artifact.env`, `scope.entrypoints`,
 *   `scope.selectors`, `scope.cves`, every node's `cves`, every `observed.batches`;
 * - `provenance.computedAt` in UTC with `Z`, sub-second digits as given (see
 *   {@link normalizeUtcTimestamp}).
 * Strings compare by UTF-16 code units. Members the schema does not know are kept (they are still
 * covered by the digest). The input is not modified; the result shares nothing with it, and is
 * allocated in output order, which keeps canonicalizing it as fast as canonicalizing parsed JSON.
 * @throws CoreError `CANONICAL_JSON_INVALID` when the document contains itself, or when entries that
 *   tie on their sort keys cannot be canonicalized.
 */
export function normalizeReachGraph(doc: ReachGraph): NormalizedReachGraph {
  const source = doc as unknown as Json;
  const out: Json = {};
  for (const key of sortedKeys(source)) {
    if (key === 'signatures') continue;
    const value = source[key];
    let copy: unknown;
    if (key === 'nodes' && Array.isArray(value)) copy = sortedCopy(value, nodeSortKey, normalizeNode);
    else if (key === 'edges' && Array.isArray(value)) copy = sortedCopy(value, edgeSortKey, normalizeEdge);
    else copy = withoutNulls(value);
    if (copy !== undefined) setMember(out, key, copy);
  }

  const artifact = asObject(out['artifact']);
  sortStringSet(artifact?.['env']);
  const scope = asObject(out['scope']);
  sortStringSet(scope?.['entrypoints']);
  sortStringSet(scope?.['selectors']);
  sortStringSet(scope?.['cves']);
  const provenance = asObject(out['provenance']);
  if (provenance) {
    const inputs = provenance['inputs'];
    if (Array.isArray(inputs)) inputs.sort(compareInputs);
    const computedAt = provenance['computedAt'];
    if (typeof computedAt === 'string') provenance['computedAt'] = normalizeUtcTimestamp(computedAt);
  }
  return out as unknown as NormalizedReachGraph;
}

/**
 * The sort key of an original entry as one string whose plain `<` order is the order of the tuple
 * of its fields (an absent field — or `null`, or a non-string, as after dropping nulls — first),
 * ending in `\0` and the entry's index (which only separates entries whose fields all tie).
 * Built with one `join`: a flat string, several times cheaper to make and compare than a chain of
 * concatenations.
 */
function nodeSortKey(node: unknown, index: number): string {
  return [keyPart(field(node, 'id')), index].join('\u0000');
}

function edgeSortKey(edge: unknown, index: number): string {
  const why = field(edge, 'why');
  return [
    keyPart(field(edge, 'from')),
    keyPart(field(edge, 'to')),
    keyPart(field(why, 'type')),
    keyPart(field(why, 'guard')),
    index,
  ].join('\u0000');
}

/**
 * One field of a sort key, free of the `\0` separator and order-preserving: absent → `''`
 * (below everything), a string → `\1` and the string with `\1` → `\1\2` and `\0` → `\1\1`.
 */
function keyPart(v: unknown): string {
  if (typeof v !== 'string') return '';
  if (!v.includes('\u0000') && !v.includes('\u0001')) return `\u0001${v}`;
  return `\u0001${v.replaceAll('\u0001', '\u0001\u0002').replaceAll('\u0000', '\u0001\u0001')}`;
}

function normalizeNode(node: unknown): unknown {
  const copy = withoutNulls(node);
  sortStringSet(field(copy, 'cves'));
  sortObservation(copy);
  return copy;
}

function normalizeEdge(edge: unknown): unknown {
  const copy = withoutNulls(edge);
  sortObservation(copy);
  return copy;
}

/**
 * Sorts the entries of `list` by their keys, then by the canonical JSON of the normalised entry on a
 * tie, and only then copies them, so the copies lie in memory in output order. The keys are sorted
 * as plain strings: `Array#sort` without a comparator compares UTF-16 code units natively, several
 * times faster than a JavaScript comparator on 300k edges.
 */
function sortedCopy(
  list: unknown[],
  keyOf: (e: unknown, index: number) => string,
  normalize: (e: unknown) => unknown,
): unknown[] {
  const entries = list.filter((e) => e !== null && e !== undefined);
  const keys = entries.map(keyOf).sort();
  const out: unknown[] = [];
  for (let start = 0; start < keys.length; ) {
    const fields = withoutIndex(keys[start]!);
    let end = start + 1;
    while (end < keys.length && withoutIndex(keys[end]!) === fields) end++;
    if (end - start === 1) out.push(normalize(entries[indexOf(keys[start]!)]));
    else {
      const tied = keys.slice(start, end).map((k) => normalize(entries[indexOf(k)]));
      for (const entry of tied.sort(compareCanonical)) out.push(entry);
    }
    start = end;
  }
  return out;
}

function withoutIndex(key: string): string {
  return key.slice(0, key.lastIndexOf('\u0000'));
}

function indexOf(key: string): number {
  return Number(key.slice(key.lastIndexOf('\u0000') + 1));
}

function compareInputs(a: unknown, b: unknown): number {
  return (
    compareOptional(field(a, 'kind'), field(b, 'kind')) ||
    compareOptional(field(a, 'digest'), field(b, 'digest')) ||
    compareOptional(field(a, 'id'), field(b, 'id')) ||
    compareCanonical(a, b)
  );
}

function sortObservation(entry: unknown): void {
  sortStringSet(field(field(entry, 'observed'), 'batches'));
}

function asObject(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function field(v: unknown, key: string): unknown {
  return asObject(v)?.[key];
}
