import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/** What the migration needs to know about the deployment. */
export interface MigrationOptions {
  /** The non-owner role the service connects as (created when missing, cluster-wide). */
  appRole: string;
}

// `unknown` database: migrations are frozen in time and never follow later schema types.
type AnyDb = Kysely<unknown>;

/** The tenant tables this migration creates (later migrations secure their own tables). */
const TENANT_TABLES = [
  'subgraphs',
  'artifact_index',
  'purl_index',
  'cve_index',
  'slice_cache',
  'replay_log',
  'audit_log',
] as const;

async function createAppRole(db: AnyDb, role: string): Promise<void> {
  // Roles are cluster-wide: concurrent migrations of several databases may race to create it.
  await sql`
    do $$ begin
      if not exists (select from pg_roles where rolname = ${sql.lit(role)}) then
        create role ${sql.id(role)} login nosuperuser nobypassrls noinherit;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(db);
}

async function up(db: AnyDb, opts: MigrationOptions): Promise<void> {
  await createAppRole(db, opts.appRole);
  await sql`
    create table reachgraph.subgraphs (
      tenant text not null,
      digest text not null check (digest ~ '^blake3:[a-f0-9]{64}$'),
      artifact_name text not null,
      artifact_digest text not null,
      node_count integer not null check (node_count >= 0),
      edge_count integer not null check (edge_count >= 0),
      canonical_size bigint not null,
      canonical_zst bytea not null,
      binary_size bigint not null,
      binary_zst bytea not null,
      signatures jsonb not null default '[]',
      created_by text not null,
      created_at timestamptz not null default now(),
      primary key (tenant, digest)
    )`.execute(db);
  // The blobs are zstd already: store them out of line without a second (pglz) compression attempt.
  await sql`alter table reachgraph.subgraphs alter column canonical_zst set storage external`.execute(db);
  await sql`alter table reachgraph.subgraphs alter column binary_zst set storage external`.execute(db);

  for (const [table, column] of [
    ['artifact_index', 'artifact_digest'],
    ['purl_index', 'purl'],
    ['cve_index', 'cve'],
  ] as const) {
    await sql`
      create table ${sql.table(`reachgraph.${table}`)} (
        tenant text not null,
        ${sql.id(column)} text not null,
        digest text not null,
        primary key (tenant, ${sql.id(column)}, digest),
        foreign key (tenant, digest) references reachgraph.subgraphs (tenant, digest) on delete cascade
      )`.execute(db);
    await sql`create index ${sql.id(`${table}_by_graph`)} on ${sql.table(`reachgraph.${table}`)} (tenant, digest)`.execute(
      db,
    );
  }

  await sql`
    create table reachgraph.slice_cache (
      tenant text not null,
      digest text not null,
      query_key text not null,
      query jsonb not null,
      response_zst bytea not null,
      created_at timestamptz not null default now(),
      primary key (tenant, digest, query_key),
      foreign key (tenant, digest) references reachgraph.subgraphs (tenant, digest) on delete cascade
    )`.execute(db);

  await sql`
    create table reachgraph.replay_log (
      id text primary key,
      tenant text not null,
      principal text not null,
      subject text not null,
      expected_digest text not null,
      computed_digest text,
      match boolean,
      inputs jsonb not null,
      diff jsonb,
      error_code text,
      duration_ms integer not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index replay_log_by_digest on reachgraph.replay_log (tenant, expected_digest, created_at)`.execute(
    db,
  );

  await sql`
    create table reachgraph.audit_log (
      id text primary key,
      tenant text not null,
      principal text not null,
      subject text not null,
      action text not null,
      digest text not null,
      detail jsonb not null default '{}',
      created_at timestamptz not null default now()
    )`.execute(db);

  const role = sql.id(opts.appRole);
  await sql`grant usage on schema reachgraph to ${role}`.execute(db);
  for (const table of TENANT_TABLES) {
    const t = sql.table(`reachgraph.${table}`);
    // RLS on, and forced so that even the table owner is filtered; no tenant set → no rows.
    await sql`alter table ${t} enable row level security`.execute(db);
    await sql`alter table ${t} force row level security`.execute(db);
    await sql`
      create policy tenant_isolation on ${t}
        using (tenant = current_setting('app.tenant_id', true))
        with check (tenant = current_setting('app.tenant_id', true))`.execute(db);
  }
  for (const table of ['subgraphs', 'artifact_index', 'purl_index', 'cve_index', 'slice_cache']) {
    await sql`grant select, insert, update, delete on ${sql.table(`reachgraph.${table}`)} to ${role}`.execute(
      db,
    );
  }
  // The audit trails are append-only for the service.
  await sql`grant select, insert on reachgraph.replay_log, reachgraph.audit_log to ${role}`.execute(db);
}

async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'audit_log',
    'replay_log',
    'slice_cache',
    'cve_index',
    'purl_index',
    'artifact_index',
  ]) {
    await sql`drop table if exists ${sql.table(`reachgraph.${table}`)}`.execute(db);
  }
  await sql`drop table if exists reachgraph.subgraphs`.execute(db);
}

/** The initial schema: graphs, lookups, slice cache, replay and audit logs, all under RLS. */
export function init(opts: MigrationOptions): Migration {
  return { up: (db) => up(db as AnyDb, opts), down: (db) => down(db as AnyDb) };
}
