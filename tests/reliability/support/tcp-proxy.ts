import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL, Redis, S3), so a test can take
 * that server away from the services under test without stopping the machine's shared one:
 * - `cut()` closes every open connection (the server side "terminates" them), new ones still pass;
 * - `down()` also stops listening: connects are refused (ECONNREFUSED), as for a stopped server;
 * - `blackhole()` keeps connections open but forwards nothing (a hung server or network);
 * - `up()` forwards again on the same port.
 */
export interface TcpProxy {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  cut(): void;
  down(): Promise<void>;
  blackhole(): void;
  up(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy to `targetHost:targetPort` on a free port (or `port`). */
export async function startTcpProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
  port = 0,
): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let mode: 'up' | 'blackhole' | 'down' = 'up';
  let accepted = 0;

  const server: Server = createServer((client) => {
    accepted++;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    if (mode === 'blackhole') {
      client.pause();
      return;
    }
    const upstream = createConnection({ host: targetHost, port: targetPort });
    open.add(upstream);
    upstream.on('close', () => {
      open.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk) => {
      if (mode === 'up') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (mode === 'up') client.write(chunk);
    });
  });
  server.on('error', () => {});

  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : p);
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const cut = () => {
    for (const s of open) s.destroy();
    open.clear();
  };

  const boundPort = await listen(port);
  return {
    port: boundPort,
    accepted: () => accepted,
    cut,
    async down() {
      mode = 'down';
      const closed = stopListening();
      cut();
      await closed;
    },
    blackhole() {
      mode = 'blackhole';
    },
    async up() {
      mode = 'up';
      if (!server.listening) await listen(boundPort);
    },
    async close() {
      mode = 'down';
      const closed = stopListening();
      cut();
      await closed;
    },
  };
}
