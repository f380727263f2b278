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

/** Stored order: symbolId, codeId, factType, callerSymbolId (absent first), by UTF-16 code units. */
function compareFacts(a: RuntimeFact, b: RuntimeFact): number {
  return (
    compareStrings(a.symbolId, b.symbolId) ||
    compareOptional(a.codeId, b.codeId) ||
    compareStrings(a.factType, b.factType) ||
    compareOptional(a.callerSymbolId, b.callerSymbolId)
  );
}

/**
 * Two facts of one symbol are the same observation — merged — when they share codeId, factType and
 * callerSymbolId: a `call` fact (the edge caller → symbol) and an `invocation` of the symbol count
 * the same executions from two sides, and neither may absorb the other.
 */
function sameObservation(a: RuntimeFact, b: RuntimeFact): boolean {
  return a.codeId === b.codeId && a.factType === b.factType && a.callerSymbolId === b.callerSymbolId;
}

function merge(seen: RuntimeFact, fact: RuntimeFact): RuntimeFact {
  const hitCount = Math.min(MAX_HITS, seen.hitCount + fact.hitCount);
  return { ...(preferred(fact, seen) ? fact : seen), hitCount };
}

/** Merges facts sharing (symbolId, codeId, factType, callerSymbolId); returns them unordered. */
function dedupe(facts: readonly RuntimeFact[]): RuntimeFact[] {
  // By symbolId, then the rest of the key: symbol ids are flat strings from JSON.parse and most have one fact,
  // held directly (an array only once a second observation shows up).
  const bySymbol = new Map<string, RuntimeFact | RuntimeFact[]>();
  let count = 0;
  for (const fact of facts) {
    const held = bySymbol.get(fact.symbolId);
    if (held === undefined) {
      bySymbol.set(fact.symbolId, fact);
      count++;
    } else if (!Array.isArray(held)) {
      if (sameObservation(held, fact)) bySymbol.set(fact.symbolId, merge(held, fact));
      else {
        bySymbol.set(fact.symbolId, [held, fact]);
        count++;
      }
    } else {
      const i = held.findIndex((g) => sameObservation(g, fact));
      if (i === -1) {
        held.push(fact);
        count++;
      } else held[i] = merge(held[i] as RuntimeFact, fact);
    }
  }
  const unique = new Array<RuntimeFact>(count);
  let n = 0;
  for (const held of bySymbol.values()) {
    if (Array.isArray(held)) for (const fact of held) unique[n++] = fact;
    else unique[n++] = held;
  }
  return unique;
}

/**
 * `lines`, each `\n`-terminated, as UTF-8, encoded straight into one buffer (no 10 MiB joined
 * string): at most 3 bytes per UTF-16 unit, then copied to its exact size.
 */
function ndjsonBytes(lines: readonly string[], chars: number): Buffer {
  const scratch = Buffer.allocUnsafeSlow(chars * 3 + lines.length);
  let at = 0;
  for (const line of lines) {
    at += scratch.write(line, at, 'utf8');
    scratch[at++] = 0x0a;
  }
  return Buffer.from(scratch.subarray(0, at));
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
export function normalizeBatch(facts: readonly RuntimeFact[]): NormalizedBatch {
  const unique = dedupe(facts).sort(compareFacts);
  const typeCounts: NormalizedBatch['typeCounts'] = {};
  const lines = new Array<string>(unique.length);
  let chars = 0;
  for (let i = 0; i < unique.length; i++) {
    const fact = unique[i] as RuntimeFact;
    typeCounts[fact.factType] = (typeCounts[fact.factType] ?? 0) + 1;
    const line = canonicalFact(fact);
    lines[i] = line;
    chars += line.length;
  }
  return {
    facts: unique,
    canonical: ndjsonBytes(lines, chars),
    factTypes: (Object.keys(typeCounts) as RuntimeFact['factType'][]).sort(),
    typeCounts,
    merged: facts.length - unique.length,
  };
}
