import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareKeys } from '../cursor.js';

/** A file found by {@link walkKeys}. */
export interface WalkedFile {
  key: string;
  path: string;
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/**
 * Yields the files under `root` whose keys start with `prefix` and sort after `after`, in key
 * order (UTF-8 bytes, as S3 lists). A directory `d` sorts as `d/`, which puts `a-c` before `a/b`
 * exactly as the keys compare; subtrees entirely before `after` or outside `prefix` are skipped.
 */
export async function* walkKeys(root: string, prefix: string, after?: string): AsyncGenerator<WalkedFile> {
  const cut = prefix.lastIndexOf('/');
  const base = cut === -1 ? '' : prefix.slice(0, cut + 1);
  yield* walkDir(join(root, ...base.split('/').filter(Boolean)), base, prefix, after);
}

async function* walkDir(
  dir: string,
  rel: string,
  prefix: string,
  after?: string,
): AsyncGenerator<WalkedFile> {
  const found = (await entries(dir))
    .filter((e) => e.isFile() || e.isDirectory())
    .map((e) => ({ name: e.name, key: rel + e.name + (e.isDirectory() ? '/' : ''), dir: e.isDirectory() }))
    .sort((a, b) => compareKeys(a.key, b.key));
  for (const entry of found) {
    const inPrefix = entry.key.startsWith(prefix);
    if (entry.dir) {
      if (!inPrefix && !prefix.startsWith(entry.key)) continue;
      // Every key below is `<entry.key>...`: all before `after` unless `after` lies inside.
      if (after !== undefined && compareKeys(entry.key, after) < 0 && !after.startsWith(entry.key)) continue;
      yield* walkDir(join(dir, entry.name), entry.key, prefix, after);
    } else {
      if (!inPrefix) continue;
      if (after !== undefined && compareKeys(entry.key, after) <= 0) continue;
      yield { key: entry.key, path: join(dir, entry.name) };
    }
  }
}
