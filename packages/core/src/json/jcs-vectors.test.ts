import { readdirSync, readFileSync } from 'node:fs';
import { canonicalize, canonicalizeToBytes } from './canonicalize.js';

const jcsDir = new URL('../../vectors/jcs/', import.meta.url);
const testdata = new URL('testdata/', jcsDir);
const names = readdirSync(new URL('input/', testdata)).map((f) => f.replace(/\.json$/, ''));

describe('RFC 8785 test vectors (cyberphone/json-canonicalization testdata)', () => {
  it('has the six upstream cases', () => {
    expect(names.sort()).toEqual(['arrays', 'french', 'structures', 'unicode', 'values', 'weird']);
  });

  it.each(names)('%s: input canonicalizes to output byte for byte', (name) => {
    const input: unknown = JSON.parse(readFileSync(new URL(`input/${name}.json`, testdata), 'utf8'));
    const expected = new Uint8Array(readFileSync(new URL(`output/${name}.json`, testdata)));
    expect(Buffer.from(canonicalizeToBytes(input)).equals(expected)).toBe(true);
    expect(canonicalize(input)).toBe(new TextDecoder().decode(expected));
  });

  it.each(names)('%s: outhex decodes to output', (name) => {
    const hex = readFileSync(new URL(`outhex/${name}.txt`, testdata), 'utf8')
      .trim()
      .split(/\s+/);
    const bytes = Uint8Array.from(hex, (h) => Number.parseInt(h, 16));
    expect(Buffer.from(bytes).equals(readFileSync(new URL(`output/${name}.json`, testdata)))).toBe(true);
  });
});

describe('ES6 number serialization (es6testfile100m, first 10,000 lines)', () => {
  const lines = readFileSync(new URL('es6testfile100m.first10000.txt', jcsDir), 'utf8').split('\n');
  const cases = lines.filter((l) => l !== '').map((line) => line.split(',') as [string, string]);
  const view = new DataView(new ArrayBuffer(8));

  it('has 10,000 samples', () => {
    expect(cases).toHaveLength(10_000);
  });

  it('serializes every binary64 bit pattern to the expected text', () => {
    const mismatches: string[] = [];
    for (const [hex, expected] of cases) {
      view.setBigUint64(0, BigInt(`0x${hex}`));
      const value = view.getFloat64(0);
      const got = canonicalize(value);
      // Inside a container too: the writer's integer fast path and general path must agree.
      const inArray = canonicalize([value]);
      if (got !== expected || inArray !== `[${expected}]`) mismatches.push(`${hex}: ${got} ≠ ${expected}`);
    }
    expect(mismatches).toEqual([]);
  });
});
