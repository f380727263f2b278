import type { AppContext } from '../context.js';
import { zstdCompress, zstdDecompress } from '../zstd.js';
import type { SliceKey } from './slice-cache.js';

/** Largest answer read back from the durable cache. */
const MAX_ANSWER_BYTES = 512 * 1024 * 1024;

/** An answer found in one of the caches. */
export interface CachedAnswer {
  bytes: Buffer;
  /** Where it was: the hot cache (`redis` / `memory`) or `durable` (`slice_cache`). */
  source: 'redis' | 'memory' | 'durable';
  /** Work to do once the answer is sent: an answer from the durable level refills the hot one. */
  afterSend(): Promise<void>;
}

/**
 * An answer from the hot cache, else from the durable one (`slice_cache`); counted in the
 * `sliceCache` metric by level and result. Undefined when neither has it.
 */
export async function cachedAnswer(ctx: AppContext, key: SliceKey): Promise<CachedAnswer | undefined> {
  const hot = await ctx.sliceCache.get(key);
  ctx.metrics.sliceCache.inc({ level: 'hot', result: hot === undefined ? 'miss' : 'hit' });
  if (hot !== undefined) return { bytes: hot, source: ctx.sliceCache.kind, afterSend: async () => {} };
  const durable = await ctx.store.getSlice(key.tenant, key.digest, key.queryKey);
  ctx.metrics.sliceCache.inc({ level: 'durable', result: durable === undefined ? 'miss' : 'hit' });
  if (durable === undefined) return undefined;
  const bytes = zstdDecompress(durable, MAX_ANSWER_BYTES);
  return { bytes, source: 'durable', afterSend: () => ctx.sliceCache.set(key, bytes) };
}

/**
 * Keeps an answer in both cache levels (`query` is stored next to it, for operators). A failure only
 * costs a future recomputation.
 */
export async function rememberAnswer(
  ctx: AppContext,
  key: SliceKey,
  query: unknown,
  bytes: Buffer,
): Promise<void> {
  await ctx.sliceCache.set(key, bytes);
  try {
    await ctx.store.putSlice(key.tenant, key.digest, key.queryKey, query, zstdCompress(bytes));
  } catch (err) {
    ctx.logger.warn({ err, digest: key.digest }, 'could not store a slice in the durable cache');
  }
}
