import { canonicalize, type RuntimeFact } from '@stella-ops/core';

/** A batch in its stored form. */
export interface NormalizedBatch {
  /** Deduplicated facts in stored order. */
  facts: RuntimeFact[];
  /** Canonical NDJSON: each fact RFC 8785 canonical JSON on its own `\n`-terminated line. */
  canonical: Buffer;
  /** Distinct fact types, sorted. */
  factTypes: RuntimeFact['factType'][];
  /** Facts per type (for `signals_runtime_facts_ingested_total`). */
  typeCounts: Partial<Record<RuntimeFact['factType'], number>>;
  /** How many uploaded facts were merged into others. */
  merged: number;
}

const MAX_HITS = Number.MAX_SAFE_INTEGER;

/** Every member `runtime-fact@v1` allows, in RFC 8785 order (UTF-16 code units; all ASCII). */
const FACT_KEYS = [
  'callerSymbolId',
  'codeId',
  'containerId',
  'factType',
  'hitCount',
  'host',
  'observedAt',
  'process',
  'purl',
  'symbolId',
] as const satisfies readonly (keyof RuntimeFact)[];

/** One reused object whose members are in canonical order: JSON.stringify skips `undefined` ones. */
const slot: Record<(typeof FACT_KEYS)[number], unknown> = {
  callerSymbolId: undefined,
  codeId: undefined,
  containerId: undefined,
  factType: undefined,
  hitCount: undefined,
  host: undefined,
  observedAt: undefined,
  process: undefined,
  purl: undefined,
  symbolId: undefined,
};

/**
 * RFC 8785 canonical JSON of a schema-valid fact, fast: a validated fact is a flat object of the
 * members above with string values and one safe-integer `hitCount`, so serializing its members in
 * canonical order with JSON.stringify gives exactly the RFC 8785 bytes (its string and integer
 * serialization is ECMAScript's), except for a lone surrogate, which JSON.stringify escapes as
 * `\udXXX` where RFC 8785 has no answer. Any `\ud` in the output (rare; also a literal backslash
 * before "ud"), any other member or a non-integer count goes through core's `canonicalize`
 * instead, which decides (and rejects a lone surrogate). The unit test checks this against
 * `canonicalize`. Synchronous and not reentrant: the one `slot` object is reused (no allocation
 * per fact).
 */
export function canonicalFact(fact: RuntimeFact): string {
  slot.callerSymbolId = fact.callerSymbolId;
  slot.codeId = fact.codeId;
  slot.containerId = fact.containerId;
  slot.factType = fact.factType;
  slot.hitCount = fact.hitCount;
  slot.host = fact.host;
  slot.observedAt = fact.observedAt;
  slot.process = fact.process;
  slot.purl = fact.purl;
  slot.symbolId = fact.symbolId;
  let members = 0;
  for (const key of FACT_KEYS) if (slot[key] !== undefined) members++;
  if (members !== Object.keys(fact).length || !Number.isSafeInteger(fact.hitCount)) return canonicalize(fact);
  const text = JSON.stringify(slot);
  return text.includes('\\ud') ? canonicalize(fact) : text;
}

/** A character JSON.stringify would escape (`"`, `\\`, U+0000–U+001F), or any surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes exactly U+0000-U+001F.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * {@link canonicalFact} for a fact already valid against `runtime-fact@v1` (only its members, all
 * strings but a safe-integer `hitCount`), faster: the line is put together from its members in
 * canonical order, each string between quotes as it is, which is exactly its JSON when it holds
 * nothing to escape. `escapeFree` says the caller knows no string does (see `splitNdjson`);
 * otherwise each string is tested, and a fact with anything to escape (or a surrogate, even a
 * paired one) goes through {@link canonicalFact}. Synchronous and allocation-light.
 */
export function canonicalValidFact(fact: RuntimeFact, escapeFree: boolean): string {
  const { callerSymbolId, codeId, containerId, host, process, purl } = fact;
  if (
    !escapeFree &&
    (NEEDS_ESCAPE.test(fact.symbolId) ||
      NEEDS_ESCAPE.test(fact.observedAt) ||
      (callerSymbolId !== undefined && NEEDS_ESCAPE.test(callerSymbolId)) ||
      (codeId !== undefined && NEEDS_ESCAPE.test(codeId)) ||
      (containerId !== undefined && NEEDS_ESCAPE.test(containerId)) ||
      (host !== undefined && NEEDS_ESCAPE.test(host)) ||
      (process !== undefined && NEEDS_ESCAPE.test(process)) ||
      (purl !== undefined && NEEDS_ESCAPE.test(purl)))
  ) {
    return canonicalFact(fact);
  }
  let line = '{';
  if (callerSymbolId !== undefined) line += `"callerSymbolId":"${callerSymbolId}",`;
  if (codeId !== undefined) line += `"codeId":"${codeId}",`;
  if (containerId !== undefined) line += `"containerId":"${containerId}",`;
  line += `"factType":"${fact.factType}","hitCount":${fact.hitCount}`;
  if (host !== undefined) line += `,"host":"${host}"`;
  line += `,"observedAt":"${fact.observedAt}"`;
  if (process !== undefined) line += `,"process":"${process}"`;
  if (purl !== undefined) line += `,"purl":"${purl}"`;
  return `${line},"symbolId":"${fact.symbolId}"}`;
}

/** True when `a` should represent the pair rather than `b`: earlier observedAt, then smaller JSON. */
function preferred(a: RuntimeFact, b: RuntimeFact): boolean {
  const ta = Date.parse(a.observedAt);
  const tb = Date.parse(b.observedAt);
  if (ta !== tb) return ta < tb;
  return canonicalFact({ ...a, hitCount: 0 }) < canonicalFact({ ...b, hitCount: 0 });
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Absent first, then by UTF-16 code units. */
function compareOptional(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  return compareStrings(a, b);
}

/**
 * Stored order: symbolId, codeId, factType, callerSymbolId (absent first), by UTF-16 code units.
 * Equal (0) exactly when two facts are the same observation, to be merged: a `call` fact (the edge
 * caller → symbol) and an `invocation` of the symbol count the same executions from two sides, and
 * neither may absorb the other.
 */
function compareFacts(a: RuntimeFact, b: RuntimeFact): number {
  return (
    compareStrings(a.symbolId, b.symbolId) ||
    compareOptional(a.codeId, b.codeId) ||
    compareStrings(a.factType, b.factType) ||
    compareOptional(a.callerSymbolId, b.callerSymbolId)
  );
}

function merge(seen: RuntimeFact, fact: RuntimeFact): RuntimeFact {
  const hitCount = Math.min(MAX_HITS, seen.hitCount + fact.hitCount);
  return { ...(preferred(fact, seen) ? fact : seen), hitCount };
}

/**
 * The facts in stored order with those sharing (symbolId, codeId, factType, callerSymbolId) merged:
 * sorting by that key puts them next to each other (a stable sort, in upload order), and
 * {@link merge} does not depend on the order it meets them in (sum of hits; the earliest
 * observation by a total order), so one pass over the sorted copy merges them.
 */
function sortAndMerge(facts: readonly RuntimeFact[]): RuntimeFact[] {
  const sorted = facts.slice().sort(compareFacts);
  let n = 0;
  for (const fact of sorted) {
    const last = n > 0 ? (sorted[n - 1] as RuntimeFact) : undefined;
    if (last !== undefined && compareFacts(last, fact) === 0) sorted[n - 1] = merge(last, fact);
    else sorted[n++] = fact;
  }
  sorted.length = n;
  return sorted;
}

/**
 * Canonical NDJSON written line by line into one growing buffer, so no line outlives its write
 * (a 10 MiB batch would otherwise keep ~30k line strings alive through young-generation GCs).
 */
class NdjsonWriter {
  private buf: Buffer;
  private at = 0;

  constructor(expectedBytes: number) {
    // Room for the expected size and a long last line, so a batch rarely has to grow it.
    this.buf = Buffer.allocUnsafeSlow(expectedBytes + 64 * 1024);
  }

  /** Appends `line` as UTF-8 and a `\n`. */
  line(text: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit, plus the newline.
    const need = text.length * 3 + 1;
    if (this.at + need > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + need));
      this.buf.copy(grown, 0, 0, this.at);
      this.buf = grown;
    }
    this.at += this.buf.write(text, this.at, 'utf8');
    this.buf[this.at++] = 0x0a;
  }

  /**
   * The bytes written. A buffer of its own `ArrayBuffer` (so a worker can transfer it), copied to
   * size only when more than a quarter of it would be unused.
   */
  bytes(): Buffer {
    if (this.at >= this.buf.length * 0.75) return this.buf.subarray(0, this.at);
    const out = Buffer.allocUnsafeSlow(this.at);
    this.buf.copy(out, 0, 0, this.at);
    return out;
  }
}

/** What the caller of {@link normalizeBatch} knows about its facts. */
export interface NormalizeOptions {
  /** Every fact is valid against `runtime-fact@v1` (enables {@link canonicalValidFact}). */
  schemaValid?: boolean;
  /** No string of any fact needs a JSON escape (only with `schemaValid`). */
  escapeFree?: boolean;
  /** About how many bytes the stored form will take (e.g. the upload's size): the first buffer. */
  expectedBytes?: number;
}

/**
 * Deduplicates a batch on (symbolId, codeId, factType, callerSymbolId) and puts it in its stored,
 * deterministic form: the
 * same facts in any order and any split into duplicates give the same bytes and provenanceHash.
 *
 * Merge rule for facts sharing that key: `hitCount` is the sum (capped at 2^53-1); every
 * other field comes from the fact observed first (earliest `observedAt`, ties broken by the
 * smaller canonical JSON), so the merged fact keeps the earliest `observedAt`.
 */
export function normalizeBatch(facts: readonly RuntimeFact[], opts: NormalizeOptions = {}): NormalizedBatch {
  const valid = opts.schemaValid === true;
  const escapeFree = opts.escapeFree === true;
  const unique = sortAndMerge(facts);
  const typeCounts: NormalizedBatch['typeCounts'] = {};
  const out = new NdjsonWriter(opts.expectedBytes ?? 0);
  for (let i = 0; i < unique.length; i++) {
    const fact = unique[i] as RuntimeFact;
    typeCounts[fact.factType] = (typeCounts[fact.factType] ?? 0) + 1;
    out.line(valid ? canonicalValidFact(fact, escapeFree) : canonicalFact(fact));
  }
  return {
    facts: unique,
    canonical: out.bytes(),
    factTypes: (Object.keys(typeCounts) as RuntimeFact['factType'][]).sort(),
    typeCounts,
    merged: facts.length - unique.length,
  };
}
