import { createServer } from 'node:net';

/**
 * Asks the OS for a TCP port that is free on 127.0.0.1 right now. Another process can still take
 * it before you listen on it; prefer listening on port 0 where the server allows it.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
