import { createKysely, createPgPool, migrateToLatest } from '@stella-ops/service-kit';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { migrations } from './migrations/index.js';
import { type Database, DB_SCHEMA } from './schema/index.js';

/** The service's database handle: a pool and a Kysely bound to schema `signals`. */
export interface Db {
  pool: pg.Pool;
  db: Kysely<Database>;
  destroy(): Promise<void>;
}

/**
 * Opens the pool (nothing is queried until first use). `onConnectionError` hears of every
 * connection lost (it is discarded; the requests using it answer 503).
 */
export function openDb(url: string, poolMax = 10, onConnectionError?: (err: Error) => void): Db {
  const pool = createPgPool({ url, max: poolMax, ...(onConnectionError ? { onConnectionError } : {}) });
  const root = createKysely<Database>(pool);
  return {
    pool,
    db: root.withSchema(DB_SCHEMA),
    destroy: () => root.destroy(),
  };
}

/** Applies every pending migration (the explicit `migrate` command). Returns the names applied. */
export async function migrate(url: string): Promise<string[]> {
  const db = createKysely<unknown>(createPgPool({ url, max: 1 }));
  try {
    return await migrateToLatest(db, DB_SCHEMA, migrations);
  } finally {
    await db.destroy();
  }
}
