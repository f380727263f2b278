import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

// `unknown` database: migrations are frozen in time and never follow later schema types.
type AnyDb = Kysely<unknown>;

/**
 * The client's `Idempotency-Key` of an upload, recorded on its index row (same statement, so a
 * write that committed is always found by its key): a retry whose answer was lost gets the stored
 * call graph or batch back instead of storing it twice. Unique per tenant; absent for uploads
 * without a key.
 */
async function up(db: AnyDb): Promise<void> {
  for (const table of ['callgraphs', 'runtime_fact_batches']) {
    await sql`alter table ${sql.table(`signals.${table}`)} add column idempotency_key text
      check (idempotency_key ~ '^[\\x21-\\x7e]{1,255}$')`.execute(db);
    await sql`create unique index ${sql.id(`${table}_by_idempotency_key`)}
      on ${sql.table(`signals.${table}`)} (tenant_id, idempotency_key) where idempotency_key is not null`.execute(
      db,
    );
  }
}

async function down(db: AnyDb): Promise<void> {
  for (const table of ['callgraphs', 'runtime_fact_batches']) {
    await sql`alter table ${sql.table(`signals.${table}`)} drop column idempotency_key`.execute(db);
  }
}

export const idempotencyKeys: Migration = { up, down };
