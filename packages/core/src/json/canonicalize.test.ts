import { isCoreError } from '../error.js';
import { canonicalize, canonicalizeToBytes, canonicalizeToSink } from './canonicalize.js';
import { MAX_NESTING_DEPTH } from './limits.js';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

function codeOf(value: unknown): unknown {
  const err = thrown(() => canonicalize(value));
  return isCoreError(err) ? err.code : err;
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

describe('canonicalize rejects what has no RFC 8785 form', () => {
  const cyclicObject: Record<string, unknown> = { a: 1 };
  cyclicObject['self'] = cyclicObject;
  const cyclicArray: unknown[] = [1];
  cyclicArray.push([cyclicArray]);
  const deepCycle: Record<string, unknown> = {};
  let tail = deepCycle;
  for (let i = 0; i < 200; i++) {
    const next: Record<string, unknown> = {};
    tail['n'] = next;
    tail = next;
  }
  tail['back'] = deepCycle;

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['NaN in an object', { a: Number.NaN }],
    ['Infinity in an array', [1, Number.POSITIVE_INFINITY]],
    ['a lone high surrogate in a string', 'a\uD800b'],
    ['a lone high surrogate at the end of a string', { s: 'ab\uDBFF' }],
    ['a lone low surrogate in a string', ['\uDC00']],
    ['reversed surrogates', '\uDC00\uD800'],
    ['a lone high surrogate in a key', { 'k\uD83D': 1 }],
    ['a lone low surrogate in a key', { '\uDE00': 1 }],
    ['an object cycle', cyclicObject],
    ['an array cycle', cyclicArray],
    ['a cycle 200 levels deep', deepCycle],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    ['a Date', new Date(0)],
    ['a Date member', { at: new Date(0) }],
    ['a BigInt', 1n],
    ['a BigInt member', { n: 1n }],
    ['a class instance', new Point(1, 2)],
    ['a function', () => 1],
    ['a function member', { f: () => 1 }],
    ['a toJSON method', { toJSON: () => 'x' }],
    ['a symbol', Symbol('s')],
    ['a symbol element', [Symbol('s')]],
    ['a Uint8Array', new Uint8Array([1, 2])],
    ['a Buffer', Buffer.from('ab')],
    ['an ArrayBuffer', new ArrayBuffer(2)],
    ['a boxed string', { s: new String('x') }],
    ['a top-level undefined', undefined],
  ])('%s → CANONICAL_JSON_INVALID', (_name, value) => {
    expect(codeOf(value)).toBe('CANONICAL_JSON_INVALID');
    expect(
      isCoreError(
        thrown(() => canonicalizeToBytes(value)),
        'CANONICAL_JSON_INVALID',
      ),
    ).toBe(true);
  });

  it('names the offending value with a JSON pointer', () => {
    const err = thrown(() => canonicalize({ nodes: [{ id: 'a' }, { 'a/b~c': { line: Number.NaN } }] }));
    expect(isCoreError(err, 'CANONICAL_JSON_INVALID')).toBe(true);
    expect((err as Error).message).toContain('"/nodes/1/a~1b~0c/line"');
  });

  it('rejects more than 1,000 nested containers, deterministically (never a RangeError)', () => {
    const nest = (n: number) => {
      let deep: unknown = 0;
      for (let i = 0; i < n; i++) deep = i % 2 ? [deep] : { k: deep };
      return deep;
    };
    expect(MAX_NESTING_DEPTH).toBe(1000);
    expect(canonicalize(nest(1000))).toHaveLength(4001);
    for (const n of [1001, 5000, 200_000]) expect(codeOf(nest(n))).toBe('CANONICAL_JSON_INVALID');
  });
});

describe('canonicalize accepts plain JSON data', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['booleans', [true, false], '[true,false]'],
    ['-0 as 0', -0, '0'],
    ['-0 inside an array', [-0, 0.0], '[0,0]'],
    ['1e21', 1e21, '1e+21'],
    ['1e20', 1e20, '100000000000000000000'],
    ['5e-324', 5e-324, '5e-324'],
    ['-5e-324', -5e-324, '-5e-324'],
    [
      'int32 edges',
      [2147483647, -2147483648, 2147483648, -2147483649],
      '[2147483647,-2147483648,2147483648,-2147483649]',
    ],
    ['fractions', [0.1, -1.5, 1e-7, 123.456], '[0.1,-1.5,1e-7,123.456]'],
    ['Number.MAX_VALUE', Number.MAX_VALUE, '1.7976931348623157e+308'],
    ['Object.create(null)', Object.assign(Object.create(null), { b: 1, a: 2 }), '{"a":2,"b":1}'],
    ['nested arrays', [[[]], [[1], []]], '[[[]],[[1],[]]]'],
    ['empty containers', { a: {}, b: [] }, '{"a":{},"b":[]}'],
    ['undefined members dropped', { a: undefined, b: 1 }, '{"b":1}'],
    ['undefined elements as null', [undefined, 1], '[null,1]'],
    // biome-ignore lint/suspicious/noSparseArray: holes are what is tested
    ['holes as null', [1, , 3], '[1,null,3]'],
    ['escapes', '"\\\b\f\n\r\t\u0000\u001f\u007f/', '"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u001f\u007f/"'],
    ['unicode verbatim', { 'é€😀': 'ü日本\u2028' }, '{"é€😀":"ü日本\u2028"}'],
    ['a valid surrogate pair', '\uD83D\uDE00', '"😀"'],
    [
      'keys by UTF-16 code units, not code points',
      { '\uFB33': 1, '😀': 2, z: 3 },
      '{"z":3,"😀":2,"\uFB33":1}',
    ],
    [
      'integer-like keys sorted as strings',
      { 10: 'a', 9: 'b', 1: 'c', a: 'd' },
      '{"1":"c","10":"a","9":"b","a":"d"}',
    ],
    ['a __proto__ own key', JSON.parse('{"__proto__":1,"a":2}'), '{"__proto__":1,"a":2}'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalize(value)).toBe(expected);
    expect(Buffer.from(canonicalizeToBytes(value)).toString('utf8')).toBe(expected);
  });

  it('sorts more than 16 keys (the Array#sort path) like the small-object path', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `k${(i * 7919) % 40}`);
    const obj = Object.fromEntries(keys.map((k) => [k, k]));
    const expected = `{${[...keys]
      .sort()
      .map((k) => `"${k}":"${k}"`)
      .join(',')}}`;
    expect(canonicalize(obj)).toBe(expected);
  });

  it('accepts shared (acyclic) references and deep acyclic nesting', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
    let deep: unknown = 'leaf';
    for (let i = 0; i < 1000; i++) deep = { d: deep };
    expect(canonicalize(deep)).toBe(`${'{"d":'.repeat(1000)}"leaf"${'}'.repeat(1000)}`);
  });

  it('accepts an object from another realm', async () => {
    const { runInNewContext } = await import('node:vm');
    expect(canonicalize(runInNewContext('({ b: [1], a: { c: null } })'))).toBe('{"a":{"c":null},"b":[1]}');
  });

  it('does not call toJSON on plain data and reads each member once', () => {
    let reads = 0;
    const obj = {
      get a() {
        reads++;
        return 1;
      },
    };
    expect(canonicalize(obj)).toBe('{"a":1}');
    expect(reads).toBe(1);
  });
});

describe('large outputs (buffer flushing)', () => {
  it('streams, returns bytes and a string that all agree, across many chunks', () => {
    const doc = {
      big: 'x'.repeat(300_000),
      wide: 'é😀\n'.repeat(50_000),
      list: Array.from({ length: 20_000 }, (_, i) => ({ i, s: `item-${i}`, f: i / 7 })),
    };
    const chunks: Uint8Array[] = [];
    const total = canonicalizeToSink(doc, (c) => chunks.push(c.slice()));
    const bytes = canonicalizeToBytes(doc);
    // 64 KiB scratch, then one buffer grown for the 300,000-character string.
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(total).toBe(bytes.length);
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(canonicalize(doc)).toBe(Buffer.from(bytes).toString('utf8'));
    expect(canonicalize(doc)).toBe(
      JSON.stringify({ big: doc.big, list: doc.list.map(({ f, i, s }) => ({ f, i, s })), wide: doc.wide }),
    );
  });

  it('flushes many 64 KiB chunks for a large document of small values', () => {
    const doc = Array.from({ length: 50_000 }, (_, i) => ({
      id: `n${i}`,
      line: i,
      why: { type: 'DirectCall' },
    }));
    const sizes: number[] = [];
    canonicalizeToSink(doc, (c) => sizes.push(c.length));
    expect(sizes.length).toBeGreaterThan(20);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64 * 1024);
    expect(canonicalize(doc)).toBe(JSON.stringify(doc.map(({ id, line, why }) => ({ id, line, why }))));
  });

  it('returns bytes that later calls do not overwrite (no aliasing of the reused scratch buffer)', () => {
    const small = canonicalizeToBytes({ a: 'small' });
    const large = canonicalizeToBytes({ list: Array.from({ length: 30_000 }, (_, i) => `entry-${i}`) });
    const smallCopy = Buffer.from(small);
    const largeCopy = Buffer.from(large);
    canonicalizeToBytes({ z: 'x'.repeat(100_000), list: Array.from({ length: 30_000 }, (_, i) => i) });
    canonicalize({ b: 'other' });
    expect(Buffer.from(small).equals(smallCopy)).toBe(true);
    expect(Buffer.from(large).equals(largeCopy)).toBe(true);
    expect(Buffer.from(small).toString()).toBe('{"a":"small"}');
  });

  it('is re-entrant: a getter may canonicalize while the outer call is running', () => {
    const inner = { z: 'y'.repeat(100_000), a: 1 };
    const obj = {
      get x() {
        return canonicalize(inner);
      },
      pad: 'p'.repeat(70_000),
    };
    const expected = `{"pad":"${'p'.repeat(70_000)}","x":${JSON.stringify(JSON.stringify({ a: 1, z: inner.z }))}}`;
    expect(canonicalize(obj)).toBe(expected);
  });
});
