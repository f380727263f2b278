import { createConnection, createServer, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@stella-ops/testkit';
import pg from 'pg';
import { createPgPool } from './db.js';
import { defaultErrorMapper } from './problem-handler.js';

describe('createPgPool under a terminated backend', () => {
  let db: TestDatabase;
  let admin: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('svckit_db');
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  const terminate = (pid: number) => admin.query('select pg_terminate_backend($1)', [pid]);

  it('a checked-out client whose backend is terminated rejects its query (503 mapping) and never crashes; the pool recovers', async () => {
    const lost: Error[] = [];
    const pool = createPgPool({ url: db.url, max: 2, onConnectionError: (err) => lost.push(err) });
    try {
      const client = await pool.connect();
      // pg-pool removes its own listener while a client is checked out: ours must remain
      expect(client.listenerCount('error')).toBeGreaterThan(0);
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]
        ?.pid as number;
      const running = client.query('select pg_sleep(5)').then(
        () => undefined,
        (err: unknown) => err,
      );
      await new Promise((r) => setTimeout(r, 100));
      await terminate(pid);
      const err = await running;
      expect(err).toBeInstanceOf(Error);
      expect(defaultErrorMapper(err)?.status).toBe(503);
      // the client then emits 'error' for the closed socket: told to our listener, not thrown
      await new Promise((r) => setTimeout(r, 100));
      expect(lost.length).toBeGreaterThan(0);
      // a later query on the dead client fails with a mapped error, and release discards it
      const after = await client.query('select 1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(defaultErrorMapper(after)?.status).toBe(503);
      client.release();
      expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('an idle client whose backend is terminated is dropped from the pool without an unhandled error', async () => {
    const lost: Error[] = [];
    const pool = createPgPool({ url: db.url, max: 1, onConnectionError: (err) => lost.push(err) });
    try {
      const pid = (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]
        ?.pid as number;
      await terminate(pid);
      for (let i = 0; i < 50 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lost.length).toBeGreaterThan(0);
      const again = (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      expect(again).not.toBe(pid);
    } finally {
      await pool.end();
    }
  });

  it('a hung server (connection open, nothing answered) fails the query after queryTimeoutMs and the pool drops that connection', async () => {
    // a proxy in front of PostgreSQL that can stop forwarding while keeping its sockets open
    const target = new URL(db.url);
    let hung = false;
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = createConnection({ host: target.hostname, port: Number(target.port || 5432) });
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.on('data', (c) => hung || upstream.write(c));
      upstream.on('data', (c) => hung || client.write(c));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const address = proxy.address();
    const url = new URL(db.url);
    url.host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const lost: Error[] = [];
    const pool = createPgPool({
      url: url.toString(),
      max: 1,
      queryTimeoutMs: 500,
      onConnectionError: (e) => lost.push(e),
    });
    try {
      expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      hung = true;
      const err = await pool.query('select 1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(defaultErrorMapper(err)?.status).toBe(503);
      expect(lost.map((e) => e.message)).toContain('no answer to a query within 500 ms: connection closed');
      for (let i = 0; i < 50 && pool.totalCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(pool.totalCount).toBe(0);
      hung = false;
      expect((await pool.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
    } finally {
      await pool.end();
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('a query that answered (promise, callback or stream) never closes its connection later', async () => {
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
      await new Promise<void>((resolve, reject) =>
        client.query('select 1', [], (err: Error | undefined) => (err ? reject(err) : resolve())),
      );
      // a submittable that ends like a stream (COPY streams never call back)
      const stream = Object.assign(new pg.Query('select 2'), {});
      const done = new Promise<void>((resolve) => stream.once('end', () => resolve()));
      client.query(stream);
      await done;
      await new Promise((r) => setTimeout(r, 600));
      expect(lost).toEqual([]);
      expect((await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid).toBe(pid);
      client.release();
    } finally {
      await pool.end();
    }
  });

  it('maps node-pg connection-lost errors without a code to 503 DEPENDENCY_UNAVAILABLE', () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'Client has encountered a connection error and is not queryable',
      'timeout exceeded when trying to connect',
      'Query read timeout',
    ]) {
      expect(defaultErrorMapper(new Error(message))?.code).toBe('DEPENDENCY_UNAVAILABLE');
    }
    expect(defaultErrorMapper(new Error('syntax error at or near'))).toBeUndefined();
  });
});
