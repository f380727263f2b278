import { createKysely, createPgPool, migrateToLatest } from '@stella-ops/service-kit';
import { migrations } from './migrations/index.js';
import { DB_SCHEMA } from './schema/index.js';

/**
 * Runs every pending migration as the schema owner (`REACHGRAPH_MIGRATE_DATABASE_URL`): creates the
 * tables, turns row-level security on and grants the app role what it needs. Returns the names of
 * the migrations it applied.
 */
export async function migrate(url: string, appRole: string): Promise<string[]> {
  const pool = createPgPool({ url, max: 1 });
  const db = createKysely<unknown>(pool);
  try {
    return await migrateToLatest(db, DB_SCHEMA, migrations({ appRole }));
  } finally {
    await db.destroy();
  }
}
