import { isCoreError, isValid, parsePurl, type RuntimeFact, schemaIssues, validate } from '@stella-ops/core';
import { issuesFromSchema, problems } from '@stella-ops/service-kit';
import { lineProblem } from '../error.js';
import { FactCheck } from './fact-check.js';
import type { ParsedNdjson } from './split-ndjson.js';

/** A batch as uploaded, validated fact by fact. */
export interface FactUpload {
  callgraphId: string;
  source: string;
  facts: RuntimeFact[];
  /** The hash the client computed (`X-Provenance-Hash` or `provenanceHash`), checked later. */
  clientHash?: string;
}

/** Checks fact purls with a cache: a batch repeats a handful of purls thousands of times. */
class PurlChecker {
  private readonly seen = new Map<string, string | null>();

  /** The parse error message, or null for a valid purl. */
  check(purl: string): string | null {
    let verdict = this.seen.get(purl);
    if (verdict === undefined) {
      try {
        parsePurl(purl);
        verdict = null;
      } catch (err) {
        if (!isCoreError(err, 'PURL_INVALID')) throw err;
        verdict = err.message;
      }
      this.seen.set(purl, verdict);
    }
    return verdict;
  }
}

const noFacts = () =>
  problems.unprocessable('SCHEMA_INVALID', 'a batch holds at least one fact', [
    { pointer: '/facts', keyword: 'minItems', message: 'must NOT have fewer than 1 items' },
  ]);

/** The NDJSON form: one `runtime-fact@v1` per line; errors name the line. */
export function factsFromNdjson(parsed: ParsedNdjson, callgraphId: string, source: string): FactUpload {
  const { values, lines } = parsed;
  if (values.length === 0) throw noFacts();
  const check = new FactCheck();
  const purls = new PurlChecker();
  const facts: RuntimeFact[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    // The fast check settles the ordinary fact; ajv decides (and explains) everything else.
    if (!check.certainlyValid(value) && !isValid('runtime-fact@v1', value)) {
      const line = lines[i] as number;
      const issues = schemaIssues('runtime-fact@v1', value);
      const shown = issues.map((x) => `${x.pointer || '/'} ${x.message}`).join('; ');
      throw lineProblem(
        'SCHEMA_INVALID',
        line,
        `not a valid runtime fact: ${shown}`,
        issuesFromSchema(issues),
      );
    }
    const fact = value as RuntimeFact;
    if (fact.purl !== undefined) {
      const why = purls.check(fact.purl);
      if (why !== null) {
        throw lineProblem('PURL_INVALID', lines[i] as number, `purl is not a valid package URL: ${why}`, [
          { pointer: '/purl', keyword: 'format', message: why },
        ]);
      }
    }
    facts[i] = fact;
  }
  return { callgraphId, source, facts };
}

/** The JSON form: a `runtime-fact-batch@v1` document; errors carry JSON pointers. */
export function factsFromJson(value: unknown): FactUpload {
  // The fast check settles the ordinary batch; ajv decides (and explains) everything else.
  const batch = new FactCheck().certainlyValidBatch(value) ? value : validate('runtime-fact-batch@v1', value);
  const purls = new PurlChecker();
  batch.facts.forEach((fact, i) => {
    if (fact.purl === undefined) return;
    const why = purls.check(fact.purl);
    if (why !== null) {
      throw problems.unprocessable('PURL_INVALID', `facts[${i}].purl is not a valid package URL: ${why}`, [
        { pointer: `/facts/${i}/purl`, keyword: 'format', message: why },
      ]);
    }
  });
  return {
    callgraphId: batch.callgraphId,
    source: batch.source,
    facts: batch.facts,
    ...(batch.provenanceHash !== undefined ? { clientHash: batch.provenanceHash } : {}),
  };
}
