import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { MigrationOptions } from './20261123T000000000Z-init.js';

type AnyDb = Kysely<unknown>;

async function up(db: AnyDb, opts: MigrationOptions): Promise<void> {
  // The build inputs ReachGraph itself receives (inline sink lists, OSV documents), content-
  // addressed by the `sha256:` a graph's provenance.inputs names, so replay can fetch them back.
  await sql`
    create table reachgraph.input_documents (
      tenant text not null,
      digest text not null check (digest ~ '^sha256:[a-f0-9]{64}$'),
      kind text not null check (kind in ('sinks', 'osv')),
      content_size integer not null check (content_size >= 0),
      content_zst bytea not null,
      created_at timestamptz not null default now(),
      primary key (tenant, digest)
    )`.execute(db);
  await sql`alter table reachgraph.input_documents enable row level security`.execute(db);
  await sql`alter table reachgraph.input_documents force row level security`.execute(db);
  await sql`
    create policy tenant_isolation on reachgraph.input_documents
      using (tenant = current_setting('app.tenant_id', true))
      with check (tenant = current_setting('app.tenant_id', true))`.execute(db);
  // Content-addressed and referenced by digest from stored graphs: the service only adds rows.
  await sql`grant select, insert on reachgraph.input_documents to ${sql.id(opts.appRole)}`.execute(db);
}

async function down(db: AnyDb): Promise<void> {
  await sql`drop table if exists reachgraph.input_documents`.execute(db);
}

/** Build inputs by digest (sink lists and OSV documents) for replay, under RLS. */
export function inputDocuments(opts: MigrationOptions): Migration {
  return { up: (db) => up(db as AnyDb, opts), down: (db) => down(db as AnyDb) };
}
