import { Kysely, PostgresDialect, sql } from 'kysely';
// kysely 0.29 moved the migrator to its own entry point ('kysely' keeps only type-level stubs).
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import pg from 'pg';
import type { ReadinessCheck } from './health.js';

/** Connection settings for a service's Postgres pool. */
export interface DbConfig {
  url: string;
  /** Pool size; default 10. */
  max?: number;
  /** Per-statement timeout in ms; default 30 s, so no request ever hangs on a stuck database. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection from the pool; default 5 s. */
  connectionTimeoutMs?: number;
  /**
   * Client-side limit on one query's answer; default the statement timeout + 1 s. The statement
   * timeout is enforced by the server, so it cannot end a query whose server or network has hung
   * (connections open, nothing answered); this one does, by closing that connection.
   */
  queryTimeoutMs?: number;
  /**
   * Told about every connection a pool loses (database restart, `pg_terminate_backend`, network
   * cut), idle or checked out; the pool discards that connection and opens a new one on demand.
   */
  onConnectionError?: (err: Error) => void;
}

/** A pg pool with timeouts that make an unavailable database fail fast instead of hanging. */
export function createPgPool(cfg: DbConfig): pg.Pool {
  const pool = new pg.Pool({
    connectionString: cfg.url,
    max: cfg.max ?? 10,
    connectionTimeoutMillis: cfg.connectionTimeoutMs ?? 5000,
    statement_timeout: cfg.statementTimeoutMs ?? 30_000,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its connection (database restart, terminated backend) emits 'error'. pg-pool
  // listens only while the client is idle; a checked-out client (a running transaction, a COPY)
  // has no listener, and an unhandled 'error' event would crash the process. Every client gets its
  // own listener for its whole life: its query rejects, and release() discards it (not queryable).
  const lost = (err: Error) => cfg.onConnectionError?.(err);
  pool.on('error', lost);
  pool.on('connect', (client) => {
    client.on('error', lost);
    limitQueryTime(client, cfg.queryTimeoutMs ?? (cfg.statementTimeoutMs ?? 30_000) + 1000, lost);
  });
  // pg-pool's end() resolves as soon as it has *asked* its clients to end, before their sockets
  // close; a graceful shutdown must not exit with connections half-closed. 'remove' is emitted once
  // a client's connection has ended, so end() here waits for the last one.
  const open = new Set<pg.PoolClient>();
  pool.on('connect', (client) => open.add(client));
  pool.on('remove', (client) => open.delete(client));
  const end = pool.end.bind(pool) as () => Promise<void>;
  const endAndWait = async (): Promise<void> => {
    await end();
    await new Promise<void>((resolve) => {
      const check = () => (open.size === 0 ? resolve() : pool.once('remove', check));
      check();
    });
  };
  return Object.assign(pool, { end: endAndWait });
}

type Settled = () => void;

/**
 * Closes a client's connection when one of its queries has no answer after `timeoutMs`: its query
 * (and any queued behind it) rejects with a connection error (503), and the pool discards the
 * client. node-pg's own `query_timeout` is not used: it keeps the stuck connection (poisoning the
 * pool), and its timer is never cleared for COPY streams, which never call back.
 */
function limitQueryTime(client: pg.PoolClient, timeoutMs: number, lost: (err: Error) => void): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const close = () => {
    lost(new Error(`no answer to a query within ${timeoutMs} ms: connection closed`));
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  };
  Object.assign(client, {
    query: (...args: unknown[]) => {
      const timer = setTimeout(close, timeoutMs);
      const settled: Settled = () => clearTimeout(timer);
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === 'function') {
        // callback style (pg-pool's pool.query)
        args[last] = (...result: unknown[]) => {
          settled();
          return (callback as (...a: unknown[]) => unknown)(...result);
        };
      }
      const result = query(...args);
      if (result instanceof Promise) {
        result.then(settled, settled);
      } else if (typeof callback !== 'function') {
        // a submittable (a COPY stream): settled when it ends, fails or closes
        const submitted = args[0] as { once?: (event: string, fn: Settled) => void } | undefined;
        if (typeof submitted?.once === 'function') {
          for (const event of ['end', 'error', 'close']) submitted.once(event, settled);
        } else {
          settled();
        }
      }
      return result;
    },
  });
}

/** A typed Kysely instance over a pool. */
export function createKysely<DB>(pool: pg.Pool): Kysely<DB> {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** Migrations registered explicitly in code, in order (never discovered from the filesystem). */
export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

/**
 * Runs every pending migration (the explicit `migrate` command and the Kubernetes Job call this),
 * recording them in `<schema>.kysely_migration`. Throws with the failing migration's name.
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  schema: string,
  migrations: Record<string, Migration>,
): Promise<string[]> {
  await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(migrations),
    migrationTableSchema: schema,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** `SELECT 1` as a readiness check. */
export function postgresReadiness(pool: pg.Pool): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      await pool.query('select 1');
    },
  };
}
