import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { isCasError } from '../error.js';
import {
  createZstdCompressStream,
  createZstdDecompressStream,
  decompressStreamWith,
  decompressWith,
  isZstd,
  zstdCompress,
  zstdDecompress,
  zstdImplementation,
} from '../zstd.js';
import { availableZstdEngines, type ZstdEngine } from '../zstd-engine.js';

function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  // jest's toEqual walks a Buffer element by element: seconds for a few hundred KB.
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected)).toBe(0);
}

/** Feeds `bytes` in `chunkSize` pieces through the stages and collects the output. */
async function streamThrough(bytes: Uint8Array, chunkSize: number, ...stages: NodeJS.ReadWriteStream[]) {
  const chunks: Buffer[] = [];
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += chunkSize) yield Buffer.from(bytes.subarray(i, i + chunkSize));
    })(),
  );
  await pipeline(source, ...(stages as [NodeJS.ReadWriteStream]), async (out) => {
    for await (const c of out as AsyncIterable<Buffer>) chunks.push(c);
  });
  return Buffer.concat(chunks);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCasError(err) ? err.code : `not a CasError: ${String(err)}`;
  }
  return undefined;
}

async function asyncCodeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (err) {
    return isCasError(err) ? err.code : `not a CasError: ${String(err)}`;
  }
  return undefined;
}

/** A skippable frame (RFC 8878 §3.1.2) with `n` bytes of user data. */
function skippable(n: number): Buffer {
  const f = Buffer.alloc(8 + n, 0x33);
  f.writeUInt32LE(0x184d2a53, 0);
  f.writeUInt32LE(n, 4);
  return f;
}

const text = Buffer.from('{"kind":"function","symbol":"a.b.c"}\n'.repeat(10_000));

describe('zstd (the process engine)', () => {
  it('uses node:zlib when it has zstd, zstd-napi otherwise', () => {
    const nodeHasZstd = typeof (zlib as unknown as Record<string, unknown>).zstdCompressSync === 'function';
    expect(zstdImplementation()).toBe(nodeHasZstd ? 'node:zlib' : 'zstd-napi');
  });

  it('round-trips and really compresses', () => {
    const packed = zstdCompress(text);
    expect(isZstd(packed)).toBe(true);
    expect(packed.length).toBeLessThan(text.length / 20);
    expectBytes(zstdDecompress(packed), text);
    expect(zstdDecompress(zstdCompress(new Uint8Array(0))).length).toBe(0);
  });

  it('round-trips random bytes at any level (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 1, max: 19 }), (bytes, level) => {
        expectBytes(zstdDecompress(zstdCompress(bytes, level)), bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('streams both ways and interoperates with the one-shot functions', async () => {
    const packed = await streamThrough(text, 64 * 1024, createZstdCompressStream(7));
    expectBytes(zstdDecompress(packed), text);
    expectBytes(await streamThrough(zstdCompress(text), 1000, createZstdDecompressStream()), text);
  });

  it('stream decompressor respects backpressure from a slow reader', async () => {
    const big = randomBytes(8 * 1024 * 1024);
    const dec = createZstdDecompressStream();
    Readable.from([zstdCompress(big)]).pipe(dec);
    const chunks: Buffer[] = [];
    for await (const chunk of dec) {
      chunks.push(chunk as Buffer);
      if (chunks.length % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    expectBytes(Buffer.concat(chunks), big);
  });
});

const engines = availableZstdEngines();

describe.each(engines.map((e) => [e.name, e] as const))('zstd engine %s', (_name, engine: ZstdEngine) => {
  const decompress = (bytes: Uint8Array, max = 1 << 30): Buffer => decompressWith(engine, bytes, max);
  const stream = (bytes: Uint8Array, chunk = 4096, max = Infinity): Promise<Buffer> =>
    streamThrough(bytes, chunk, decompressStreamWith(engine, max));

  it('reads what every engine wrote, one-shot and streamed', async () => {
    for (const writer of engines) {
      const packed = writer.compress(text, 3);
      expectBytes(decompress(packed), text);
      expectBytes(await stream(packed), text);
      const streamed = await streamThrough(text, 50_000, writer.compressStream(3));
      expectBytes(decompress(streamed), text);
    }
  });

  it('refuses a decompression bomb (declared size) before allocating it', async () => {
    const bomb = engine.compress(Buffer.alloc(64 * 1024 * 1024), 3);
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(codeOf(() => decompress(bomb, 1024 * 1024))).toBe('BLOB_TOO_LARGE');
    expect(decompress(engine.compress(Buffer.alloc(1000), 3), 1000).length).toBe(1000);
    expect(await asyncCodeOf(stream(bomb, 65536, 1024 * 1024))).toBe('BLOB_TOO_LARGE');
  });

  it('enforces the limit on streamed frames that do not declare their size', async () => {
    const streamed = await streamThrough(Buffer.alloc(4 * 1024 * 1024), 1 << 20, engine.compressStream(3));
    expect(codeOf(() => decompress(streamed, 1024 * 1024))).toBe('BLOB_TOO_LARGE');
    expect(decompress(streamed).length).toBe(4 * 1024 * 1024);
  });

  it('decodes every frame of a multi-frame input and skips skippable frames', async () => {
    const input = Buffer.concat([
      skippable(5),
      engine.compress(Buffer.from('ab'), 3),
      skippable(0),
      engine.compress(Buffer.from('cd'), 3),
      engine.compress(Buffer.alloc(0), 3),
      engine.compress(Buffer.from('ef'), 3),
    ]);
    expect(decompress(input).toString()).toBe('abcdef');
    // Byte by byte: every field of every frame is cut across chunks.
    expect((await stream(input, 1)).toString()).toBe('abcdef');
    expect((await stream(input, 7)).toString()).toBe('abcdef');
  });

  it('rejects truncation anywhere, trailing bytes, garbage and empty input', async () => {
    const packed = Buffer.concat([
      engine.compress(randomBytes(300_000), 3),
      engine.compress(Buffer.from('x'), 3),
    ]);
    const bad = [
      Buffer.alloc(0),
      Buffer.from('definitely not zstd'),
      packed.subarray(0, 3), // inside the magic
      packed.subarray(0, 6), // inside the header
      packed.subarray(0, 100), // inside the first block
      packed.subarray(0, packed.length - 2), // inside the checksum
      Buffer.concat([packed, Buffer.from('trailing')]),
      Buffer.concat([packed, Buffer.from([0x28, 0xb5])]), // half a magic after the last frame
      skippable(3),
    ];
    for (const input of bad) {
      expect(codeOf(() => decompress(input))).toBe('BLOB_COMPRESSION_INVALID');
      expect(await asyncCodeOf(stream(input, 1000))).toBe('BLOB_COMPRESSION_INVALID');
    }
  });

  it('detects corruption through the frame checksum', async () => {
    const packed = Buffer.from(engine.compress(Buffer.from('checksummed content '.repeat(50)), 3));
    packed[packed.length - 1] = (packed[packed.length - 1] as number) ^ 0xff;
    expect(codeOf(() => decompress(packed))).toBe('BLOB_COMPRESSION_INVALID');
    expect(await asyncCodeOf(stream(packed))).toBe('BLOB_COMPRESSION_INVALID');
  });

  it('round-trips random multi-frame inputs cut into random chunks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 500 }),
        async (frames, chunk) => {
          const input = Buffer.concat(frames.map((f) => engine.compress(f, 1)));
          const expected = Buffer.concat(frames);
          expectBytes(decompress(input), expected);
          expectBytes(await stream(input, chunk), expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
