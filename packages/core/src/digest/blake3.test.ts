import { readFileSync } from 'node:fs';
import { blake3, createBlake3Hasher } from './blake3.js';
import { LARGE_STRING_CODE_UNITS } from './utf8-chunks.js';

interface Blake3Case {
  input_len: number;
  hash: string;
}
const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/blake3/test_vectors/test_vectors.json', import.meta.url), 'utf8'),
) as { cases: Blake3Case[] };

/** The official vectors' input: bytes `i % 251`. */
function input(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => i % 251);
}

describe('blake3', () => {
  it('has the 35 official cases', () => {
    expect(vectors.cases).toHaveLength(35);
  });

  it.each(vectors.cases.map((c) => [c.input_len, c.hash.slice(0, 64)] as const))(
    'official vector, %i bytes',
    async (length, expected) => {
      expect(await blake3(input(length))).toBe(`blake3:${expected}`);
      const hasher = await createBlake3Hasher();
      const bytes = input(length);
      // Fed in uneven pieces: the incremental hasher must give the same digest.
      for (let i = 0; i < bytes.length; i += 1000) hasher.update(bytes.subarray(i, i + 1000));
      expect(hasher.digest()).toBe(`blake3:${expected}`);
    },
  );

  it('hashes strings as UTF-8', async () => {
    expect(await blake3('')).toBe('blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
    expect(await blake3('é😀')).toBe(await blake3(new TextEncoder().encode('é😀')));
  });

  it('hashes a large string piece by piece to the same digest as its UTF-8 bytes', async () => {
    // A surrogate pair straddles every 16 Ki-code-unit piece boundary.
    const unit = `${'a'.repeat(16 * 1024 - 1)}😀`;
    const big = unit.repeat(Math.ceil((LARGE_STRING_CODE_UNITS + 10) / unit.length));
    expect(big.length).toBeGreaterThan(LARGE_STRING_CODE_UNITS);
    const expected = await blake3(new TextEncoder().encode(big));
    expect(await blake3(big)).toBe(expected);
    const hasher = await createBlake3Hasher();
    expect(hasher.update(big).digest()).toBe(expected);
  });

  it('gives independent incremental hashers', async () => {
    const [a, b] = await Promise.all([createBlake3Hasher(), createBlake3Hasher()]);
    a.update('hello ');
    b.update('other');
    a.update(new TextEncoder().encode('world'));
    expect(a.digest()).toBe(await blake3('hello world'));
    expect(b.digest()).toBe(await blake3('other'));
  });
});
