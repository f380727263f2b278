import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

// `unknown` database: migrations are frozen in time and never follow later schema types.
type AnyDb = Kysely<unknown>;

const ULID = `'^[0-7][0-9A-HJKMNP-TV-Z]{25}$'`;
const SHA256 = `'^sha256:[a-f0-9]{64}$'`;

async function up(db: AnyDb): Promise<void> {
  await sql`
    create table signals.tenants (
      tenant_id text primary key check (tenant_id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      display_name text,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table signals.callgraphs (
      graph_id text primary key check (graph_id ~ ${sql.raw(ULID)}),
      tenant_id text not null,
      digest text not null check (digest ~ ${sql.raw(SHA256)}),
      language text not null,
      source text not null,
      component_purl text not null,
      purl_key text not null,
      purl_version text,
      node_count integer not null check (node_count >= 0),
      edge_count integer not null check (edge_count >= 0),
      size bigint not null,
      stored_size bigint not null,
      blob_key text not null,
      meta_key text not null,
      manifest_key text not null,
      envelope_key text,
      manifest jsonb not null,
      created_at timestamptz not null,
      indexed_at timestamptz not null default clock_timestamp(),
      deleted_at timestamptz,
      purged_at timestamptz
    )`.execute(db);
  await sql`create index callgraphs_by_purl on signals.callgraphs (tenant_id, purl_key, graph_id)`.execute(
    db,
  );
  await sql`create index callgraphs_by_digest on signals.callgraphs (tenant_id, digest)`.execute(db);
  await sql`create index callgraphs_by_age on signals.callgraphs (created_at) where deleted_at is null`.execute(
    db,
  );

  await sql`
    create table signals.callgraph_references (
      graph_id text not null references signals.callgraphs (graph_id),
      referrer text not null,
      first_seen_at timestamptz not null default now(),
      primary key (graph_id, referrer)
    )`.execute(db);

  await sql`
    create table signals.runtime_fact_batches (
      seq bigserial not null unique,
      batch_id text primary key check (batch_id ~ ${sql.raw(ULID)}),
      tenant_id text not null,
      callgraph_id text not null references signals.callgraphs (graph_id),
      provenance_id text not null unique check (provenance_id ~ ${sql.raw(ULID)}),
      provenance_hash text not null check (provenance_hash ~ ${sql.raw(SHA256)}),
      source text not null,
      fact_count integer not null check (fact_count >= 0),
      fact_types text[] not null,
      received_at timestamptz not null,
      ingested_at timestamptz not null,
      blob_key text not null,
      provenance_key text not null,
      attestation_key text,
      size bigint not null,
      stored_size bigint not null,
      indexed_at timestamptz not null default clock_timestamp(),
      deleted_at timestamptz,
      purged_at timestamptz
    )`.execute(db);
  await sql`create index batches_feed on signals.runtime_fact_batches (tenant_id, seq)`.execute(db);
  await sql`create index batches_by_callgraph on signals.runtime_fact_batches (tenant_id, callgraph_id, seq)`.execute(
    db,
  );
  await sql`create index batches_by_hash on signals.runtime_fact_batches (tenant_id, provenance_hash)`.execute(
    db,
  );
  await sql`create index batches_by_age on signals.runtime_fact_batches (ingested_at) where deleted_at is null`.execute(
    db,
  );
  await sql`create index batches_callgraph_fk on signals.runtime_fact_batches (callgraph_id)`.execute(db);
  // Retention: rows whose blobs are being removed (tombstoned, not yet purged) are retried.
  await sql`create index callgraphs_unpurged on signals.callgraphs (graph_id) where deleted_at is not null and purged_at is null`.execute(
    db,
  );
  await sql`create index batches_unpurged on signals.runtime_fact_batches (batch_id) where deleted_at is not null and purged_at is null`.execute(
    db,
  );
}

async function down(db: AnyDb): Promise<void> {
  await sql`drop table signals.runtime_fact_batches`.execute(db);
  await sql`drop table signals.callgraph_references`.execute(db);
  await sql`drop table signals.callgraphs`.execute(db);
  await sql`drop table signals.tenants`.execute(db);
}

/** The tenant registry, the call graph index and the runtime-fact batch index (DESIGN §5). */
export const init: Migration = { up, down };
