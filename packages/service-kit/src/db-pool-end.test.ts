import type { Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@stella-ops/testkit';
import type pg from 'pg';
import { createPgPool } from './db.js';

/** The socket under a pool client (pg keeps it on `connection.stream`). */
const socketOf = (client: pg.PoolClient) =>
  (client as unknown as { connection: { stream: Socket } }).connection.stream;

describe('createPgPool end()', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pool_end');
  });
  afterAll(() => database?.drop());

  it('resolves only once every client connection is closed, so a graceful exit leaves no socket open', async () => {
    const pool = createPgPool({ url: database.url, max: 4 });
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    const sockets = clients.map(socketOf);
    for (const c of clients) c.release();
    expect(sockets.map((s) => s.destroyed)).toEqual([false, false, false]);
    await pool.end();
    // pg-pool's own end() resolves right after asking clients to end, while these are still open.
    expect(sockets.map((s) => s.destroyed)).toEqual([true, true, true]);
  });

  it('still refuses a second end()', async () => {
    const pool = createPgPool({ url: database.url });
    await pool.query('select 1');
    await pool.end();
    await expect(pool.end()).rejects.toThrow('Called end on pool more than once');
  });
});
