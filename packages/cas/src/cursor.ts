import { CasError } from './error.js';
import { validateKey } from './key.js';

/** The largest page `list` returns. */
export const MAX_LIST_LIMIT = 1000;
const PREFIX = 'k1.';

/** A cursor that resumes a listing after `key` (opaque to callers, the same for every backend). */
export function encodeCursor(key: string): string {
  return PREFIX + Buffer.from(key, 'utf8').toString('base64url');
}

/** The key a cursor resumes after; `BLOB_CURSOR_INVALID` when it is not one of ours. */
export function decodeCursor(cursor: string): string {
  const invalid = (cause?: unknown): CasError =>
    new CasError({ code: 'BLOB_CURSOR_INVALID', message: 'list cursor is not valid', cause });
  if (typeof cursor !== 'string' || !cursor.startsWith(PREFIX)) throw invalid();
  const key = Buffer.from(cursor.slice(PREFIX.length), 'base64url').toString('utf8');
  if (encodeCursor(key) !== cursor) throw invalid();
  try {
    validateKey(key);
  } catch (err) {
    throw invalid(err);
  }
  return key;
}

/** The page size to use: `limit` clamped to 1..1000, default 1000. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return MAX_LIST_LIMIT;
  return Math.min(MAX_LIST_LIMIT, Math.max(1, Math.floor(limit)));
}

/** Compares keys by their UTF-8 bytes, the order S3 lists in. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
