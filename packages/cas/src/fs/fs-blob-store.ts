import { randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {
  BlobBody,
  BlobInfo,
  BlobStore,
  ListItem,
  ListOptions,
  ListPage,
  PutOptions,
  PutResult,
} from '../blob-store.js';
import { bodyStream } from '../body.js';
import { decodeCursor, encodeCursor, pageSize } from '../cursor.js';
import { digestMismatch, HashingStream } from '../digest-stream.js';
import { CasError } from '../error.js';
import { isCompressedKey, validateKey, validatePrefix } from '../key.js';
import { validatePutOptions } from '../metadata.js';
import { checkPreparedBlob, isPreparedBlob } from '../prepared-blob.js';
import { readAll, verifiedReadStream } from '../read-stream.js';
import { createZstdCompressStream } from '../zstd.js';
import { type BlobHeader, encodeHeader, FORMAT, HEADER_BYTES, readHeader } from './format.js';
import { errnoOf, fileSink, fsyncDir, storeError, writeFully } from './fs-io.js';
import { walkKeys } from './walk.js';

/** Options for {@link FsBlobStore}. */
export interface FsBlobStoreOptions {
  /** Root directory; objects live in `<root>/objects/<key>`, uploads in progress in `<root>/tmp/`. */
  root: string;
  /** fsync files and directories on every put (default true; turn off only for throwaway data). */
  fsync?: boolean;
}

/** Temp files older than this are leftovers of a crash; `ensureReady` removes them. */
const STALE_TMP_MS = 60 * 60 * 1000;

/**
 * The embedded blob store: one file per object under a root directory, written atomically (temp
 * file on the same filesystem, write, fsync, rename, fsync the directory). See `format.ts` for the
 * file layout (an 8 KiB JSON header with digest and metadata, then the stored bytes).
 */
export class FsBlobStore implements BlobStore {
  private readonly objects: string;
  private readonly tmp: string;
  private readonly fsync: boolean;

  constructor(opts: FsBlobStoreOptions) {
    this.objects = join(opts.root, 'objects');
    this.tmp = join(opts.root, 'tmp');
    this.fsync = opts.fsync ?? true;
  }

  private pathOf(key: string): string {
    return join(this.objects, ...key.split('/'));
  }

  async ensureReady(): Promise<void> {
    try {
      await mkdir(this.objects, { recursive: true });
      await mkdir(this.tmp, { recursive: true });
      const now = Date.now();
      for (const name of await readdir(this.tmp)) {
        const path = join(this.tmp, name);
        const st = await stat(path).catch(() => undefined);
        if (st && now - st.mtimeMs > STALE_TMP_MS) await unlink(path).catch(() => {});
      }
    } catch (err) {
      throw storeError(err);
    }
  }

  async put(key: string, body: BlobBody, opts: PutOptions = {}): Promise<PutResult> {
    validateKey(key);
    validatePutOptions(key, opts.metadata, opts.contentType);
    const compressed = isCompressedKey(key);
    if (isPreparedBlob(body)) checkPreparedBlob(key, body, compressed);
    const tmpPath = join(this.tmp, `${randomUUID()}.tmp`);
    let fh: FileHandle | undefined;
    try {
      await mkdir(this.tmp, { recursive: true });
      fh = await open(tmpPath, 'wx', 0o644);
      let content: { digest: string; size: number; storedSize: number };
      if (isPreparedBlob(body)) {
        await writeFully(fh, body.stored, HEADER_BYTES);
        content = { digest: body.digest, size: body.size, storedSize: body.stored.byteLength };
      } else {
        const hasher = new HashingStream();
        const sink = fileSink(fh, HEADER_BYTES);
        const source = bodyStream(body);
        if (compressed) await pipeline(source, hasher, createZstdCompressStream(), sink.stream);
        else await pipeline(source, hasher, sink.stream);
        content = { digest: hasher.digest(), size: hasher.size, storedSize: sink.written() };
      }
      const header: BlobHeader = {
        format: FORMAT,
        digest: content.digest,
        size: content.size,
        encoding: compressed ? 'zstd' : 'identity',
        metadata: { ...opts.metadata },
      };
      if (opts.contentType !== undefined) header.contentType = opts.contentType;
      await writeFully(fh, encodeHeader(header), 0);
      if (this.fsync) await fh.sync();
      await fh.close();
      fh = undefined;
      await this.commit(tmpPath, this.pathOf(key));
      return { key, digest: header.digest, size: header.size, storedSize: content.storedSize };
    } catch (err) {
      await fh?.close().catch(() => {});
      await unlink(tmpPath).catch(() => {});
      // A failing body stream is the caller's error: pass it through untouched.
      if (errnoOf(err) && (err as NodeJS.ErrnoException).syscall) throw storeError(err, key);
      throw err;
    }
  }

  /** Renames the finished temp file into place and makes the rename durable. */
  private async commit(tmpPath: string, target: string): Promise<void> {
    const dir = dirname(target);
    for (let attempt = 1; ; attempt++) {
      await mkdir(dir, { recursive: true });
      try {
        await rename(tmpPath, target);
        break;
      } catch (err) {
        // A concurrent delete may have pruned the (empty) directory between mkdir and rename.
        if (errnoOf(err) !== 'ENOENT' || attempt >= 5) throw err;
      }
    }
    if (this.fsync) await fsyncDir(dir);
  }

  private async openBlob(key: string): Promise<{ fh: FileHandle; header: BlobHeader } | undefined> {
    validateKey(key);
    let fh: FileHandle;
    try {
      fh = await open(this.pathOf(key), 'r');
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw storeError(err, key);
    }
    try {
      if ((await fh.stat()).isDirectory()) {
        await fh.close();
        return undefined;
      }
      const header = await readHeader(fh);
      if (!header) throw digestMismatch(key, 'the stored header is missing or unreadable');
      return { fh, header };
    } catch (err) {
      await fh.close().catch(() => {});
      throw storeError(err, key);
    }
  }

  async get(key: string): Promise<Readable> {
    const blob = await this.openBlob(key);
    if (!blob) throw notFound(key);
    const { fh, header } = blob;
    const source = fh.createReadStream({ start: HEADER_BYTES });
    return verifiedReadStream(
      source,
      { key, digest: header.digest, size: header.size },
      header.encoding === 'zstd',
      (err) => storeError(err, key),
    );
  }

  async getBytes(key: string): Promise<Buffer> {
    return readAll(await this.get(key));
  }

  async head(key: string): Promise<BlobInfo | null> {
    const blob = await this.openBlob(key);
    if (!blob) return null;
    const { fh, header } = blob;
    try {
      const st = await fh.stat();
      const info: BlobInfo = {
        key,
        digest: header.digest,
        size: header.size,
        storedSize: st.size - HEADER_BYTES,
        metadata: { ...header.metadata },
        lastModified: new Date(st.mtimeMs),
      };
      if (header.contentType !== undefined) info.contentType = header.contentType;
      return info;
    } catch (err) {
      throw storeError(err, key);
    } finally {
      await fh.close().catch(() => {});
    }
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListPage> {
    validatePrefix(prefix);
    const after = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
    const limit = pageSize(opts.limit);
    const items: ListItem[] = [];
    let more = false;
    try {
      for await (const file of walkKeys(this.objects, prefix, after)) {
        if (items.length === limit) {
          more = true;
          break;
        }
        const st = await stat(file.path).catch(() => undefined);
        if (!st) continue; // deleted meanwhile
        items.push({
          key: file.key,
          size: Math.max(0, st.size - HEADER_BYTES),
          lastModified: new Date(st.mtimeMs),
        });
      }
    } catch (err) {
      throw storeError(err);
    }
    const last = items.at(-1);
    return more && last ? { items, nextCursor: encodeCursor(last.key) } : { items };
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'EPERM') return;
      throw storeError(err, key);
    }
    // Prune directories left empty, so listings and the tree stay small.
    for (let dir = dirname(path); dir !== this.objects && dir.startsWith(this.objects); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
    }
  }

  async close(): Promise<void> {}
}

function notFound(key: string): CasError {
  return new CasError({ code: 'BLOB_NOT_FOUND', message: `no blob at ${key}`, key });
}
