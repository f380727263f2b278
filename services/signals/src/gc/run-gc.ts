import { expireBatches } from './expire-batches.js';
import { expireCallgraphs } from './expire-callgraphs.js';
import type { GcDeps, GcOptions, GcReport } from './gc-types.js';
import { sweepUnreferenced } from './sweep-blobs.js';

/**
 * Retention GC (contract §3.3; the `gc` command, run by a Kubernetes CronJob): runtime facts and
 * their provenance past `RetentionDays.RuntimeFacts`, orphan call graphs past
 * `RetentionDays.OrphanCallgraphs`, and blobs no index row names. Never manifests or attestations.
 * Every deletion is logged; the report counts them (and `signals_cas_operations_total` too).
 */
export async function runGc(deps: GcDeps, opts: GcOptions): Promise<GcReport> {
  const report: GcReport = {
    dryRun: opts.dryRun,
    runtimeFactBatches: 0,
    orphanCallgraphs: 0,
    unreferencedBlobs: 0,
    deletedKeys: [],
    failures: 0,
  };
  // Batches first: expiring them never frees a call graph (their attestations name it).
  await expireBatches(deps, opts, report);
  await expireCallgraphs(deps, opts, report);
  await sweepUnreferenced(deps, opts, report);
  deps.logger.info(
    {
      dryRun: report.dryRun,
      runtimeFactBatches: report.runtimeFactBatches,
      orphanCallgraphs: report.orphanCallgraphs,
      unreferencedBlobs: report.unreferencedBlobs,
      deletedBlobs: report.deletedKeys.length,
      failures: report.failures,
    },
    opts.dryRun ? 'gc dry run finished' : 'gc finished',
  );
  return report;
}
