import fc from 'fast-check';
import { MAX_BATCH_BYTES, splitNdjsonBatches } from './split-batches.js';

async function collect(chunks: Buffer[], max: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const batch of splitNdjsonBatches(source(), max)) out.push(batch);
  return out;
}

/** Cuts `data` into pieces at the given offsets (any byte, also inside a line or a UTF-8 character). */
function cut(data: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (data.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    pieces.push(data.subarray(from, p));
    from = p;
  }
  pieces.push(data.subarray(from));
  return pieces;
}

describe('splitNdjsonBatches', () => {
  it('keeps every non-blank line whole and in order, each batch within the limit, however the input is chunked', async () => {
    const line = fc
      .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
      .map((s) => s.replace(/\n/g, ' '));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(line, fc.constant('')), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 200, max: 400 }),
        async (lines, offsets, max) => {
          const text = lines.map((l) => `${l}\n`).join('');
          const batches = await collect(cut(Buffer.from(text), offsets), max);
          const expected = lines.filter((l) => l.trim() !== '').map((l) => `${l}\n`);
          expect(batches.map((b) => b.toString('utf8')).join('')).toBe(expected.join(''));
          for (const b of batches) {
            expect(b.length).toBeLessThanOrEqual(max);
            expect(b.length).toBeGreaterThan(0);
            expect(b.at(-1)).toBe(0x0a);
          }
          // Greedy: a batch is closed only when the next line would not fit.
          const all = Buffer.from(expected.join(''));
          let offset = 0;
          for (const b of batches.slice(0, -1)) {
            offset += b.length;
            const rest = all.subarray(offset);
            const nextLine = rest.subarray(0, rest.indexOf(0x0a) + 1);
            expect(b.length + nextLine.length).toBeGreaterThan(max);
          }
        },
      ),
    );
  });

  it('adds the missing newline to a last line and drops blank lines', async () => {
    const batches = await collect([Buffer.from('a\n\n  \nb')], 100);
    expect(batches.map((b) => b.toString())).toEqual(['a\nb\n']);
  });

  it('splits at the limit exactly', async () => {
    const batches = await collect([Buffer.from('aaa\nbbb\nccc\n')], 8);
    expect(batches.map((b) => b.toString())).toEqual(['aaa\nbbb\n', 'ccc\n']);
  });

  it('refuses a line longer than a batch with LINE_TOO_LARGE', async () => {
    await expect(collect([Buffer.from('ok\n'), Buffer.from('x'.repeat(20))], 10)).rejects.toMatchObject({
      code: 'LINE_TOO_LARGE',
    });
  });
});

describe('splitNdjsonBatches at the service limit', () => {
  it('cuts 21 MiB of facts into three batches of at most 10 MiB, losing no line', async () => {
    const line = Buffer.from(`${JSON.stringify({ symbolId: 'x'.repeat(200), hitCount: 1 })}\n`);
    const count = Math.ceil((21 * 1024 * 1024) / line.length);
    async function* source() {
      for (let i = 0; i < count; i += 1000) yield Buffer.concat(Array(Math.min(1000, count - i)).fill(line));
    }
    let lines = 0;
    const sizes: number[] = [];
    for await (const batch of splitNdjsonBatches(source())) {
      sizes.push(batch.length);
      lines += batch.length / line.length;
    }
    expect(sizes).toHaveLength(3);
    expect(sizes.every((s) => s <= MAX_BATCH_BYTES && s % line.length === 0)).toBe(true);
    expect(lines).toBe(count);
  });
});
