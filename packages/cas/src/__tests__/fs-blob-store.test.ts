import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type TmpDir, tmpDir } from '@stella-ops/testkit';
import { isCasError } from '../error.js';
import { HEADER_BYTES } from '../fs/format.js';
import { FsBlobStore } from '../fs/fs-blob-store.js';
import { describeBlobStoreContract } from './blob-store-contract.js';

const dirs: TmpDir[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => d.remove()));
});

async function newRoot(): Promise<string> {
  const dir = await tmpDir('cas-fs-');
  dirs.push(dir);
  return dir.path;
}

const fileOf = (root: string, key: string): string => join(root, 'objects', ...key.split('/'));

describeBlobStoreContract('filesystem', async () => {
  const root = await newRoot();
  return {
    store: new FsBlobStore({ root }),
    readStored: async (key) => (await readFile(fileOf(root, key))).subarray(HEADER_BYTES),
    async writeStored(key, bytes) {
      const header = (await readFile(fileOf(root, key))).subarray(0, HEADER_BYTES);
      await writeFile(fileOf(root, key), Buffer.concat([header, bytes]));
    },
    dispose: async () => {},
  };
});

describe('FsBlobStore specifics', () => {
  it('keeps data and metadata in one file with a readable JSON header', async () => {
    const root = await newRoot();
    const store = new FsBlobStore({ root });
    await store.put('a/b.json', Buffer.from('{}'), { contentType: 'application/json', metadata: { x: 'y' } });
    const raw = await readFile(fileOf(root, 'a/b.json'));
    expect(raw.length).toBe(HEADER_BYTES + 2);
    expect(JSON.parse(raw.subarray(0, HEADER_BYTES).toString())).toEqual({
      format: 'stella-cas/1',
      digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      size: 2,
      encoding: 'identity',
      contentType: 'application/json',
      metadata: { x: 'y' },
    });
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('leaves nothing behind when the body stream fails', async () => {
    const root = await newRoot();
    const store = new FsBlobStore({ root });
    await store.ensureReady();
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(100_000));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('k', failing)).rejects.toThrow('client went away');
    expect(existsSync(fileOf(root, 'k'))).toBe(false);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });

  it('does not replace an object until the new one is complete', async () => {
    const root = await newRoot();
    const store = new FsBlobStore({ root });
    await store.put('k', Buffer.from('old'));
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from('new');
        throw new Error('cut');
      })(),
    );
    await expect(store.put('k', failing)).rejects.toThrow('cut');
    expect((await store.getBytes('k')).toString()).toBe('old');
  });

  it('treats an unreadable header as tampering', async () => {
    const root = await newRoot();
    const store = new FsBlobStore({ root });
    await store.put('k', Buffer.from('content'));
    await writeFile(fileOf(root, 'k'), 'not a blob file');
    await expect(store.getBytes('k')).rejects.toMatchObject({ code: 'BLOB_DIGEST_MISMATCH' });
    await expect(store.head('k')).rejects.toMatchObject({ code: 'BLOB_DIGEST_MISMATCH' });
  });

  it('reports a file/directory clash as BLOB_KEY_INVALID (S3 allows it, a filesystem cannot)', async () => {
    const store = new FsBlobStore({ root: await newRoot() });
    await store.put('a', Buffer.from('x'));
    const err = await store.put('a/b', Buffer.from('y')).catch((e: unknown) => e);
    expect(isCasError(err, 'BLOB_KEY_INVALID')).toBe(true);
    await store.put('c/d', Buffer.from('y'));
    const err2 = await store.put('c', Buffer.from('z')).catch((e: unknown) => e);
    expect(isCasError(err2, 'BLOB_KEY_INVALID')).toBe(true);
  });

  it('prunes empty directories on delete and sweeps stale temp files on ensureReady', async () => {
    const root = await newRoot();
    const store = new FsBlobStore({ root });
    await store.put('deep/er/still/x', Buffer.from('x'));
    await store.delete('deep/er/still/x');
    expect(await readdir(join(root, 'objects'))).toEqual([]);

    await mkdir(join(root, 'tmp'), { recursive: true });
    await writeFile(join(root, 'tmp', 'stale.tmp'), 'x');
    await writeFile(join(root, 'tmp', 'fresh.tmp'), 'x');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(root, 'tmp', 'stale.tmp'), old, old);
    await store.ensureReady();
    expect(await readdir(join(root, 'tmp'))).toEqual(['fresh.tmp']);
  });

  it('works without ensureReady and without fsync', async () => {
    const store = new FsBlobStore({ root: join(await newRoot(), 'not', 'yet'), fsync: false });
    expect(await store.head('x')).toBeNull();
    expect((await store.list('')).items).toEqual([]);
    await store.put('x', Buffer.from('1'));
    expect((await store.getBytes('x')).toString()).toBe('1');
  });
});
