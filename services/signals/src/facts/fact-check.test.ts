import { isValid } from '@stella-ops/core';
import fc from 'fast-check';
import { FactCheck } from './fact-check.js';

/** Strings near every boundary the schema has: lengths, code points, escapes, purl and time forms. */
const anyText = fc.oneof(
  fc.constantFrom('', 'a', 'a\u0000', 'x'.repeat(256), 'x'.repeat(257), 'y'.repeat(512), 'y'.repeat(513)),
  fc.constantFrom('z'.repeat(2048), 'z'.repeat(2049), '\u{1F600}'.repeat(1500), '\u{1F600}'.repeat(1025)),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const purl = fc.oneof(
  fc.constantFrom(
    'pkg:npm/%40acme/orders-api@1.4.2',
    'pkg:npm/lodash@4.17.20',
    'pkg:a/b',
    'pkg:/x',
    'pkg:npm',
    'PKG:npm/x',
    'pkg:np m/x',
    'pkg:9pm/x',
    `pkg:npm/${'a'.repeat(2041)}`,
    `pkg:npm/${'a'.repeat(2040)}`,
    'pkg:\u{1F600}/x',
  ),
  anyText,
);
const timestamp = fc.oneof(
  fc.constantFrom(
    '2026-11-20T10:05:00Z',
    '2026-11-20T10:05:00.5Z',
    '2026-11-20T10:05:00.123456789Z',
    '2024-02-29T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2000-02-29T23:59:59Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-01T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-12-31T24:00:00Z',
    '2026-12-31T23:60:00Z',
    '2026-12-31T23:59:60Z',
    '2026-12-31t23:59:59z',
    '2026-12-31 23:59:59Z',
    '2026-12-31T23:59:59.Z',
    '2026-12-31T23:59:59+00:00',
    '2026-12-31T23:59:59',
    '20x6-12-31T23:59:59Z',
    '2026-1a-31T23:59:59Z',
    '+2026-12-31T23:59:59Z',
    '2026-12-31T23:59:59.1aZ',
  ),
  fc
    .date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  // Every field a little past its range, and the separators and zones ajv-formats also knows.
  fc
    .tuple(
      fc.constantFrom(1900, 2000, 2023, 2024, 2100),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.constantFrom('T', 't', ' ', 'x'),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.constantFrom('', '.5', '.', '.123456789'),
      fc.constantFrom('Z', 'z', '', '+01:00'),
    )
    .map(([y, mo, d, sep, h, mi, s, frac, zone]) => {
      const p = (n: number) => String(n).padStart(2, '0');
      return `${y}-${p(mo)}-${p(d)}${sep}${p(h)}:${p(mi)}:${p(s)}${frac}${zone}`;
    }),
  anyText,
);
const hitCount = fc.oneof(
  fc.integer({ min: -2, max: 100 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1.5, Number.NaN, 1e300, -0),
  fc.constant('1'),
);
const factType = fc.oneof(fc.constantFrom('invocation', 'call', 'load'), anyText);

/** One or two members of a fact replaced by edge values (or an unknown member added). */
const overrides = fc
  .array(
    fc.oneof(
      ...Object.entries({
        symbolId: anyText,
        callerSymbolId: anyText,
        codeId: anyText,
        process: anyText,
        containerId: anyText,
        host: anyText,
        purl,
        hitCount,
        observedAt: timestamp,
        factType,
        extra: fc.constant(1),
      }).map(([key, arb]) => arb.map((v: unknown) => ({ [key]: v }))),
    ),
    { maxLength: 2 },
  )
  .map((list) => Object.assign({}, ...list) as Record<string, unknown>);

/** Ordinary facts an agent sends: the fast path must accept every one. */
const ordinaryFact = fc.record(
  {
    symbolId: fc.string({ minLength: 1, maxLength: 80 }),
    callerSymbolId: fc.string({ minLength: 1, maxLength: 80 }),
    codeId: fc.string({ minLength: 1, maxLength: 80 }),
    process: fc.string({ minLength: 1, maxLength: 80 }),
    containerId: fc.string({ minLength: 1, maxLength: 80 }),
    host: fc.string({ minLength: 1, maxLength: 80 }),
    purl: fc.constantFrom('pkg:npm/%40acme/orders-api@1.4.2', 'pkg:maven/org.x/y@1.0', 'pkg:golang/a.b/c'),
    hitCount: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    observedAt: fc
      .date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString()),
    factType: fc.constantFrom('invocation' as const, 'load' as const),
  },
  { requiredKeys: ['symbolId', 'hitCount', 'observedAt', 'factType'] },
);

const REQUIRED = ['symbolId', 'hitCount', 'observedAt', 'factType'];

describe('FactCheck.certainlyValid', () => {
  it('accepts only what the runtime-fact schema accepts', () => {
    const check = new FactCheck();
    fc.assert(
      fc.property(ordinaryFact, overrides, fc.subarray(REQUIRED), (fact, over, dropped) => {
        const value: Record<string, unknown> = { ...fact, ...over };
        for (const key of dropped) delete value[key];
        const parsed = JSON.parse(JSON.stringify(value)) as unknown;
        if (check.certainlyValid(parsed)) expect(isValid('runtime-fact@v1', parsed)).toBe(true);
      }),
      { numRuns: 10000 },
    );
  });

  it('accepts every ordinary fact (so ajv stays off the hot path)', () => {
    const check = new FactCheck();
    fc.assert(
      fc.property(ordinaryFact, fc.boolean(), (fact, asCall) => {
        const value = JSON.parse(
          JSON.stringify(
            asCall
              ? { ...fact, factType: 'call', callerSymbolId: fact.callerSymbolId ?? 'caller' }
              : { ...fact, callerSymbolId: undefined },
          ),
        ) as unknown;
        expect(isValid('runtime-fact@v1', value)).toBe(true);
        expect(check.certainlyValid(value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves the unusual to ajv: leap seconds, other separators, long strings counted in code points', () => {
    const check = new FactCheck();
    const base = { symbolId: 's', hitCount: 1, observedAt: '2026-11-20T10:05:00Z', factType: 'load' };
    expect(check.certainlyValid(base)).toBe(true);
    for (const unusual of [
      { ...base, observedAt: '2016-12-31T23:59:60Z' },
      { ...base, observedAt: '2026-11-20t10:05:00Z' },
      { ...base, observedAt: '2026-11-20 10:05:00Z' },
      { ...base, host: '\u{1F600}'.repeat(200) },
    ]) {
      expect(isValid('runtime-fact@v1', unusual)).toBe(true);
      expect(check.certainlyValid(unusual)).toBe(false);
    }
  });

  it('rejects what the schema rejects: members, required, call without caller, bad values', () => {
    const check = new FactCheck();
    const base = { symbolId: 's', hitCount: 1, observedAt: '2026-11-20T10:05:00Z', factType: 'load' };
    for (const bad of [
      null,
      [],
      'fact',
      { ...base, symbolId: undefined },
      { ...base, factType: 'call' },
      { ...base, hitCount: 0 },
      { ...base, hitCount: 2 ** 53 },
      { ...base, observedAt: '2023-02-29T00:00:00Z' },
      { ...base, observedAt: '2024-02-30T00:00:00Z' },
      { ...base, observedAt: '20x6-12-31T23:59:59Z' },
      { ...base, observedAt: '2026-12-31T23:59:59.1aZ' },
      { ...base, observedAt: '2026-12-31T23:59:59.Z' },
      { ...base, observedAt: '2026-12-31T23:59:59.5' },
      { ...base, purl: 'npm/x' },
      { ...base, other: 1 },
      JSON.parse(
        '{"symbolId":"s","hitCount":1,"observedAt":"2026-11-20T10:05:00Z","factType":"load","__proto__":1}',
      ),
    ]) {
      expect(check.certainlyValid(bad)).toBe(false);
      expect(isValid('runtime-fact@v1', bad)).toBe(false);
    }
  });

  it('accepts only batches the runtime-fact-batch schema accepts, and the ordinary batch', () => {
    const check = new FactCheck();
    const ulid = fc.oneof(
      fc.constantFrom(
        '01JF0000000000000000000000',
        '81JF0000000000000000000000',
        '01JF000000000000000000000I',
      ),
      fc.constantFrom('01jf0000000000000000000000', '01JF00000000000000000000000', ''),
    );
    const hash = fc.constantFrom(`sha256:${'a'.repeat(64)}`, `sha256:${'A'.repeat(64)}`, 'sha256:ab', 'x');
    const batchOverrides = fc.record(
      {
        callgraphId: ulid,
        source: anyText,
        provenanceHash: hash,
        facts: fc.oneof(fc.constant([]), fc.array(fc.tuple(ordinaryFact, overrides), { maxLength: 3 })),
        other: fc.constant(1),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(ordinaryFact, { minLength: 1, maxLength: 3 }), batchOverrides, (facts, over) => {
        const { facts: mutated, ...rest } = over;
        const value = JSON.parse(
          JSON.stringify({
            callgraphId: '01JF0000000000000000000000',
            source: 'agent',
            facts: Array.isArray(mutated)
              ? mutated.map((m) => (Array.isArray(m) ? { ...m[0], ...m[1] } : m))
              : facts,
            ...rest,
          }),
        ) as unknown;
        if (check.certainlyValidBatch(value)) expect(isValid('runtime-fact-batch@v1', value)).toBe(true);
        if (Object.keys(over).length === 0) expect(check.certainlyValidBatch(value)).toBe(true);
      }),
      { numRuns: 3000 },
    );
    const batch = { callgraphId: '01JF0000000000000000000000', source: 's', facts: [] };
    expect(check.certainlyValidBatch(batch)).toBe(false);
    expect(check.certainlyValidBatch({ ...batch, facts: [{ symbolId: 's' }] })).toBe(false);
  });
});
