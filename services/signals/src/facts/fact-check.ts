import type { RuntimeFact, RuntimeFactBatch } from '@stella-ops/core';

/**
 * A fast, conservative check of `runtime-fact@v1` for the ingest hot path: `true` only for a value
 * the schema (as compiled by core's ajv) certainly accepts; `false` means "not sure", and the caller
 * asks ajv, which decides and explains. So the verdict, and every error, is ajv's; this only skips
 * ajv for the ordinary fact. The unit test checks the one-way implication against ajv.
 *
 * Why it is exact where it says `true`:
 * - members: only the ten the schema declares (a `for…in` over a JSON.parse result sees every own
 *   member, `__proto__` included), the four required ones present, `callerSymbolId` with `call`;
 * - lengths: the schema counts code points, which are never more than UTF-16 units, so a string
 *   within `maxLength` units is within it in code points, and a non-empty one has at least one; a
 *   longer string is left to ajv;
 * - `hitCount`: a safe integer ≥ 1 is an integer within `[1, 2^53-1]`;
 * - `observedAt`: only `YYYY-MM-DDThh:mm:ss[.fraction]Z` with a real calendar date, hour ≤ 23,
 *   minute and second ≤ 59, which ajv-formats' `date-time` accepts (its leap-second and offset
 *   forms are left to ajv) and which ends in `Z` (the schema's pattern);
 * - `purl`: the schema's pattern `^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\/` (at least six ASCII
 *   characters, so `minLength` 5 holds) within 2048 units.
 */
export class FactCheck {
  /** Purl strings already checked against the schema's purl rule (a batch repeats a few). */
  private readonly purls = new Map<string, boolean>();

  /** True when `value` is certainly a valid `runtime-fact@v1`; false when ajv must decide. */
  certainlyValid(value: unknown): value is RuntimeFact {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const fact = value as Record<string, unknown>;
    let required = 0;
    let caller = false;
    let call = false;
    for (const key in fact) {
      const v = fact[key];
      switch (key) {
        case 'symbolId':
          if (!text(v, 2048)) return false;
          required++;
          break;
        case 'callerSymbolId':
          if (!text(v, 2048)) return false;
          caller = true;
          break;
        case 'codeId':
        case 'process':
          if (!text(v, 512)) return false;
          break;
        case 'containerId':
        case 'host':
          if (!text(v, 256)) return false;
          break;
        case 'purl':
          if (!this.purl(v)) return false;
          break;
        case 'hitCount':
          if (!Number.isSafeInteger(v) || (v as number) < 1) return false;
          required++;
          break;
        case 'observedAt':
          if (typeof v !== 'string' || !utcTimestamp(v)) return false;
          required++;
          break;
        case 'factType':
          if (v === 'call') call = true;
          else if (v !== 'invocation' && v !== 'load') return false;
          required++;
          break;
        default:
          return false;
      }
    }
    return required === 4 && (caller || !call);
  }

  /**
   * True when `value` is certainly a valid `runtime-fact-batch@v1` (the JSON form): its members,
   * a ULID `callgraphId` and a `source` of 1–256 units (see above for lengths), an optional
   * `sha256:` provenanceHash, and a non-empty `facts` array of facts {@link certainlyValid} accepts.
   */
  certainlyValidBatch(value: unknown): value is RuntimeFactBatch {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const batch = value as Record<string, unknown>;
    let required = 0;
    for (const key in batch) {
      const v = batch[key];
      switch (key) {
        case 'callgraphId':
          if (typeof v !== 'string' || !ULID_PATTERN.test(v)) return false;
          required++;
          break;
        case 'source':
          if (!text(v, 256) || (v as string).includes('\u0000')) return false;
          required++;
          break;
        case 'facts':
          if (!Array.isArray(v) || v.length === 0) return false;
          for (const fact of v) if (!this.certainlyValid(fact)) return false;
          required++;
          break;
        case 'provenanceHash':
          if (typeof v !== 'string' || !SHA256_PATTERN.test(v)) return false;
          break;
        default:
          return false;
      }
    }
    return required === 3;
  }

  private purl(v: unknown): boolean {
    if (typeof v !== 'string') return false;
    let ok = this.purls.get(v);
    if (ok === undefined) {
      ok = v.length <= 2048 && PURL_PATTERN.test(v);
      this.purls.set(v, ok);
    }
    return ok;
  }
}

/** common.v1's ulid and sha256Digest patterns. */
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const SHA256_PATTERN = /^sha256:[a-f0-9]{64}$/;

/** The schema's purl pattern (ASCII only, so the `u` flag ajv adds changes nothing). */
const PURL_PATTERN = /^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\//;

function text(v: unknown, max: number): boolean {
  return typeof v === 'string' && v.length >= 1 && v.length <= max;
}

/** Two ASCII digits at `at` as a number, or NaN. */
function two(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DDThh:mm:ss[.d+]Z` with a real date and a time before 24:00 (no leap second). */
function utcTimestamp(s: string): boolean {
  const n = s.length;
  if (n < 20 || s.charCodeAt(n - 1) !== 0x5a /* Z */) return false;
  if (s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || s.charCodeAt(10) !== 0x54) return false;
  if (s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a) return false;
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1)) return false; // NaN fails too
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS[month] as number))) return false;
  if (!(two(s, 11) <= 23 && two(s, 14) <= 59 && two(s, 17) <= 59)) return false;
  if (n === 20) return true;
  if (s.charCodeAt(19) !== 0x2e /* . */ || n === 21) return false;
  for (let i = 20; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
