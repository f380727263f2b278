import { isCoreError, isValid, parsePurl, type RuntimeFact, schemaIssues, validate } from '@stella-ops/core';
import { issuesFromSchema, type NdjsonLine, problems } from '@stella-ops/service-kit';
import { lineProblem } from '../error.js';

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
export function factsFromNdjson(
  lines: readonly NdjsonLine[],
  callgraphId: string,
  source: string,
): FactUpload {
  if (lines.length === 0) throw noFacts();
  const purls = new PurlChecker();
  const facts: RuntimeFact[] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const { line, value } = lines[i] as NdjsonLine;
    if (!isValid('runtime-fact@v1', value)) {
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
        throw lineProblem('PURL_INVALID', line, `purl is not a valid package URL: ${why}`, [
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
  const batch = validate('runtime-fact-batch@v1', value);
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
  // `provenanceHash` is read when the batch schema declares it (see the service README).
  const clientHash = (batch as { provenanceHash?: unknown }).provenanceHash;
  return {
    callgraphId: batch.callgraphId,
    source: batch.source,
    facts: batch.facts,
    ...(typeof clientHash === 'string' ? { clientHash } : {}),
  };
}
