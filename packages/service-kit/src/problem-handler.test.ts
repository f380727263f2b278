import { Agent, request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { CoreError } from '@stella-ops/core';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { readBody } from './body.js';
import { problems } from './problem.js';
import { instanceOf, notFoundHandler, problemHandler } from './problem-handler.js';
import { listen } from './server.js';

function appThrowing(err: unknown) {
  const a = express();
  a.get('/x', () => {
    throw err;
  });
  a.use(notFoundHandler);
  a.use(problemHandler(pino({ level: 'silent' })));
  return a;
}

describe('problemHandler', () => {
  it('renders an HttpProblem as RFC 9457 problem+json with its headers', async () => {
    const res = await request(appThrowing(problems.unavailable('DEPENDENCY_UNAVAILABLE', 'db down', 7))).get(
      '/x?a=1',
    );
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body).toEqual({
      type: 'https://stella-ops.org/problems/dependency-unavailable',
      title: 'Service unavailable',
      status: 503,
      code: 'DEPENDENCY_UNAVAILABLE',
      detail: 'db down',
      instance: '/x',
    });
  });

  it('maps a core SCHEMA_INVALID error to 422 with every issue and its pointer', async () => {
    const err = new CoreError({
      code: 'SCHEMA_INVALID',
      message: 'bad',
      issues: [{ pointer: '/nodes/0/id', keyword: 'type', message: 'must be string' }],
    });
    const res = await request(appThrowing(err)).get('/x');
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('SCHEMA_INVALID');
    expect(res.body.errors).toEqual([{ pointer: '/nodes/0/id', keyword: 'type', message: 'must be string' }]);
  });

  it('maps an unreachable database to 503 with Retry-After', async () => {
    const res = await request(
      appThrowing(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).get('/x');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body.code).toBe('DEPENDENCY_UNAVAILABLE');
  });

  it('maps a blob digest mismatch to 502 BLOB_INTEGRITY_FAILED', async () => {
    const res = await request(
      appThrowing(Object.assign(new Error('mismatch'), { code: 'BLOB_DIGEST_MISMATCH' })),
    ).get('/x');
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('BLOB_INTEGRITY_FAILED');
  });

  it('answers an unexpected error with a bare 500 that leaks no message or stack', async () => {
    const res = await request(appThrowing(new Error('secret connection string postgres://u:p@h'))).get('/x');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      type: 'https://stella-ops.org/problems/internal',
      title: 'Internal server error',
      status: 500,
      code: 'INTERNAL',
      instance: '/x',
    });
    expect(res.text).not.toMatch(/secret|stack|at /);
  });

  it('answers unknown routes with 404 ROUTE_NOT_FOUND', async () => {
    const res = await request(appThrowing(null)).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('hostile request paths', () => {
  const app = express();
  app.get('/things/:id', (req, res) => {
    res.json({ id: req.params['id'] });
  });
  app.use(notFoundHandler);
  app.use(problemHandler(pino({ level: 'silent' })));

  it('answers a path parameter with broken percent-encoding 400 PATH_INVALID, not 500', async () => {
    for (const bad of ['%E0%A4%A', '%', '%zz', '%C0%AF', '%ff%fe']) {
      const res = await request(app).get(`/things/${bad}`);
      expect([res.status, res.body.code]).toEqual([400, 'PATH_INVALID']);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('keeps `instance` a valid URI reference whatever the client sent', async () => {
    const res = await request(app).get('/nowhere/%E0%A4%A/50%');
    expect([res.status, res.body.code, res.body.instance]).toEqual([
      404,
      'ROUTE_NOT_FOUND',
      '/nowhere/%E0%A4%25A/50%25',
    ]);
    expect(instanceOf('/a b/\u00e9/\u{1f600}/ok%20?q=1')).toBe('/a%20b/%E9/%F0%9F%98%80/ok%20');
    expect(instanceOf('/plain/path-1.2_~')).toBe('/plain/path-1.2_~');
  });
});

describe('a body rejected before it was read to the end', () => {
  it('closes the connection, so a keep-alive client’s next request is not read as the rest of it', async () => {
    const app = express();
    app.post('/upload', async (req, res, next) => {
      try {
        res.json({ bytes: (await readBody(req, { maxBytes: 1024 * 1024 })).length });
      } catch (err) {
        next(err);
      }
    });
    app.use(problemHandler(pino({ level: 'silent' })));
    const server = await listen(app, 0);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: Buffer, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = httpRequest(
          { host: '127.0.0.1', port: server.port, method: 'POST', path: '/upload', headers, agent },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      // 1 GiB of zeros in ~1 MiB (64 gzip members): the limit stops reading long before the body ends.
      const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
      const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
      expect(await post(bomb, { 'Content-Encoding': 'gzip' })).toEqual({ status: 413, connection: 'close' });
      expect(await post(Buffer.from('hello'))).toEqual({ status: 200, connection: 'keep-alive' });
      expect(await post(Buffer.alloc(3 * 1024 * 1024))).toEqual({ status: 413, connection: 'close' });
      expect((await post(Buffer.from('again'))).status).toBe(200);
    } finally {
      agent.destroy();
      await server.close(0);
    }
  });
});
