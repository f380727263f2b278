import type { RuntimeFact, RuntimeObservation } from '@stella-ops/core';
import { fail } from '../error.js';
import type { RuntimeFactBatchInput } from './types.js';

const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** Runtime observations merged over every batch. */
export interface Observations {
  /** By node id. */
  nodes: Map<string, RuntimeObservation>;
  /** By caller id, then callee id: observations of the calls between them. */
  calls: Map<string, Map<string, RuntimeObservation>>;
  /** Facts naming an unknown node (the builder adds calls with no edge later). */
  unknownSymbols: number;
  /** The latest `observedAt`, or undefined. */
  latest: string | undefined;
}

/**
 * Merges runtime facts. Every fact marks its symbol's node as observed in its batch; a `call` fact
 * also marks the call caller → symbol. A node's hits in a batch are the sum of its `invocation` and
 * `load` facts — or, when the batch has none for it, the sum of the calls into it (a call fact and
 * an invocation fact usually count the same executions). Hits add up over batches and saturate at
 * Number.MAX_SAFE_INTEGER, so the result does not depend on the order of facts or batches.
 */
export function observe(batches: readonly RuntimeFactBatchInput[], known: ReadonlySet<string>): Observations {
  const out: Observations = { nodes: new Map(), calls: new Map(), unknownSymbols: 0, latest: undefined };
  const seen = new Set<string>();
  batches.forEach((batch, b) => {
    if (batch === null || typeof batch !== 'object')
      fail('INPUT_INVALID', `runtimeFacts[${b}] is not an object`);
    const hash = batch.provenanceHash;
    if (typeof hash !== 'string' || !SHA256.test(hash)) {
      fail('INPUT_INVALID', `runtimeFacts[${b}].provenanceHash must be a sha256:<64 hex> digest`);
    }
    if (seen.has(hash)) fail('INPUT_INVALID', `runtime-fact batch ${hash} is listed twice`);
    seen.add(hash);
    if (!Array.isArray(batch.facts)) fail('INPUT_INVALID', `runtimeFacts[${b}].facts must be an array`);
    const runs = new Map<string, { direct: number; calls: number; hasDirect: boolean }>();
    batch.facts.forEach((fact, f) => {
      checkFact(fact, `runtimeFacts[${b}].facts[${f}]`);
      out.latest = later(out.latest, fact.observedAt, `runtimeFacts[${b}].facts[${f}].observedAt`);
      if (!known.has(fact.symbolId)) {
        out.unknownSymbols++;
        return;
      }
      let run = runs.get(fact.symbolId);
      if (!run) {
        run = { direct: 0, calls: 0, hasDirect: false };
        runs.set(fact.symbolId, run);
      }
      if (fact.factType === 'call' && fact.callerSymbolId !== undefined) {
        run.calls = add(run.calls, fact.hitCount);
        let callees = out.calls.get(fact.callerSymbolId);
        if (!callees) {
          callees = new Map();
          out.calls.set(fact.callerSymbolId, callees);
        }
        mark(callees, fact.symbolId, fact.hitCount, hash);
      } else {
        run.direct = add(run.direct, fact.hitCount);
        run.hasDirect = true;
      }
    });
    for (const [symbol, run] of runs) mark(out.nodes, symbol, run.hasDirect ? run.direct : run.calls, hash);
  });
  for (const obs of out.nodes.values()) obs.batches.sort();
  for (const callees of out.calls.values()) for (const obs of callees.values()) obs.batches.sort();
  return out;
}

/** Saturating addition of hit counts. */
function add(a: number, b: number): number {
  return Math.min(a + b, Number.MAX_SAFE_INTEGER);
}

function mark(into: Map<string, RuntimeObservation>, key: string, hits: number, batch: string): void {
  let obs = into.get(key);
  if (!obs) {
    obs = { hitCount: 0, batches: [] };
    into.set(key, obs);
  }
  obs.hitCount = add(obs.hitCount, hits);
  if (!obs.batches.includes(batch)) obs.batches.push(batch);
}

function checkFact(fact: RuntimeFact, where: string): void {
  if (fact === null || typeof fact !== 'object') fail('INPUT_INVALID', `${where} is not an object`);
  if (typeof fact.symbolId !== 'string' || fact.symbolId === '')
    fail('INPUT_INVALID', `${where}.symbolId is missing`);
  if (!Number.isSafeInteger(fact.hitCount) || fact.hitCount < 0) {
    fail('INPUT_INVALID', `${where}.hitCount must be a non-negative integer`);
  }
  if (fact.factType === 'call' && typeof fact.callerSymbolId !== 'string') {
    fail('INPUT_INVALID', `${where}: a call fact needs callerSymbolId`);
  }
}

/**
 * The later of two RFC 3339 timestamps (`candidate` is checked); equal instants keep the smaller
 * string, so the choice does not depend on the order they come in.
 */
export function later(current: string | undefined, candidate: unknown, where: string): string {
  const t = typeof candidate === 'string' ? Date.parse(candidate) : Number.NaN;
  if (Number.isNaN(t)) fail('INPUT_INVALID', `${where} is not a timestamp`);
  const s = candidate as string;
  if (current === undefined) return s;
  const c = Date.parse(current);
  if (t > c || (t === c && s < current)) return s;
  return current;
}
