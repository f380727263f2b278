import type { BlobStore } from '@stella-ops/cas';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { SignalsConfig } from '../config/types.js';
import type { Database } from '../db/schema/index.js';

/** What retention GC needs (not the HTTP parts of the app context). */
export interface GcDeps {
  db: Kysely<Database>;
  blobs: BlobStore;
  retention: SignalsConfig['cas']['retention'];
  logger: Logger;
}

/** One GC run's options. */
export interface GcOptions {
  /** List what would be deleted; change nothing. */
  dryRun: boolean;
  /** The reference time for ages (the CronJob's start). */
  now: Date;
}

/** What one GC run did (or, dry, would do). */
export interface GcReport {
  dryRun: boolean;
  runtimeFactBatches: number;
  orphanCallgraphs: number;
  unreferencedBlobs: number;
  /** Every blob key deleted (or that would be). */
  deletedKeys: string[];
  /** Deletions that failed (retried next run). */
  failures: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes (or, dry, lists) blobs; logs and counts each. Returns false if any failed. */
export async function deleteBlobs(
  deps: GcDeps,
  opts: GcOptions,
  report: GcReport,
  keys: string[],
  why: string,
): Promise<boolean> {
  let ok = true;
  for (const key of keys) {
    if (opts.dryRun) {
      deps.logger.info({ key, why, dryRun: true }, 'would delete blob');
      report.deletedKeys.push(key);
      continue;
    }
    try {
      await deps.blobs.delete(key);
      deps.logger.info({ key, why }, 'deleted blob');
      report.deletedKeys.push(key);
    } catch (err) {
      ok = false;
      report.failures++;
      deps.logger.error({ key, why, err }, 'blob deletion failed; retried next run');
    }
  }
  return ok;
}
