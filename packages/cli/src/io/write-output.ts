import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes verified bytes to `path` atomically (a `.partial` file renamed into place), so a failed
 * or unverified download never leaves a file that looks complete.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await writeFile(partial, data);
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}
