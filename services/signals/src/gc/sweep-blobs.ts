import type { ListItem } from '@stella-ops/cas';
import { deleteBlobs, type GcDeps, type GcOptions, type GcReport } from './gc-types.js';

const KEY =
  /^(callgraphs|runtime-facts)\/([a-z0-9][a-z0-9-]{0,62})\/([0-7][0-9A-HJKMNP-TV-Z]{25})\.(ndjson\.zst|meta\.json|provenance\.json)$/;
const HOUR_MS = 60 * 60 * 1000;

/** Ids among `ids` whose index row exists and is not purged (their blobs must stay). */
async function liveIds(
  deps: GcDeps,
  prefix: 'callgraphs' | 'runtime-facts',
  ids: string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows =
    prefix === 'callgraphs'
      ? await deps.db
          .selectFrom('callgraphs')
          .select('graph_id as id')
          .where('graph_id', 'in', ids)
          .where('purged_at', 'is', null)
          .execute()
      : await deps.db
          .selectFrom('runtime_fact_batches')
          .select('batch_id as id')
          .where('batch_id', 'in', ids)
          .where('purged_at', 'is', null)
          .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Blobs no index row names: a crash between the blob writes and the index row (DESIGN §5) leaves
 * them. Only `callgraphs/` and `runtime-facts/` are swept, only keys shaped as the service writes
 * them, and only once older than `UnreferencedBlobGraceHours` (an upload may be in flight).
 * Manifests and attestations are never touched.
 */
export async function sweepUnreferenced(deps: GcDeps, opts: GcOptions, report: GcReport): Promise<void> {
  const cutoff = opts.now.getTime() - deps.retention.unreferencedBlobGraceHours * HOUR_MS;
  for (const prefix of ['callgraphs', 'runtime-facts'] as const) {
    let cursor: string | undefined;
    do {
      const page = await deps.blobs.list(`${prefix}/`, { limit: 1000, ...(cursor ? { cursor } : {}) });
      cursor = page.nextCursor;
      const candidates = page.items
        .filter((item: ListItem) => item.lastModified.getTime() < cutoff)
        .map((item) => ({ key: item.key, id: KEY.exec(item.key)?.[3] }))
        .filter((c): c is { key: string; id: string } => c.id !== undefined);
      const live = await liveIds(deps, prefix, [...new Set(candidates.map((c) => c.id))]);
      const orphans = candidates.filter((c) => !live.has(c.id)).map((c) => c.key);
      await deleteBlobs(deps, opts, report, orphans, 'not in the index');
      report.unreferencedBlobs += orphans.length;
    } while (cursor);
  }
}
