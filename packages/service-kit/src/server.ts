import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { problemType } from './problem.js';

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

/** What a request Node's HTTP parser refused gets: a problem, not Node's bare status line. */
function clientErrorProblem(code: string | undefined): {
  status: number;
  code: string;
  title: string;
  detail: string;
} {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      code: 'HEADERS_TOO_LARGE',
      title: 'Request header fields too large',
      detail: 'the request headers exceed the server limit',
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      status: 408,
      code: 'REQUEST_TIMEOUT',
      title: 'Request timeout',
      detail: 'the request took too long',
    };
  }
  return {
    status: 400,
    code: 'REQUEST_INVALID',
    title: 'Bad request',
    detail: 'the request is not valid HTTP',
  };
}

/**
 * Answers requests the HTTP parser rejects (oversized headers, malformed request lines) with RFC 9457
 * problem+json like every other error, then closes the connection.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const p = clientErrorProblem(err.code);
    const body = JSON.stringify({
      type: problemType(p.code),
      title: p.title,
      status: p.status,
      code: p.code,
      detail: p.detail,
    });
    socket.end(
      `HTTP/1.1 ${p.status} ${p.title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

/** Starts `app` on `host:port` (port 0 picks a free one). */
export async function listen(app: Express, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  server.keepAliveTimeout = 65_000;
  answerClientErrors(server);
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
