import { canonicalize } from '../json/canonicalize.js';
import { SCHEMA_DOCUMENTS } from './registry.generated.js';

// A quicker way to the answer "reachgraph.min@v1 accepts this document" for the part that is
// almost all of a large one — its nodes and edges — checked by hand; everything else is still
// checked by ajv (on the document with empty node and edge lists). It only ever answers "valid"
// when ajv would too (property-tested against ajv); any doubt answers "unsure" and the caller runs
// ajv on the whole document, which also lists the issues. The hand checks are written for one
// version of the node and edge schemas: when those change, the fast path switches itself off.

type Json = Record<string, unknown>;

const REACHGRAPH = 'https://stella-ops.org/schemas/reachgraph-min.v1.schema.json';
const COMMON = 'https://stella-ops.org/schemas/common.v1.schema.json';

/**
 * The schema parts the hand checks rely on, as canonical JSON: the whole reachgraph.min@v1 schema
 * (nothing else in it may constrain the node and edge lists) and the common definitions its nodes
 * and edges use.
 */
export function checkedSchemaParts(): string {
  const rg = SCHEMA_DOCUMENTS[REACHGRAPH as keyof typeof SCHEMA_DOCUMENTS] as Json;
  const common = SCHEMA_DOCUMENTS[COMMON as keyof typeof SCHEMA_DOCUMENTS] as Json;
  const commonDefs = common['$defs'] as Json;
  const names = [
    'nodeId',
    'purl',
    'vulnerabilityId',
    'runtimeObservation',
    'edgeExplanation',
    'edgeType',
    'sha256Digest',
  ];
  return canonicalize({ rg, common: Object.fromEntries(names.map((n) => [n, commonDefs[n]])) });
}

/** What {@link checkedSchemaParts} was when the checks below were written. */
const CHECKED_PARTS_LENGTH = 6161;
const CHECKED_PARTS_FINGERPRINT = 'b9cc2747d40d9f89';

let applies: boolean | undefined;
let patterns: { purl: RegExp; vulnerabilityId: RegExp; sha256Digest: RegExp } | undefined;

/** Whether the node and edge schemas are still the ones the hand checks implement. */
export function handChecksApply(): boolean {
  if (applies === undefined) {
    const parts = checkedSchemaParts();
    applies = parts.length === CHECKED_PARTS_LENGTH && fingerprint(parts) === CHECKED_PARTS_FINGERPRINT;
    if (applies) {
      const defs = (SCHEMA_DOCUMENTS[COMMON as keyof typeof SCHEMA_DOCUMENTS] as Json)['$defs'] as Json;
      // ajv compiles `pattern` with the `u` flag; so do these (the same expressions, read from the schema).
      const re = (name: string) => new RegExp((defs[name] as Json)['pattern'] as string, 'u');
      patterns = {
        purl: re('purl'),
        vulnerabilityId: re('vulnerabilityId'),
        sha256Digest: re('sha256Digest'),
      };
    }
  }
  return applies;
}

/** FNV-1a over UTF-16 code units, as hex: a fingerprint, not a security boundary. */
export function fingerprint(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/** Code points of `s`, counted as ajv's `ucs2length` counts them (a surrogate pair is one). */
function codePoints(s: string): number {
  const n = s.length;
  let length = 0;
  let pos = 0;
  while (pos < n) {
    length++;
    const value = s.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < n) {
      const next = s.charCodeAt(pos);
      if ((next & 0xfc00) === 0xdc00) pos++;
    }
  }
  return length;
}

/** A string of `min`..`max` code points (JSON Schema's minLength/maxLength). */
function sized(v: unknown, min: number, max: number): boolean {
  if (typeof v !== 'string') return false;
  const n = v.length;
  // n code units hold between n/2 and n code points.
  if (n >= 2 * min && n <= max) return true;
  const cp = codePoints(v);
  return cp >= min && cp <= max;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegativeInteger(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

const NODE_KINDS = new Set(['function', 'method', 'module', 'package', 'file', 'binary']);
const EDGE_TYPES = new Set([
  'DirectCall',
  'Import',
  'DynamicLoad',
  'Reflection',
  'EnvGuard',
  'FeatureFlag',
  'PlatformArch',
  'LoaderRule',
]);

function observationValid(o: unknown): boolean {
  if (!isObject(o)) return false;
  for (const k in o) if (k !== 'hitCount' && k !== 'batches') return false;
  if (!isNonNegativeInteger(o['hitCount'])) return false;
  const batches = o['batches'];
  if (!Array.isArray(batches)) return false;
  const re = (patterns as NonNullable<typeof patterns>).sha256Digest;
  for (const b of batches) if (typeof b !== 'string' || !re.test(b)) return false;
  // uniqueItems (every item a string here)
  return new Set(batches).size === batches.length;
}

function nodeValid(n: unknown): boolean {
  if (!isObject(n)) return false;
  let id: unknown;
  let kind: unknown;
  for (const k in n) {
    const v = n[k];
    switch (k) {
      case 'id':
        id = v;
        break;
      case 'kind':
        kind = v;
        break;
      case 'purl':
        if (!sized(v, 5, 2048) || !(patterns as NonNullable<typeof patterns>).purl.test(v as string))
          return false;
        break;
      case 'symbol':
      case 'file':
        if (!sized(v, 1, 2048)) return false;
        break;
      case 'line':
        if (!isNonNegativeInteger(v)) return false;
        break;
      case 'isEntrypoint':
      case 'isSink':
        if (typeof v !== 'boolean') return false;
        break;
      case 'cves': {
        if (!Array.isArray(v)) return false;
        const re = (patterns as NonNullable<typeof patterns>).vulnerabilityId;
        for (const c of v) if (typeof c !== 'string' || !re.test(c)) return false;
        break;
      }
      case 'observed':
        if (!observationValid(v)) return false;
        break;
      default:
        return false;
    }
  }
  return sized(id, 1, 2048) && typeof kind === 'string' && NODE_KINDS.has(kind);
}

function whyValid(w: unknown): boolean {
  if (!isObject(w)) return false;
  let type: unknown;
  for (const k in w) {
    const v = w[k];
    switch (k) {
      case 'type':
        type = v;
        break;
      case 'loc':
        if (!sized(v, 1, 2048)) return false;
        break;
      case 'guard':
        if (!sized(v, 1, 1024)) return false;
        break;
      case 'confidence':
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) return false;
        break;
      default:
        return false;
    }
  }
  return typeof type === 'string' && EDGE_TYPES.has(type);
}

function edgeValid(e: unknown): boolean {
  if (!isObject(e)) return false;
  let from: unknown;
  let to: unknown;
  let why: unknown;
  for (const k in e) {
    const v = e[k];
    switch (k) {
      case 'from':
        from = v;
        break;
      case 'to':
        to = v;
        break;
      case 'why':
        why = v;
        break;
      case 'observed':
        if (!observationValid(v)) return false;
        break;
      default:
        return false;
    }
  }
  return sized(from, 1, 2048) && sized(to, 1, 2048) && whyValid(why);
}

/**
 * True only when reachgraph.min@v1 accepts every node and edge of `doc` — checked by hand — and
 * `withoutLists` (the document with empty `nodes` and `edges`, for ajv to check) is what remains;
 * undefined when unsure (not a document with node and edge lists, a node or edge the checks do not
 * accept, or schemas the checks were not written for).
 */
export function reachGraphListsValid(doc: unknown): { withoutLists: Json } | undefined {
  if (!isObject(doc) || !handChecksApply()) return undefined;
  const nodes = doc['nodes'];
  const edges = doc['edges'];
  if (!Array.isArray(nodes) || !Array.isArray(edges)) return undefined;
  for (let i = 0; i < nodes.length; i++) if (!nodeValid(nodes[i])) return undefined;
  for (let i = 0; i < edges.length; i++) if (!edgeValid(edges[i])) return undefined;
  return { withoutLists: { ...doc, nodes: [], edges: [] } };
}
