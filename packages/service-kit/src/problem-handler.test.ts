import { CoreError } from '@stella-ops/core';
import express from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { problems } from './problem.js';
import { instanceOf, notFoundHandler, problemHandler } from './problem-handler.js';

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
