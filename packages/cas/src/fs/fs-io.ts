import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { CasError } from '../error.js';

export function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** Maps a filesystem error to a `CasError` (a CasError passes through). */
export function storeError(err: unknown, key?: string): CasError {
  if (err instanceof CasError) return err;
  const code = errnoOf(err);
  if (code === 'ENAMETOOLONG') {
    return new CasError({
      code: 'BLOB_KEY_INVALID',
      message: 'key too long for this filesystem',
      key,
      cause: err,
    });
  }
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') {
    return new CasError({
      code: 'BLOB_KEY_INVALID',
      message: 'key conflicts with an existing key (a filesystem cannot hold both "a" and "a/b")',
      key,
      cause: err,
    });
  }
  return new CasError({
    code: 'BLOB_STORE_ERROR',
    message: `filesystem error (${code ?? 'unknown'})`,
    key,
    cause: err,
  });
}

/** Writes all of `bytes` at `position` (a write may be short). */
export async function writeFully(fh: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, position + done);
    done += bytesWritten;
  }
}

/** A Writable that writes sequentially into `fh` from `start`. */
export function fileSink(fh: FileHandle, start: number): { stream: Writable; written(): number } {
  let position = start;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      writeFully(fh, chunk, position).then(() => {
        position += chunk.length;
        cb();
      }, cb);
    },
  });
  return { stream, written: () => position - start };
}

/** Makes a rename or create in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
