import { createBlobStore } from '@stella-ops/cas';
import { TenantRegistry } from '../access/tenant-registry.js';
import { readConfigDocument, resolveStorageConfig } from '../config/resolve-config.js';
import { migrate, openDb } from '../db/database.js';
import { runGc } from '../gc/run-gc.js';
import { rootLogger, subsystemLogger } from '../logger.js';

/** Where command output goes (tests capture it). */
export type Print = (line: string) => void;

function storage(env: NodeJS.ProcessEnv) {
  return resolveStorageConfig(readConfigDocument(env), env);
}

/** `stella-signals migrate`: applies pending migrations (a Kubernetes Job before rollout). */
export async function migrateCommand(env: NodeJS.ProcessEnv, print: Print): Promise<number> {
  const applied = await migrate(storage(env).db.url);
  print(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  return 0;
}

/** `stella-signals tenant add <id> [name] | list | remove <id>`: the tenant registry (§10.4). */
export async function tenantCommand(args: string[], env: NodeJS.ProcessEnv, print: Print): Promise<number> {
  const [action, id, ...name] = args;
  const { db, destroy } = openDb(storage(env).db.url, 1);
  const tenants = new TenantRegistry(db, 0);
  try {
    if (action === 'list') {
      for (const t of await tenants.list()) {
        print(`${t.tenantId}\t${t.displayName ?? ''}\t${t.createdAt.toISOString()}`);
      }
      return 0;
    }
    if (action === 'add' && id) {
      print((await tenants.add(id, name.join(' ') || undefined)) ? `added ${id}` : `${id} exists`);
      return 0;
    }
    if (action === 'remove' && id) {
      const removed = await tenants.remove(id);
      print(removed ? `removed ${id} (its data stays, unreachable until re-added)` : `no tenant ${id}`);
      return removed ? 0 : 1;
    }
    print('usage: stella-signals tenant add <id> [display name] | list | remove <id>');
    return 2;
  } finally {
    await destroy();
  }
}

/** `stella-signals gc [--dry-run]`: retention (contract §3.3); a Kubernetes CronJob. */
export async function gcCommand(args: string[], env: NodeJS.ProcessEnv, print: Print): Promise<number> {
  const cfg = storage(env);
  const dryRun = args.includes('--dry-run');
  const logger = subsystemLogger(rootLogger(cfg.logLevel), 'gc');
  const { db, destroy } = openDb(cfg.db.url, 2);
  const blobs = createBlobStore(cfg.cas.backend);
  try {
    const report = await runGc(
      { db, blobs, retention: cfg.cas.retention, logger },
      { dryRun, now: new Date() },
    );
    for (const key of report.deletedKeys) print(`${dryRun ? 'would delete' : 'deleted'} ${key}`);
    print(
      `${dryRun ? 'dry run: ' : ''}${report.runtimeFactBatches} fact batches, ${report.orphanCallgraphs} orphan call graphs, ` +
        `${report.unreferencedBlobs} unreferenced blobs, ${report.deletedKeys.length} blobs, ${report.failures} failures`,
    );
    return report.failures > 0 ? 1 : 0;
  } finally {
    await Promise.allSettled([blobs.close(), destroy()]);
  }
}
