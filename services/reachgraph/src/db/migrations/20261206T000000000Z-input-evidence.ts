import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { MigrationOptions } from './20261123T000000000Z-init.js';

type AnyDb = Kysely<unknown>;

async function up(db: AnyDb, opts: MigrationOptions): Promise<void> {
  // The signed evidence of the Signals inputs a graph was built from (a call graph's manifest and
  // envelope, a batch's provenance record and attestation), as verified at build time, under the
  // digest the graph's provenance.inputs names: offline evidence bundles carry them.
  await sql`
    create table reachgraph.input_evidence (
      tenant text not null,
      kind text not null check (kind in ('callgraph', 'runtime-facts')),
      digest text not null check (digest ~ '^sha256:[a-f0-9]{64}$'),
      content_size integer not null check (content_size >= 0),
      content_zst bytea not null,
      created_at timestamptz not null default now(),
      primary key (tenant, kind, digest)
    )`.execute(db);
  await sql`alter table reachgraph.input_evidence enable row level security`.execute(db);
  await sql`alter table reachgraph.input_evidence force row level security`.execute(db);
  await sql`
    create policy tenant_isolation on reachgraph.input_evidence
      using (tenant = current_setting('app.tenant_id', true))
      with check (tenant = current_setting('app.tenant_id', true))`.execute(db);
  await sql`grant select, insert on reachgraph.input_evidence to ${sql.id(opts.appRole)}`.execute(db);
}

async function down(db: AnyDb): Promise<void> {
  await sql`drop table if exists reachgraph.input_evidence`.execute(db);
}

/** Signed evidence of Signals inputs by the digest provenance names, for evidence bundles, under RLS. */
export function inputEvidence(opts: MigrationOptions): Migration {
  return { up: (db) => up(db as AnyDb, opts), down: (db) => down(db as AnyDb) };
}
