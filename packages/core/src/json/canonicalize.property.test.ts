import canonicalizeRef from 'canonicalize';
import fc from 'fast-check';
import { canonicalize as jsonCanonicalizeRef } from 'json-canonicalize';
import { isCoreError } from '../error.js';
import { canonicalize, canonicalizeToBytes } from './canonicalize.js';

/** JSON values whose keys and strings range over all of Unicode (well-formed UTF-16). */
const unicodeJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value')),
    fc.dictionary(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), tie('value')),
  ),
})).value;

/** Any JSON value, from fast-check's own generator and from the Unicode-heavy one above. */
const jsonValues = fc.oneof(fc.jsonValue(), unicodeJson);

/** The same value with every object's keys inserted in a shuffled order. */
function reinsert(value: unknown, order: number[]): unknown {
  if (Array.isArray(value)) return value.map((v) => reinsert(v, order));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const shuffled = entries
    .map((e, i) => [e, order[i % Math.max(order.length, 1)] ?? i] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([e]) => e);
  const out: Record<string, unknown> = {};
  for (const [k, v] of shuffled)
    Object.defineProperty(out, k, {
      value: reinsert(v, order),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

const runs = { numRuns: 500 };

/**
 * Lists of objects over a few keys (integer-like ones included), each with a random subset in a
 * random insertion order, some nested: neighbours often have the same keys, or the same in another
 * order, or one more or one fewer — what the writer's reuse of a previous object's key order meets.
 */
const LIKE_KEYS = ['id', 'kind', 'a', 'b', '10', '2', 'é', ''];
const likeRecord = fc
  .array(fc.tuple(fc.constantFrom(...LIKE_KEYS), fc.oneof(fc.integer(), fc.string())), { maxLength: 6 })
  .map((entries) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of entries) o[k] = v;
    return o;
  });
const likeObjects = fc.array(
  fc.oneof(likeRecord, fc.record({ child: likeRecord, list: fc.array(likeRecord, { maxLength: 4 }) })),
  { maxLength: 12 },
);

describe('canonicalize properties (fast-check)', () => {
  it('is byte-identical to json-canonicalize and to canonicalize (npm)', () => {
    fc.assert(
      fc.property(jsonValues, (value) => {
        const ours = canonicalize(value);
        expect(ours).toBe(jsonCanonicalizeRef(value));
        expect(ours).toBe(canonicalizeRef(value));
        expect(Buffer.from(canonicalizeToBytes(value)).equals(Buffer.from(ours, 'utf8'))).toBe(true);
      }),
      runs,
    );
  });

  it('writes lists of like objects (same keys, reordered, one more or fewer) as the references do', () => {
    fc.assert(
      fc.property(likeObjects, (value) => {
        const ours = canonicalize(value);
        expect(ours).toBe(jsonCanonicalizeRef(value));
        expect(Buffer.from(canonicalizeToBytes(value)).equals(Buffer.from(ours, 'utf8'))).toBe(true);
      }),
      runs,
    );
  });

  it('leaves out enumerable keys added to Object.prototype, even between like objects', () => {
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true });
    try {
      // the second object enumerates like the first (its inherited key last) but owns one key only
      const value = [
        { a: 1, polluted: 2 },
        { a: 3 },
        Object.assign(Object.create(null), { a: 4 }),
        { b: 1, a: 0 },
      ];
      expect(canonicalize(value)).toBe('[{"a":1,"polluted":2},{"a":3},{"a":4},{"a":0,"b":1}]');
    } finally {
      delete (Object.prototype as Record<string, unknown>)['polluted'];
    }
  });

  it('gives the same bytes whatever the size hint (too small, exact, far too large)', () => {
    // Large enough values that a hint is used (hints of 64 KiB and less are ignored).
    const large = fc.array(jsonValues, { minLength: 1, maxLength: 4 }).map((parts) => ({
      parts,
      pad: 'x'.repeat(70_000),
    }));
    fc.assert(
      fc.property(large, fc.integer({ min: 0, max: 400_000 }), (value, hint) => {
        const plain = Buffer.from(canonicalizeToBytes(value));
        const hinted = canonicalizeToBytes(value, { sizeHint: hint });
        expect(Buffer.from(hinted.buffer, hinted.byteOffset, hinted.byteLength).equals(plain)).toBe(true);
        for (const near of [plain.length, plain.length - 10, 65_537]) {
          expect(Buffer.from(canonicalizeToBytes(value, { sizeHint: near })).equals(plain)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
    // a hint far above the output does not keep its unused buffer alive
    const small = canonicalizeToBytes({ pad: 'y'.repeat(70_000) }, { sizeHint: 1_000_000 });
    expect(small.buffer.byteLength).toBe(small.byteLength);
  });

  it('is idempotent: canonicalizing the parsed canonical form changes nothing', () => {
    fc.assert(
      fc.property(jsonValues, (value) => {
        const once = canonicalize(value);
        expect(canonicalize(JSON.parse(once))).toBe(once);
      }),
      runs,
    );
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(jsonValues, fc.array(fc.integer(), { minLength: 1, maxLength: 16 }), (value, order) => {
        expect(canonicalize(reinsert(value, order))).toBe(canonicalize(value));
      }),
      runs,
    );
  });

  it('agrees with JSON.stringify on the text of strings and finite numbers', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true })),
        (v) => {
          expect(canonicalize(v)).toBe(JSON.stringify(v));
        },
      ),
      runs,
    );
  });

  it('rejects a lone surrogate anywhere in any string or key', () => {
    const lone = fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF');
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        lone,
        fc.string({ unit: 'binary' }),
        fc.boolean(),
        (a, s, b, asKey) => {
          const bad = `${a}${s}${b}`;
          const value = asKey ? { ok: 1, [bad]: 2 } : [1, { ok: bad }];
          let code: unknown;
          try {
            canonicalize(value);
          } catch (err) {
            code = isCoreError(err) ? err.code : err;
          }
          expect(code).toBe('CANONICAL_JSON_INVALID');
        },
      ),
      runs,
    );
  });
});
