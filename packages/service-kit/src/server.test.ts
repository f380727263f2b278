import { connect } from 'node:net';
import express from 'express';
import { listen } from './server.js';

/** Sends raw bytes and collects everything the server answers until it closes. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

function split(answer: string): { statusLine: string; headers: string; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...headers] = head.split('\r\n');
  return { statusLine, headers: headers.join('\n').toLowerCase(), body: JSON.parse(body) };
}

describe('listen: requests the HTTP parser refuses', () => {
  const app = express();
  app.get('/', (_req, res) => {
    res.send('ok');
  });

  it('answers oversized headers 431 HEADERS_TOO_LARGE as problem+json and closes', async () => {
    const server = await listen(app, 0);
    try {
      const answer = split(
        await raw(server.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
      );
      expect(answer.statusLine).toBe('HTTP/1.1 431 Request header fields too large');
      expect(answer.headers).toMatch(/content-type: application\/problem\+json/);
      expect(answer.headers).toMatch(/connection: close/);
      expect(answer.body).toEqual({
        type: 'https://stella-ops.org/problems/headers-too-large',
        title: 'Request header fields too large',
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        detail: 'the request headers exceed the server limit',
      });
    } finally {
      await server.close(0);
    }
  });

  it('answers a malformed request line 400 REQUEST_INVALID as problem+json', async () => {
    const server = await listen(app, 0);
    try {
      const answer = split(await raw(server.port, 'GET / HTTP/9.Z\r\n\u0001\r\n\r\n'));
      expect(answer.statusLine).toBe('HTTP/1.1 400 Bad request');
      expect(answer.body).toMatchObject({ status: 400, code: 'REQUEST_INVALID' });
      // The server still serves well-formed requests.
      expect(await raw(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(
        /\r\n\r\nok$/,
      );
    } finally {
      await server.close(0);
    }
  });
});
