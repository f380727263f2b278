import { createPgPool } from '@stella-ops/service-kit';
import { createTestDatabase, type TestDatabase } from '@stella-ops/testkit';
import { to as copyTo } from 'pg-copy-streams';

// COPY streams never call node-pg back: a query timeout that waited for a callback would fire after
// every COPY and close a connection some later request is using.
describe('COPY through a pool with a query timeout', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('rg_copy_timeout');
  });
  afterAll(() => db?.drop());

  it('a finished COPY never closes its connection when the timeout would have elapsed', async () => {
    const lost: Error[] = [];
    const pool = createPgPool({
      url: db.url,
      max: 1,
      queryTimeoutMs: 300,
      onConnectionError: (e) => lost.push(e),
    });
    try {
      const client = await pool.connect();
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(
        copyTo("copy (select 'x'::bytea) to stdout with (format binary)"),
      ))
        chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 700));
      expect(lost).toEqual([]);
      expect((await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid).toBe(pid);
      client.release();
    } finally {
      await pool.end();
    }
  });
});
