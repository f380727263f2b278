import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

type AnyDb = Kysely<unknown>;

async function up(db: AnyDb): Promise<void> {
  // `GET /v1/reachgraphs` pages a tenant's graphs newest first by (created_at, digest).
  await sql`create index subgraphs_newest on reachgraph.subgraphs (tenant, created_at desc, digest desc)`.execute(
    db,
  );
  // `?purl=pkg:…/name@*` matches a prefix: text_pattern_ops lets LIKE 'prefix%' use an index
  // whatever the database's collation (the primary key's default operator class does not).
  await sql`create index purl_index_prefix on reachgraph.purl_index (tenant, purl text_pattern_ops)`.execute(
    db,
  );
  // Writes to the durable slice cache delete a few of their tenant's expired answers, oldest first.
  await sql`create index slice_cache_age on reachgraph.slice_cache (tenant, created_at)`.execute(db);
}

async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists reachgraph.slice_cache_age`.execute(db);
  await sql`drop index if exists reachgraph.purl_index_prefix`.execute(db);
  await sql`drop index if exists reachgraph.subgraphs_newest`.execute(db);
}

/** Indexes for listing a tenant's graphs (newest first, by package prefix) and expiring cached slices. */
export function lookupIndexes(): Migration {
  return { up: (db) => up(db as AnyDb), down: (db) => down(db as AnyDb) };
}
