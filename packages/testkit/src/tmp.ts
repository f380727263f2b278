import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory that the test removes when done. */
export interface TmpDir {
  /** Absolute path of the (empty, freshly created) directory. */
  path: string;
  /** Deletes the directory and everything in it; safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Creates a fresh directory under the OS temp dir, named `<prefix><random>`.
 *
 * @example
 * const dir = await tmpDir('cas-fs-');
 * afterAll(() => dir.remove());
 */
export async function tmpDir(prefix = 'stella-test-'): Promise<TmpDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    remove: () => rm(path, { recursive: true, force: true, maxRetries: 3 }),
  };
}
