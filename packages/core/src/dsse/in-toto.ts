import { CoreError } from '../error.js';

/** `_type` of an in-toto Statement v1. */
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** `_type` of the older in-toto Statement v0.1 (still written by npm and sigstore-js 1.x). */
export const IN_TOTO_STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
/** DSSE `payloadType` of an in-toto Statement. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
/** `predicateType` of the attestations Signals writes over runtime-fact batches. */
export const RUNTIME_FACTS_PREDICATE_TYPE = 'https://stella.ops/attestation/runtime-facts/v1';
/** `predicateType` of the attestations ReachGraph writes over a CVE slice and its OpenVEX document. */
export const REACHABILITY_SLICE_PREDICATE_TYPE = 'https://stella-ops.org/attestations/reachability-slice/v1';

/** An in-toto subject (ResourceDescriptor): digests by algorithm (`sha256`, `gitCommit`, ...). */
export interface StatementSubject {
  name?: string;
  digest: Record<string, string>;
}

/** An in-toto Statement (v1, or v0.1 when parsed); `predicate` is the predicate type's own JSON. */
export interface Statement<P = Record<string, unknown>> {
  _type: typeof IN_TOTO_STATEMENT_V1 | typeof IN_TOTO_STATEMENT_V01;
  subject: StatementSubject[];
  predicateType: string;
  predicate?: P;
}

// Lower-case hex lengths of the DigestSet algorithms whose encoding the in-toto spec fixes.
const HEX_DIGEST_LENGTHS: Record<string, number> = {
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

function invalid(message: string): CoreError {
  return new CoreError({ code: 'IN_TOTO_STATEMENT_INVALID', message: `in-toto statement: ${message}` });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkSubjects(subjects: unknown): asserts subjects is StatementSubject[] {
  if (!Array.isArray(subjects) || subjects.length === 0) throw invalid('at least one subject is required');
  subjects.forEach((subject: unknown, i) => {
    if (!isRecord(subject)) throw invalid(`subject[${i}] is not an object`);
    if (subject.name !== undefined && typeof subject.name !== 'string') {
      throw invalid(`subject[${i}].name must be a string`);
    }
    const { digest } = subject;
    if (!isRecord(digest) || Object.keys(digest).length === 0) {
      throw invalid(`subject[${i}].digest must hold at least one digest`);
    }
    for (const [algorithm, value] of Object.entries(digest)) {
      if (typeof value !== 'string' || value === '')
        throw invalid(`subject[${i}].digest.${algorithm} is empty`);
      const hexLength = HEX_DIGEST_LENGTHS[algorithm];
      if (hexLength !== undefined && (value.length !== hexLength || !/^[0-9a-f]+$/.test(value))) {
        throw invalid(`subject[${i}].digest.${algorithm} is not ${hexLength} lower-case hex digits`);
      }
    }
  });
}

/**
 * A new in-toto Statement v1 (`_type` `https://in-toto.io/Statement/v1`). Subjects are copied.
 * @throws CoreError `IN_TOTO_STATEMENT_INVALID` when there is no subject, a subject has no digest
 * (or an empty one, or a `sha256`/`sha512`/... that is not lower-case hex of the right length),
 * `predicateType` is empty or `predicate` is not a JSON object.
 */
export function createStatement<P extends object>(
  subjects: StatementSubject[],
  predicateType: string,
  predicate: P,
): Statement<P> {
  checkSubjects(subjects);
  if (typeof predicateType !== 'string' || predicateType === '') throw invalid('predicateType is required');
  if (!isRecord(predicate)) throw invalid('predicate must be a JSON object');
  const subject = subjects.map(({ name, digest }) =>
    name === undefined ? { digest: { ...digest } } : { name, digest: { ...digest } },
  );
  return { _type: IN_TOTO_STATEMENT_V1, subject, predicateType, predicate };
}

function toJson(input: unknown): unknown {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  try {
    const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
    return JSON.parse(text);
  } catch {
    throw invalid('not UTF-8 JSON');
  }
}

/**
 * Checks an in-toto Statement v1 or v0.1 and returns it typed. `input` is the DSSE payload bytes,
 * JSON text, or an already parsed value. Fields beyond the Statement's own are kept untouched.
 * @throws CoreError `IN_TOTO_STATEMENT_INVALID` for anything else (wrong `_type`, no subject, a
 * subject without digest, missing `predicateType`, a `predicate` that is not an object).
 */
export function parseStatement(input: unknown): Statement {
  const json = toJson(input);
  if (!isRecord(json)) throw invalid('not a JSON object');
  if (json._type !== IN_TOTO_STATEMENT_V1 && json._type !== IN_TOTO_STATEMENT_V01) {
    throw invalid(`unknown _type ${JSON.stringify(json._type)}`);
  }
  checkSubjects(json.subject);
  if (typeof json.predicateType !== 'string' || json.predicateType === '') {
    throw invalid('predicateType is required');
  }
  if (json.predicate !== undefined && !isRecord(json.predicate))
    throw invalid('predicate must be a JSON object');
  return json as unknown as Statement;
}

/**
 * True when some subject of `statement` matches `digest`: they share at least one algorithm and
 * every shared algorithm has the same value.
 */
export function statementMatchesDigest(
  statement: Statement<unknown>,
  digest: Record<string, string>,
): boolean {
  return statement.subject.some((subject) => {
    const shared = Object.keys(digest).filter((algorithm) => Object.hasOwn(subject.digest, algorithm));
    return shared.length > 0 && shared.every((algorithm) => subject.digest[algorithm] === digest[algorithm]);
  });
}
