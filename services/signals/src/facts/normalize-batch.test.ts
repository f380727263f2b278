import { canonicalize, type RuntimeFact, sha256 } from '@stella-ops/core';
import fc from 'fast-check';
import { canonicalFact, canonicalValidFact, normalizeBatch } from './normalize-batch.js';

const plainArb = fc.record(
  {
    symbolId: fc.constantFrom('a', 'b', 'é', 'a\u0000', 'b/c', '\u{1F600}'),
    codeId: fc.constantFrom('x', 'y', '\u0000x'),
    host: fc.constantFrom('h1', 'h2'),
    hitCount: fc.integer({ min: 1, max: 1000 }),
    observedAt: fc.constantFrom('2025-12-19T10:00:00Z', '2025-12-19T10:00:00.5Z', '2025-12-19T09:00:00Z'),
    factType: fc.constantFrom('invocation' as const, 'load' as const),
  },
  { requiredKeys: ['symbolId', 'hitCount', 'observedAt', 'factType'] },
);
const factArb: fc.Arbitrary<RuntimeFact> = fc.oneof(
  plainArb,
  fc
    .tuple(plainArb, fc.constantFrom('a', 'b', 'caller'))
    .map(([f, callerSymbolId]): RuntimeFact => ({ ...f, factType: 'call', callerSymbolId })),
);
/** The dedup key: one stored fact per (symbolId, codeId, factType, callerSymbolId). */
const key = (f: RuntimeFact) =>
  JSON.stringify([f.symbolId, f.codeId ?? null, f.factType, f.callerSymbolId ?? null]);

/** No lone surrogate (encodeURIComponent throws on one). */
function wellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

describe('normalizeBatch', () => {
  it('gives the same bytes and hash for the same facts in any order', () => {
    fc.assert(
      fc.property(
        fc
          .array(factArb, { minLength: 1, maxLength: 40 })
          .chain((facts) =>
            fc.tuple(
              fc.constant(facts),
              fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
            ),
          ),
        ([facts, shuffled]) => {
          const a = normalizeBatch(facts);
          const b = normalizeBatch(shuffled);
          expect(b.canonical.equals(a.canonical)).toBe(true);
        },
      ),
    );
  });

  it('keeps one fact per (symbolId, codeId, factType, callerSymbolId), summing hits, from the earliest observation', () => {
    fc.assert(
      fc.property(fc.array(factArb, { minLength: 1, maxLength: 40 }), (facts) => {
        const { facts: out, merged } = normalizeBatch(facts);
        expect(new Set(out.map(key)).size).toBe(out.length);
        expect(merged).toBe(facts.length - out.length);
        for (const f of out) {
          const group = facts.filter((g) => key(g) === key(f));
          expect(f.hitCount).toBe(group.reduce((n, g) => n + g.hitCount, 0));
          expect(Date.parse(f.observedAt)).toBe(Math.min(...group.map((g) => Date.parse(g.observedAt))));
        }
      }),
    );
  });

  it('stores canonical JSON lines sorted by (symbolId, codeId), hashed with sha256', () => {
    const facts: RuntimeFact[] = [
      { symbolId: 'b', hitCount: 1, observedAt: '2025-01-01T00:00:00Z', factType: 'load' },
      { symbolId: 'a', codeId: 'z', hitCount: 1, observedAt: '2025-01-01T00:00:00Z', factType: 'invocation' },
      { symbolId: 'a', hitCount: 1, observedAt: '2025-01-01T00:00:00Z', factType: 'invocation' },
    ];
    const out = normalizeBatch(facts);
    const text = `${[facts[2], facts[1], facts[0]].map((f) => canonicalize(f)).join('\n')}\n`;
    expect(out.canonical.toString()).toBe(text);
    expect(sha256(out.canonical)).toBe(sha256(text));
    expect(out.factTypes).toEqual(['invocation', 'load']);
  });

  it('keeps a call fact apart from the invocation of the same symbol and code (both count the same runs)', () => {
    const at = '2026-11-20T10:08:00Z';
    const invocation: RuntimeFact = {
      symbolId: 't',
      codeId: 'c',
      hitCount: 212,
      observedAt: at,
      factType: 'invocation',
    };
    const call: RuntimeFact = { ...invocation, factType: 'call', callerSymbolId: 'render' };
    const other: RuntimeFact = { ...call, callerSymbolId: 'export', hitCount: 5 };
    const out = normalizeBatch([call, invocation, other, { ...call, hitCount: 1 }]);
    expect(out.facts).toEqual([
      { ...call, callerSymbolId: 'export', hitCount: 5 },
      { ...call, hitCount: 213 },
      invocation,
    ]);
    expect(out.merged).toBe(1);
    expect(
      normalizeBatch([invocation, other, call, call]).canonical.equals(
        normalizeBatch([call, other, invocation, call]).canonical,
      ),
    ).toBe(true);
  });

  it('caps summed hits at 2^53-1', () => {
    const f: RuntimeFact = {
      symbolId: 'a',
      hitCount: Number.MAX_SAFE_INTEGER,
      observedAt: '2025-01-01T00:00:00Z',
      factType: 'load',
    };
    expect(normalizeBatch([f, { ...f, hitCount: 5 }]).facts[0]?.hitCount).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('canonicalizes a fact exactly as core canonicalize (RFC 8785), any strings', () => {
    // Any text, plus lone surrogates and a literal backslash before "ud" (the fallback's trigger).
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.constantFrom('\ud800', 'a\udfff', '\\ud83d', '\\u0041', '"\n\t\u0001'),
    );
    const outcome = (f: () => string) => {
      try {
        return f();
      } catch (err) {
        return `threw ${(err as { code?: string }).code}`;
      }
    };
    fc.assert(
      fc.property(
        fc.record(
          {
            symbolId: text,
            callerSymbolId: text,
            codeId: text,
            process: text,
            purl: text,
            host: text,
            containerId: text,
            hitCount: fc.maxSafeNat(),
            observedAt: text,
            factType: fc.constantFrom('invocation' as const, 'call' as const, 'load' as const),
          },
          { requiredKeys: ['symbolId', 'hitCount', 'observedAt', 'factType'] },
        ),
        (f) => {
          const expected = outcome(() => canonicalize(f));
          expect(outcome(() => canonicalFact(f))).toBe(expected);
          // The schema-valid path, told nothing about escapes, tests every string itself.
          expect(outcome(() => canonicalValidFact(f, false))).toBe(expected);
          // Told there is nothing to escape (true when it is so), it concatenates.
          const values = Object.values(f).filter((v): v is string => typeof v === 'string');
          if (values.every((v) => wellFormed(v) && JSON.stringify(v) === `"${v}"`)) {
            expect(outcome(() => canonicalValidFact(f, true))).toBe(expected);
          }
        },
      ),
      { numRuns: 1000 },
    );
    expect(() =>
      canonicalFact({ symbolId: '\ud800', hitCount: 1, observedAt: 'x', factType: 'load' }),
    ).toThrow(expect.objectContaining({ code: 'CANONICAL_JSON_INVALID' }));
  });
});
