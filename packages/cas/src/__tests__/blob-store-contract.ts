import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { BlobStore } from '../blob-store.js';
import { isCasError } from '../error.js';
import { prepareBlob } from '../prepared-blob.js';
import { isZstd, zstdCompress, zstdDecompress } from '../zstd.js';

/** A backend under test plus raw access to what it stores, behind the store's back. */
export interface BlobStoreHarness {
  store: BlobStore;
  /** The bytes at rest for `key` (the zstd frame for `.zst` keys). */
  readStored(key: string): Promise<Buffer>;
  /** Replaces the bytes at rest, keeping the recorded digest, size and metadata: a tampering. */
  writeStored(key: string, bytes: Uint8Array): Promise<void>;
  /** Frees the harness (the backing server is the caller's). */
  dispose(): Promise<void>;
}

const sha256 = (b: Uint8Array): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function expectBytes(actual: Uint8Array, expected: Uint8Array): void {
  // jest's toEqual walks buffers element by element: far too slow for megabytes.
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected)).toBe(0);
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  const err = await caught(p);
  expect(isCasError(err) ? err.code : err).toBe(code);
}

/** Consumes a stream; resolves with its bytes or rejects with its error. */
async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function chunked(bytes: Buffer, size: number): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  );
}

/**
 * The behaviour every `BlobStore` backend must have. Run it once per backend:
 * `describeBlobStoreContract('fs', async () => harness)`.
 */
export function describeBlobStoreContract(name: string, factory: () => Promise<BlobStoreHarness>): void {
  describe(`BlobStore contract: ${name}`, () => {
    let h: BlobStoreHarness;
    let store: BlobStore;
    let n = 0;
    /** A fresh key namespace per test, so tests never see each other's objects. */
    const ns = (): string => `t${++n}-${randomBytes(3).toString('hex')}/`;

    beforeAll(async () => {
      h = await factory();
      store = h.store;
      await store.ensureReady();
    });
    afterAll(async () => {
      await h?.store.close();
      await h?.dispose();
    });

    it('ensureReady is idempotent', async () => {
      await store.ensureReady();
      await store.ensureReady();
    });

    it('round-trips bytes with digest, sizes, content type and metadata', async () => {
      const key = `${ns()}doc.json`;
      const body = Buffer.from('{"héllo":"wörld"}\n');
      const before = Date.now();
      const put = await store.put(key, body, {
        contentType: 'application/json',
        metadata: { tenant: 't-1', kind: 'x' },
      });
      expect(put).toEqual({ key, digest: sha256(body), size: body.length, storedSize: body.length });
      expectBytes(await store.getBytes(key), body);
      expectBytes(await drain(await store.get(key)), body);
      const head = await store.head(key);
      expect(head).toMatchObject({
        key,
        digest: sha256(body),
        size: body.length,
        storedSize: body.length,
        contentType: 'application/json',
        metadata: { tenant: 't-1', kind: 'x' },
      });
      expect(head?.lastModified).toBeInstanceOf(Date);
      // S3 reports Last-Modified in whole seconds.
      expect(head?.lastModified.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 2000);
      expect(head?.lastModified.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
      expect((await store.head(key))?.metadata).not.toHaveProperty('sha256');
    });

    it('round-trips empty content, plain and .zst', async () => {
      const base = ns();
      for (const key of [`${base}empty`, `${base}empty.zst`]) {
        const put = await store.put(key, new Uint8Array(0));
        expect(put.size).toBe(0);
        expect(put.digest).toBe(sha256(new Uint8Array(0)));
        expect((await store.getBytes(key)).length).toBe(0);
        expect((await store.head(key))?.size).toBe(0);
      }
    });

    it('stores .zst keys as real zstd and reads them back decompressed', async () => {
      const key = `${ns()}graph.ndjson.zst`;
      const body = Buffer.from('{"id":"n1","kind":"function"}\n'.repeat(5000));
      const put = await store.put(key, body, { contentType: 'application/x-ndjson' });
      expect(put.digest).toBe(sha256(body)); // digest of the uncompressed bytes
      expect(put.size).toBe(body.length);
      expect(put.storedSize).toBeLessThan(body.length / 10);
      const stored = await h.readStored(key);
      expect(stored.length).toBe(put.storedSize);
      expect(isZstd(stored)).toBe(true);
      expectBytes(zstdDecompress(stored), body);
      expectBytes(await store.getBytes(key), body);
      expect(await store.head(key)).toMatchObject({
        size: body.length,
        storedSize: put.storedSize,
        digest: put.digest,
      });
    });

    it('stores a prepared blob as given and reads it back like one put as bytes (plain and .zst)', async () => {
      const base = ns();
      const body = Buffer.from('{"symbolId":"a","hitCount":1}\n'.repeat(4000));
      for (const [key, compress] of [
        [`${base}facts.ndjson.zst`, true],
        [`${base}facts.ndjson`, false],
      ] as const) {
        const prepared = prepareBlob(body, { compress });
        const put = await store.put(key, prepared, {
          contentType: 'application/x-ndjson',
          metadata: { a: 'b' },
        });
        expect(put).toEqual({
          key,
          digest: sha256(body),
          size: body.length,
          storedSize: prepared.stored.length,
        });
        expectBytes(await h.readStored(key), prepared.stored);
        expectBytes(await store.getBytes(key), body);
        expect(await store.head(key)).toMatchObject({
          digest: sha256(body),
          size: body.length,
          metadata: { a: 'b' },
        });
        // The same content put as bytes reads back the same.
        const again = await store.put(`${key}.2${compress ? '.zst' : ''}`, body);
        expect(again.digest).toBe(put.digest);
      }
      expect(prepareBlob(body, { compress: true }).stored.length).toBeLessThan(body.length / 10);
    });

    it('rejects a prepared blob that does not fit its key, and never serves one with a wrong digest', async () => {
      const base = ns();
      const body = Buffer.from('some content\n'.repeat(100));
      const zst = prepareBlob(body, { compress: true });
      const plain = prepareBlob(body, { compress: false });
      await expectCode(store.put(`${base}a`, zst), 'BLOB_COMPRESSION_INVALID');
      await expectCode(store.put(`${base}a.zst`, plain), 'BLOB_COMPRESSION_INVALID');
      await expectCode(store.put(`${base}b`, { ...plain, size: plain.size + 1 }), 'BLOB_COMPRESSION_INVALID');
      await expectCode(store.put(`${base}c.zst`, { ...zst, digest: 'sha256:abc' }), 'BLOB_METADATA_INVALID');
      await expectCode(store.put(`${base}c.zst`, { ...zst, size: -1 }), 'BLOB_METADATA_INVALID');
      expect(await store.head(`${base}a`)).toBeNull();
      expect(await store.head(`${base}a.zst`)).toBeNull();
      // A caller that lies about the digest gets a blob no read will serve.
      const lie = `${base}lie.zst`;
      await store.put(lie, { ...zst, digest: sha256(Buffer.from('other')) });
      await expectCode(store.getBytes(lie), 'BLOB_DIGEST_MISMATCH');
      await expectCode(drain(await store.get(lie)), 'BLOB_DIGEST_MISMATCH');
    });

    it('accepts streams and async iterables and gets the same digest as for bytes', async () => {
      const base = ns();
      const body = randomBytes(300_000);
      const fromBytes = await store.put(`${base}a`, body);
      const fromStream = await store.put(`${base}b`, chunked(body, 7000));
      async function* gen(): AsyncGenerator<Uint8Array> {
        yield body.subarray(0, 1);
        yield body.subarray(1);
      }
      const fromIterable = await store.put(`${base}c.zst`, gen());
      expect(fromStream.digest).toBe(fromBytes.digest);
      expect(fromIterable.digest).toBe(fromBytes.digest);
      expect(fromStream.size).toBe(body.length);
      expectBytes(await store.getBytes(`${base}b`), body);
      expectBytes(await store.getBytes(`${base}c.zst`), body);
    });

    it('replaces an object on a second put', async () => {
      const key = `${ns()}same`;
      await store.put(key, Buffer.from('first'), { metadata: { v: '1' } });
      await store.put(key, Buffer.from('second!'), { metadata: { v: '2' } });
      expect((await store.getBytes(key)).toString()).toBe('second!');
      expect(await store.head(key)).toMatchObject({ size: 7, metadata: { v: '2' } });
    });

    it('detects a tampered plain blob (same length, longer, shorter) on every read path', async () => {
      const base = ns();
      const body = Buffer.from('the genuine content of this blob');
      const tampered = [
        Buffer.from(body).fill(0x41, 4, 5),
        Buffer.concat([body, Buffer.from('!')]),
        body.subarray(1),
      ];
      for (const [i, bad] of tampered.entries()) {
        const key = `${base}p${i}`;
        await store.put(key, body);
        await h.writeStored(key, bad);
        await expectCode(store.getBytes(key), 'BLOB_DIGEST_MISMATCH');
        await expectCode(store.get(key).then(drain), 'BLOB_DIGEST_MISMATCH');
        // head reports what was recorded; it never reads the content.
        expect((await store.head(key))?.digest).toBe(sha256(body));
      }
    });

    it('detects a tampered .zst blob: other valid zstd content, and bytes that are not zstd', async () => {
      const base = ns();
      const body = Buffer.from('genuine line\n'.repeat(1000));
      const other = Buffer.from(body).fill(0x58, 100, 101);
      await store.put(`${base}a.zst`, body);
      await h.writeStored(`${base}a.zst`, zstdCompress(other));
      await expectCode(store.getBytes(`${base}a.zst`), 'BLOB_DIGEST_MISMATCH');
      await expectCode(store.get(`${base}a.zst`).then(drain), 'BLOB_DIGEST_MISMATCH');

      await store.put(`${base}b.zst`, body);
      await h.writeStored(`${base}b.zst`, body); // the plain bytes where zstd belongs
      await expectCode(store.getBytes(`${base}b.zst`), 'BLOB_DIGEST_MISMATCH');

      // A bomb in place of a small blob stops at the recorded size.
      await store.put(`${base}c.zst`, Buffer.from('small'));
      await h.writeStored(`${base}c.zst`, zstdCompress(Buffer.alloc(32 * 1024 * 1024)));
      await expectCode(store.getBytes(`${base}c.zst`), 'BLOB_DIGEST_MISMATCH');
    });

    it('reports a missing key as BLOB_NOT_FOUND, head as null, and delete succeeds', async () => {
      const key = `${ns()}nothing-here`;
      await expectCode(store.get(key), 'BLOB_NOT_FOUND');
      await expectCode(store.getBytes(key), 'BLOB_NOT_FOUND');
      expect(await store.head(key)).toBeNull();
      await store.delete(key);
      // A "directory" of other keys is not an object either.
      const base = ns();
      await store.put(`${base}dir/file`, Buffer.from('x'));
      await expectCode(store.get(`${base}dir`), 'BLOB_NOT_FOUND');
      expect(await store.head(`${base}dir`)).toBeNull();
    });

    it('rejects invalid keys on every operation', async () => {
      const bad = [
        '',
        '/abs',
        'a/../b',
        '..',
        'a/./b',
        '.',
        'a//b',
        'a/',
        'back\\slash',
        'nul\u0000byte',
        'tab\there',
        'x'.repeat(1025),
        'é'.repeat(513), // 1026 UTF-8 bytes
        'lone\ud800surrogate',
      ];
      for (const key of bad) {
        await expectCode(store.put(key, Buffer.from('x')), 'BLOB_KEY_INVALID');
        await expectCode(store.get(key), 'BLOB_KEY_INVALID');
        await expectCode(store.getBytes(key), 'BLOB_KEY_INVALID');
        await expectCode(store.head(key), 'BLOB_KEY_INVALID');
        await expectCode(store.delete(key), 'BLOB_KEY_INVALID');
      }
      await expectCode(store.list('/abs'), 'BLOB_KEY_INVALID');
      await expectCode(store.list('a/../'), 'BLOB_KEY_INVALID');
    });

    it('accepts unusual but valid keys', async () => {
      const base = ns();
      const keys = [
        `${base}.hidden`,
        `${base}a..b`,
        `${base}with space & (parens)`,
        `${base}ünïcödé/日本語.json`,
        `${base}${'s'.repeat(200)}/${'t'.repeat(200)}/${'u'.repeat(200)}`,
      ];
      for (const key of keys) {
        await store.put(key, Buffer.from(key));
        expect((await store.getBytes(key)).toString()).toBe(key);
      }
      const listed = await store.list(base);
      expect(listed.items.map((i) => i.key).sort()).toEqual([...keys].sort());
    });

    it('validates metadata and content type', async () => {
      const key = `${ns()}m`;
      const bad: Record<string, string>[] = [
        { sha256: 'x' },
        { 'uncompressed-size': '1' },
        { Upper: 'x' },
        { under_score: 'x' },
        { ok: 'non-ascii é' },
        { ok: ' leading space' },
        { ok: 'new\nline' },
        { big: 'x'.repeat(2000) },
      ];
      for (const metadata of bad)
        await expectCode(store.put(key, Buffer.from('x'), { metadata }), 'BLOB_METADATA_INVALID');
      await expectCode(
        store.put(key, Buffer.from('x'), { contentType: 'text/plain\r\nX: y' }),
        'BLOB_METADATA_INVALID',
      );
      expect(await store.head(key)).toBeNull();
      const metadata = { 'graph-id': '01HZY', empty: '', 'x-1': 'a=b; c="d"' };
      await store.put(key, Buffer.from('x'), { metadata });
      expect((await store.head(key))?.metadata).toEqual(metadata);
    });

    it('lists in UTF-8 key order with stable pagination across pages', async () => {
      const base = ns();
      const keys = Array.from({ length: 23 }, (_, i) => `${base}k/${String(i).padStart(2, '0')}`);
      for (const key of [...keys].reverse()) await store.put(key, Buffer.from(key));
      await store.put(`${base}other`, Buffer.from('x'));
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(`${base}k/`, { limit: 10, ...(cursor ? { cursor } : {}) });
        pages.push(page.items.map((i) => i.key));
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
      expect(pages.flat()).toEqual(keys);
      const all = await store.list(`${base}k/`);
      expect(all.nextCursor).toBeUndefined();
      expect(all.items[0]).toMatchObject({ key: keys[0], size: keys[0]?.length });
      expect(all.items[0]?.lastModified).toBeInstanceOf(Date);
    });

    it('sorts like S3 and matches partial-segment prefixes', async () => {
      const base = ns();
      const keys = [
        `${base}a/b`,
        `${base}a-c`,
        `${base}a0`,
        `${base}aé`,
        `${base}B`,
        `${base}a.zst`,
        `${base}ab/c/d`,
      ];
      for (const key of keys) await store.put(key, Buffer.from('x'));
      const expected = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect((await store.list(base)).items.map((i) => i.key)).toEqual(expected);
      expect((await store.list(`${base}a`)).items.map((i) => i.key)).toEqual(
        expected.filter((k) => k.startsWith(`${base}a`)),
      );
      expect((await store.list(`${base}ab/`)).items.map((i) => i.key)).toEqual([`${base}ab/c/d`]);
      expect((await store.list(`${base}zzz`)).items).toEqual([]);
      // One key at a time still visits every key once.
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list(base, { limit: 1, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((i) => i.key));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(expected);
    });

    it('reports a list item size as the bytes at rest', async () => {
      const base = ns();
      const body = Buffer.from('z'.repeat(10_000));
      const put = await store.put(`${base}x.zst`, body);
      const [item] = (await store.list(base)).items;
      expect(item?.size).toBe(put.storedSize);
    });

    it('rejects a cursor it did not issue', async () => {
      await expectCode(store.list('', { cursor: 'garbage' }), 'BLOB_CURSOR_INVALID');
      await expectCode(store.list('', { cursor: 'k1.Li4' }), 'BLOB_CURSOR_INVALID'); // ".."
    });

    it('deletes idempotently', async () => {
      const base = ns();
      await store.put(`${base}d/x`, Buffer.from('x'));
      await store.put(`${base}d/y`, Buffer.from('y'));
      await store.delete(`${base}d/x`);
      await store.delete(`${base}d/x`);
      expect(await store.head(`${base}d/x`)).toBeNull();
      expect((await store.list(base)).items.map((i) => i.key)).toEqual([`${base}d/y`]);
      await store.delete(`${base}d/y`);
      expect((await store.list(base)).items).toEqual([]);
      await store.put(`${base}d/x`, Buffer.from('again'));
      expect((await store.getBytes(`${base}d/x`)).toString()).toBe('again');
    });

    it('streams 20 MB in and out (plain and .zst) without buffering it in the test', async () => {
      const base = ns();
      const plain = randomBytes(20 * 1024 * 1024);
      const put = await store.put(`${base}big.bin`, chunked(plain, 256 * 1024));
      expect(put).toMatchObject({ size: plain.length, storedSize: plain.length, digest: sha256(plain) });
      const hash = createHash('sha256');
      let size = 0;
      for await (const c of await store.get(`${base}big.bin`)) {
        hash.update(c as Buffer);
        size += (c as Buffer).length;
      }
      expect(size).toBe(plain.length);
      expect(`sha256:${hash.digest('hex')}`).toBe(put.digest);

      const text = Buffer.from('{"symbol":"pkg.mod.fn","line":42}\n'.repeat(600_000)); // ~20 MB
      const zput = await store.put(`${base}big.ndjson.zst`, chunked(text, 64 * 1024));
      expect(zput.storedSize).toBeLessThan(text.length / 50);
      const zhash = createHash('sha256');
      for await (const c of await store.get(`${base}big.ndjson.zst`)) zhash.update(c as Buffer);
      expect(`sha256:${zhash.digest('hex')}`).toBe(sha256(text));

      // The same content handed over as one 20 MB buffer.
      const bput = await store.put(`${base}big-bytes.ndjson.zst`, text);
      expect(bput).toMatchObject({ digest: sha256(text), size: text.length });
      expect(bput.storedSize).toBeLessThan(text.length / 50);
      expect(sha256(await store.getBytes(`${base}big-bytes.ndjson.zst`))).toBe(sha256(text));
    });

    it('lets a reader stop early', async () => {
      const key = `${ns()}partial.zst`;
      await store.put(key, randomBytes(2 * 1024 * 1024));
      const stream = await store.get(key);
      for await (const _ of stream) break;
      expect(stream.destroyed).toBe(true);
    });

    it('round-trips random bytes, plain and .zst (property)', async () => {
      const base = ns();
      let i = 0;
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 20_000 }), fc.boolean(), async (bytes, zst) => {
          const key = `${base}${i++}${zst ? '.zst' : ''}`;
          const put = await store.put(key, bytes);
          expect(put.digest).toBe(sha256(bytes));
          expectBytes(await store.getBytes(key), bytes);
        }),
        { numRuns: 30 },
      );
    });

    it('handles concurrent puts to distinct keys', async () => {
      const base = ns();
      const bodies = Array.from({ length: 20 }, (_, i) => Buffer.from(`body ${i} `.repeat(i * 100)));
      await Promise.all(bodies.map((b, i) => store.put(`${base}c/${i}${i % 2 ? '.zst' : ''}`, b)));
      for (const [i, b] of bodies.entries())
        expectBytes(await store.getBytes(`${base}c/${i}${i % 2 ? '.zst' : ''}`), b);
    });
  });
}
