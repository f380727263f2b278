import { sql } from 'kysely';
import type { GcDeps, GcOptions, GcReport } from './gc-types.js';
import { DAY_MS, deleteBlobs } from './gc-types.js';

const CHUNK = 500;

/**
 * Claims an orphan for deletion: the row is locked first (an ingest holds it FOR SHARE until it
 * commits), then the reference check runs as a new statement that sees every committed batch.
 */
async function claim(deps: GcDeps, graphId: string): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('callgraphs')
      .select('graph_id')
      .where('graph_id', '=', graphId)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return false;
    const used = await trx
      .selectFrom('runtime_fact_batches')
      .select('batch_id')
      .where('callgraph_id', '=', graphId)
      .unionAll(
        trx.selectFrom('callgraph_references').select('graph_id as batch_id').where('graph_id', '=', graphId),
      )
      .limit(1)
      .executeTakeFirst();
    if (used) return false;
    await trx
      .updateTable('callgraphs')
      .set({ deleted_at: sql<Date>`now()` })
      .where('graph_id', '=', graphId)
      .execute();
    return true;
  });
}

/**
 * Orphan call graphs past retention (contract §3.3, 30 days): no runtime-fact batch (live or
 * expired: its attestation names the graph) and no recorded reference (ReachGraph read it).
 * Deletes the graph blob and its metadata; the manifest and its envelope stay forever.
 */
export async function expireCallgraphs(deps: GcDeps, opts: GcOptions, report: GcReport): Promise<void> {
  const cutoff = new Date(opts.now.getTime() - deps.retention.orphanCallgraphsDays * DAY_MS);
  let after = '';
  for (;;) {
    const rows = await deps.db
      .selectFrom('callgraphs as c')
      .select(['c.graph_id', 'c.blob_key', 'c.meta_key', 'c.deleted_at'])
      .where('c.graph_id', '>', after)
      .where('c.purged_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('c.deleted_at', 'is not', null),
          eb.and([
            eb('c.created_at', '<', cutoff),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('runtime_fact_batches as b')
                  .select('b.batch_id')
                  .whereRef('b.callgraph_id', '=', 'c.graph_id'),
              ),
            ),
            eb.not(
              eb.exists(
                eb
                  .selectFrom('callgraph_references as r')
                  .select('r.graph_id')
                  .whereRef('r.graph_id', '=', 'c.graph_id'),
              ),
            ),
          ]),
        ]),
      )
      .orderBy('c.graph_id')
      .limit(CHUNK)
      .execute();
    for (const row of rows) {
      after = row.graph_id;
      if (!opts.dryRun && !row.deleted_at && !(await claim(deps, row.graph_id))) continue;
      const ok = await deleteBlobs(
        deps,
        opts,
        report,
        [row.blob_key, row.meta_key],
        'orphan call graph retention',
      );
      if (!opts.dryRun && ok) {
        await deps.db
          .updateTable('callgraphs')
          .set({ purged_at: sql<Date>`now()` })
          .where('graph_id', '=', row.graph_id)
          .execute();
      }
      report.orphanCallgraphs++;
    }
    if (rows.length < CHUNK) return;
  }
}
