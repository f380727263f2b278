import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A throwaway PostgreSQL database on the real server. */
export interface TestDatabase {
  /** Connection string for the new database (same server and user as the admin URL). */
  url: string;
  /** Database name: `<prefix>_<pid>_<counter>_<random>`. */
  name: string;
  /** Terminates every connection to the database and drops it. Idempotent. */
  drop(): Promise<void>;
}

/** Options for {@link createTestDatabase}. */
export interface CreateTestDatabaseOptions {
  /** Admin connection string; defaults to `PG_ADMIN_URL` or `postgres://postgres@127.0.0.1:5432/postgres`. */
  adminUrl?: string;
}

const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
let counter = 0;

async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Creates an empty database for one test suite on the server behind `PG_ADMIN_URL` (trust auth on
 * these machines) and returns its URL. Names are unique per call, so parallel jest workers and
 * parallel engineers never share one.
 *
 * @example
 * const db = await createTestDatabase('signals');
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(
  prefix: string,
  opts: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const adminUrl = opts.adminUrl ?? process.env.PG_ADMIN_URL ?? DEFAULT_ADMIN_URL;
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 30) || 'test';
  counter += 1;
  const name = `${clean}_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`;
  await withAdmin(adminUrl, async (client) => {
    // CREATE DATABASE copies template1 and fails while another session is connected to it.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== '55006' || attempt >= 10) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      await withAdmin(adminUrl, async (client) => {
        await client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      });
      dropped = true;
    },
  };
}
