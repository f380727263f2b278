import {
  type Compilable,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { type Database, DB_SCHEMA } from './schema/index.js';

/**
 * A query builder that never connects: queries are built with Kysely's types and run on the
 * tenant transaction's own client (raw pg is needed for COPY, so both share one connection).
 */
export const qb = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
}).withSchema(DB_SCHEMA);

/** One transaction of one tenant: every statement sees only that tenant's rows (RLS). */
export class TenantTx {
  constructor(
    readonly client: pg.PoolClient,
    readonly tenant: string,
  ) {}

  /** Runs a query built with {@link qb}. */
  async run<R>(query: Compilable<R>): Promise<R[]> {
    const compiled = query.compile();
    const result = await this.client.query(compiled.sql, compiled.parameters as unknown[]);
    return result.rows as R[];
  }

  /**
   * Reads one bytea value as raw bytes through `COPY … TO STDOUT (FORMAT binary)`: node-pg would
   * otherwise receive it as hex text (3–5× slower for large blobs, DESIGN §3). `select` must be a
   * query returning at most one row with one bytea column; its literals must be escaped by the
   * caller (COPY takes no parameters).
   */
  async readBytea(select: string): Promise<Buffer | undefined> {
    const stream = this.client.query(copyTo(`copy (${select}) to stdout with (format binary)`));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return parseSingleByteaCopy(Buffer.concat(chunks));
  }

  /** A string literal for SQL text that cannot take parameters (COPY). */
  literal(value: string): string {
    return this.client.escapeLiteral(value);
  }
}

// PGCOPY\n\377\r\n\0, then a 32-bit flags field and a 32-bit header-extension length.
const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The bytea of the only column of the only row of a binary COPY stream (undefined: no row). */
export function parseSingleByteaCopy(data: Buffer): Buffer | undefined {
  if (data.length < 21 || !data.subarray(0, 11).equals(COPY_SIGNATURE)) {
    throw new Error('unexpected COPY binary header');
  }
  let offset = 15 + 4 + data.readUInt32BE(15);
  const fields = data.readInt16BE(offset);
  offset += 2;
  if (fields === -1) return undefined;
  if (fields !== 1) throw new Error(`expected one column in COPY output, got ${fields}`);
  const length = data.readInt32BE(offset);
  offset += 4;
  if (length === -1) return undefined;
  return data.subarray(offset, offset + length);
}

/**
 * Runs `fn` in a transaction that first sets `app.tenant_id` (transaction-local), so row-level
 * security scopes every statement to `tenant`. Commits when `fn` resolves, rolls back when it throws.
 */
export async function withTenant<T>(
  pool: pg.Pool,
  tenant: string,
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    // One round trip: begin and the transaction-local tenant setting (simple protocol, so the tenant
    // is a quoted literal rather than a parameter).
    await client.query(`begin; select set_config('app.tenant_id', ${client.escapeLiteral(tenant)}, true)`);
    const result = await fn(new TenantTx(client, tenant));
    await client.query('commit');
    return result;
  } catch (err) {
    try {
      await client.query('rollback');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * Whether `tenant` has the graph `digest`, in one round trip: begin, tenant, select, commit as one
 * simple-protocol batch (the hot path of every slice answered from a graph in memory). `digest`
 * must already match its strict format.
 */
export async function tenantHasGraph(pool: pg.Pool, tenant: string, digest: string): Promise<boolean> {
  const client = await pool.connect();
  let broken = false;
  try {
    const results = (await client.query(
      `begin; select set_config('app.tenant_id', ${client.escapeLiteral(tenant)}, true);
       select 1 as found from ${DB_SCHEMA}.subgraphs where digest = ${client.escapeLiteral(digest)}; commit`,
    )) as unknown as pg.QueryResult[];
    return (results[2]?.rowCount ?? 0) > 0;
  } catch (err) {
    broken = true;
    try {
      await client.query('rollback');
      broken = false;
    } catch {
      // the connection is gone: discard it
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
