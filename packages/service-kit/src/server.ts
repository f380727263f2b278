import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';

/** A listening HTTP server that drains on {@link RunningServer.close}. */
export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /**
   * Stops accepting connections, lets in-flight requests finish, then resolves. After `graceMs` the
   * remaining connections are destroyed.
   */
  close(graceMs?: number): Promise<void>;
}

/** Starts `app` on `host:port` (port 0 picks a free one). */
export async function listen(app: Express, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 65_000;
  const addr = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port: addr.port,
    url: `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${addr.port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
        server.closeIdleConnections();
      }),
  };
}

/**
 * Wires SIGTERM/SIGINT to a graceful stop: `stop()` drains and closes resources, then the process
 * exits 0; a second signal or `timeoutMs` forces exit 1.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>, timeoutMs = 25_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
