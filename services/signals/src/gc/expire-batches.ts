import { sql } from 'kysely';
import { DAY_MS, deleteBlobs, type GcDeps, type GcOptions, type GcReport } from './gc-types.js';

const CHUNK = 500;

/**
 * Runtime facts past retention (contract §3.3, 90 days by default): tombstone the row (reads
 * answer 410 from then on), delete the facts blob and the provenance record, mark the row purged.
 * The attestation is never deleted. Tombstoned rows not yet purged (a crash) are finished first.
 */
export async function expireBatches(deps: GcDeps, opts: GcOptions, report: GcReport): Promise<void> {
  const cutoff = new Date(opts.now.getTime() - deps.retention.runtimeFactsDays * DAY_MS);
  let after = '';
  for (;;) {
    const rows = await deps.db
      .selectFrom('runtime_fact_batches')
      .select(['batch_id', 'blob_key', 'provenance_key', 'deleted_at'])
      .where('batch_id', '>', after)
      .where('purged_at', 'is', null)
      .where((eb) => eb.or([eb('deleted_at', 'is not', null), eb('ingested_at', '<', cutoff)]))
      .orderBy('batch_id')
      .limit(CHUNK)
      .execute();
    for (const row of rows) {
      after = row.batch_id;
      if (!opts.dryRun && !row.deleted_at) {
        await deps.db
          .updateTable('runtime_fact_batches')
          .set({ deleted_at: sql<Date>`now()` })
          .where('batch_id', '=', row.batch_id)
          .where('deleted_at', 'is', null)
          .execute();
      }
      const ok = await deleteBlobs(
        deps,
        opts,
        report,
        [row.blob_key, row.provenance_key],
        'runtime-facts retention',
      );
      if (!opts.dryRun && ok) {
        await deps.db
          .updateTable('runtime_fact_batches')
          .set({ purged_at: sql<Date>`now()` })
          .where('batch_id', '=', row.batch_id)
          .execute();
      }
      report.runtimeFactBatches++;
    }
    if (rows.length < CHUNK) return;
  }
}
