import { Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { zstdCompress } from '@stella-ops/cas';
import fc from 'fast-check';
import { decodeUtf8, parseJsonBody, parseNdjson, readBody } from './body.js';
import { HttpProblem } from './problem.js';

/** A request-like stream: what express hands `readBody`, headers included. */
function request(
  body: Buffer,
  headers: Record<string, string> = {},
): Readable & { headers: Record<string, string> } {
  return Object.assign(Readable.from([body]), { headers });
}

async function problemOf(work: () => Promise<unknown> | unknown): Promise<HttpProblem> {
  try {
    await work();
  } catch (err) {
    if (err instanceof HttpProblem) return err;
    throw err;
  }
  throw new Error('expected a problem');
}

describe('readBody', () => {
  const text = Buffer.from('{"hello":"world"}\n'.repeat(100));

  it('returns an uncompressed body as sent', async () => {
    expect(await readBody(request(text), { maxBytes: 1 << 20 })).toEqual(text);
  });

  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['zstd', (b: Buffer) => zstdCompress(b)],
  ])('decompresses Content-Encoding %s', async (encoding, compress) => {
    const body = await readBody(request(compress(text), { 'content-encoding': encoding }), {
      maxBytes: 1 << 20,
    });
    expect(body).toEqual(text);
  });

  it('hands onChunk the decompressed body piece by piece, in order', async () => {
    const big = Buffer.from('{"piece":"of a larger body"}\n'.repeat(20_000));
    for (const [encoding, wire] of [
      ['identity', big],
      ['gzip', gzipSync(big)],
    ] as const) {
      const pieces: Buffer[] = [];
      const onWire = Array.from({ length: Math.ceil(wire.length / 65_536) }, (_, i) =>
        wire.subarray(i * 65_536, (i + 1) * 65_536),
      );
      const req = Object.assign(Readable.from(onWire), { headers: { 'content-encoding': encoding } });
      const body = await readBody(req, {
        maxBytes: 1 << 24,
        onChunk: (c) => pieces.push(Buffer.from(c)),
      });
      expect(pieces.length).toBeGreaterThan(1);
      expect(Buffer.concat(pieces)).toEqual(body);
      expect(body).toEqual(big);
    }
  });

  it('rejects a declared Content-Length over the limit with 413 PAYLOAD_TOO_LARGE before reading', async () => {
    const problem = await problemOf(() =>
      readBody(request(Buffer.alloc(10), { 'content-length': '2048' }), { maxBytes: 1024 }),
    );
    expect([problem.status, problem.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('rejects an undeclared body that grows past the limit with 413', async () => {
    const problem = await problemOf(() => readBody(request(Buffer.alloc(2048)), { maxBytes: 1024 }));
    expect([problem.status, problem.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('applies the limit to the decompressed size: a 64 MiB gzip bomb of a few KiB is 413', async () => {
    const bomb = gzipSync(Buffer.alloc(64 << 20));
    expect(bomb.length).toBeLessThan(100 << 10);
    const problem = await problemOf(() =>
      readBody(request(bomb, { 'content-encoding': 'gzip' }), { maxBytes: 1 << 20 }),
    );
    expect([problem.status, problem.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('applies the limit to a zstd bomb too', async () => {
    const bomb = zstdCompress(Buffer.alloc(64 << 20));
    const problem = await problemOf(() =>
      readBody(request(bomb, { 'content-encoding': 'zstd' }), { maxBytes: 1 << 20 }),
    );
    expect([problem.status, problem.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it.each(['gzip', 'deflate', 'zstd'])(
    'answers corrupt %s data with 400 BODY_ENCODING_INVALID',
    async (encoding) => {
      const problem = await problemOf(() =>
        readBody(request(Buffer.from('definitely not compressed'), { 'content-encoding': encoding }), {
          maxBytes: 1 << 20,
        }),
      );
      expect([problem.status, problem.code]).toEqual([400, 'BODY_ENCODING_INVALID']);
    },
  );

  it('answers an unsupported Content-Encoding with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const problem = await problemOf(() =>
      readBody(request(text, { 'content-encoding': 'br' }), { maxBytes: 1 << 20 }),
    );
    expect([problem.status, problem.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
});

describe('parseNdjson', () => {
  it('parses each line with its 1-based number, skipping blank lines and CRLF endings', () => {
    const lines = parseNdjson(Buffer.from('{"a":1}\r\n\n  \n[2]\n"three"'));
    expect(lines).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: [2] },
      { line: 5, value: 'three' },
    ]);
  });

  it('names the first line that is not JSON: 400 NDJSON_INVALID', async () => {
    const problem = await problemOf(() => parseNdjson(Buffer.from('{"a":1}\n{"b":2}\n{"c":\n')));
    expect([problem.status, problem.code]).toEqual([400, 'NDJSON_INVALID']);
    expect(problem.detail).toBe('line 3 is not valid JSON');
    expect(problem.errors).toEqual([{ pointer: '', line: 3, message: 'not valid JSON' }]);
  });

  it('rejects invalid UTF-8 with 400 BODY_ENCODING_INVALID', async () => {
    const problem = await problemOf(() => parseNdjson(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])));
    expect([problem.status, problem.code]).toEqual([400, 'BODY_ENCODING_INVALID']);
  });

  it('gives back any sequence of JSON values written one per line', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), (values) => {
        const body = Buffer.from(values.map((v) => `${JSON.stringify(v)}\n`).join(''));
        const parsed = parseNdjson(body).map((l) => l.value);
        expect(parsed).toEqual(values.map((v) => JSON.parse(JSON.stringify(v)) as unknown));
      }),
    );
  });
});

describe('parseJsonBody', () => {
  it('parses a JSON document', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,2]}'))).toEqual({ a: [1, 2] });
  });

  it('answers broken JSON with 400 JSON_INVALID', async () => {
    const problem = await problemOf(() => parseJsonBody(Buffer.from('{"a":')));
    expect([problem.status, problem.code]).toEqual([400, 'JSON_INVALID']);
  });

  it('answers invalid UTF-8 with 400 BODY_ENCODING_INVALID', async () => {
    const problem = await problemOf(() => parseJsonBody(Buffer.from([0x22, 0xc3, 0x28, 0x22])));
    expect([problem.status, problem.code]).toEqual([400, 'BODY_ENCODING_INVALID']);
  });
});

describe('decodeUtf8', () => {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const outcome = (decode: () => string) => {
    try {
      return { text: decode() };
    } catch (err) {
      return { error: (err as Error).name };
    }
  };

  it('decodes exactly as a fatal TextDecoder, ASCII or not, valid or not (property)', () => {
    const bytes = fc.oneof(
      fc.string({ unit: 'grapheme' }).map((t) => new TextEncoder().encode(t)),
      fc.string({ unit: 'binary' }).map((t) => Buffer.from(t, 'latin1')),
      fc.uint8Array({ maxLength: 64 }),
    );
    fc.assert(
      fc.property(bytes, fc.nat({ max: 8 }), (b, offset) => {
        // A view that does not start at its buffer's start, as request bodies often are.
        const view = new Uint8Array(offset + b.length);
        view.set(b, offset);
        const input = view.subarray(offset);
        expect(outcome(() => decodeUtf8(input))).toEqual(outcome(() => strict.decode(input)));
      }),
    );
  });

  it('drops a BOM and refuses invalid UTF-8 like TextDecoder', () => {
    expect(decodeUtf8(Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('{}');
    expect(() => decodeUtf8(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow('not valid');
    expect(decodeUtf8(Buffer.from('{"a":"plain ascii"}'))).toBe('{"a":"plain ascii"}');
  });
});
