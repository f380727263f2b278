import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { endWithJsonText, JsonTextSender } from '../api/json-text.js';

/** A JSON text of about `chars` characters, its strings made of `unit`. */
function jsonText(chars: number, unit: string): string {
  const item = JSON.stringify({ id: unit.repeat(64) });
  return JSON.stringify(Array.from({ length: Math.ceil(chars / item.length) }, () => JSON.parse(item)));
}

let server: http.Server;
let base: string;
const texts = new Map<string, string>([
  ['small', jsonText(200, 'a')],
  ['ascii', jsonText(600_000, 'b')],
  ['other', jsonText(600_000, 'c')],
  // more than the kernel takes from a socket whose reader has stopped (send buffer ≤ 4 MB here)
  ['large', jsonText(8_000_000, 'e')],
  ['large-other', jsonText(8_000_000, 'f')],
  // 2- and 3-byte UTF-8 characters, and a surrogate pair (4 bytes for 2 code units)
  ['unicode', jsonText(400_000, 'é€😀')],
  // more than the largest scratch buffer at three bytes a character
  ['huge', jsonText(6_000_000, 'd')],
]);

beforeAll(async () => {
  const app = express();
  // The large texts go through a sender whose scratch buffers take them (the shared one's do not).
  const roomy = new JsonTextSender({ minBytes: 1024 * 1024, maxBytes: 64 * 1024 * 1024, kept: 2 });
  app.get('/:name', (req, res) => {
    const name = String(req.params['name']);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    if (name.startsWith('large')) roomy.end(res, texts.get(name) as string);
    else endWithJsonText(res, texts.get(name) ?? '[]');
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** GETs `path` on a connection of its own; `hold` delays reading the answer by that many ms. */
function get(path: string, hold = 0, method = 'GET'): Promise<{ length: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, agent: false }, (res) => {
      res.pause();
      setTimeout(() => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ length: String(res.headers['content-length']), body: Buffer.concat(chunks) }),
        );
        res.resume();
      }, hold);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('endWithJsonText', () => {
  it.each(['small', 'ascii', 'unicode', 'huge'])(
    'sends the %s text whole, with its length in UTF-8 bytes',
    async (name) => {
      const expected = Buffer.from(texts.get(name) as string, 'utf8');
      const { length, body } = await get(`/${name}`);
      expect(length).toBe(String(expected.length));
      expect(body.equals(expected)).toBe(true);
    },
  );

  it('answers HEAD with the length and no body', async () => {
    const { length, body } = await get('/unicode', 0, 'HEAD');
    expect(length).toBe(String(Buffer.byteLength(texts.get('unicode') as string)));
    expect(body.length).toBe(0);
  });

  it('does not reuse a scratch buffer while a slow reader still waits for its bytes', async () => {
    // The first answer is larger than the socket takes while its reader waits, so part of it stays
    // queued on the scratch buffer while the second request is answered: reusing it then would
    // corrupt the first.
    const slow = get('/large', 300);
    await new Promise((r) => setTimeout(r, 50));
    const fast = await get('/large-other');
    const first = await slow;
    expect(fast.body.toString('utf8')).toBe(texts.get('large-other'));
    expect(first.body.toString('utf8')).toBe(texts.get('large'));
  });

  it('answers many requests in a row and at once with their own bytes', async () => {
    const names = ['ascii', 'unicode', 'other', 'ascii', 'other', 'unicode', 'small', 'ascii'];
    for (const name of names) expect((await get(`/${name}`)).body.toString('utf8')).toBe(texts.get(name));
    const together = await Promise.all(names.map((name, i) => get(`/${name}`, (i % 3) * 40)));
    expect(together.map((answer) => answer.body.toString('utf8'))).toEqual(
      names.map((name) => texts.get(name)),
    );
  });
});
