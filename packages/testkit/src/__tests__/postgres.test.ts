import pg from 'pg';
import { createTestDatabase } from '../postgres.js';

async function databaseExists(name: string): Promise<boolean> {
  const admin = new pg.Client({
    connectionString: process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  await admin.connect();
  try {
    const res = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return res.rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe('createTestDatabase', () => {
  it('creates a usable database and drops it even while a connection is open', async () => {
    const db = await createTestDatabase('Testkit Suite!');
    expect(db.name).toMatch(/^testkit_suite_\d+_\d+_[0-9a-f]{6}$/);
    const client = new pg.Client({ connectionString: db.url });
    client.on('error', () => {}); // the drop terminates this session
    await client.connect();
    const res = await client.query<{ db: string }>('SELECT current_database() AS db');
    expect(res.rows[0]?.db).toBe(db.name);
    expect(await databaseExists(db.name)).toBe(true);

    await db.drop();
    expect(await databaseExists(db.name)).toBe(false);
    await db.drop(); // idempotent
    await client.end().catch(() => {});
  });

  it('gives every call its own name', async () => {
    const [a, b] = await Promise.all([createTestDatabase('twin'), createTestDatabase('twin')]);
    try {
      expect(a.name).not.toBe(b.name);
      expect(a.url).not.toBe(b.url);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });
});
