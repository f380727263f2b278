import { mkdir, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { notFoundHandler, problemHandler } from '@stella-ops/service-kit';
import { type TmpDir, tmpDir } from '@stella-ops/testkit';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import request from 'supertest';
import { CONSOLE_CSP, consoleAssetsDir, consoleUi } from '../src/api/ui.js';

const INDEX =
  '<!doctype html><title>console</title><script type="module" src="/ui/app-ABCD2345.js"></script>';

/** The console mounted as createApp mounts it (helmet first, problem+json for errors). */
function appWith(assetsDir: string | undefined): Express {
  const app = express();
  app.use(helmet());
  app.use('/ui', consoleUi({ assetsDir }));
  app.use(notFoundHandler);
  app.use(problemHandler(pino({ level: 'silent' })));
  return app;
}

describe('the console at /ui/', () => {
  let dir: TmpDir;
  let app: Express;

  beforeAll(async () => {
    dir = await tmpDir('rg-ui-');
    await writeFile(join(dir.path, 'index.html'), INDEX);
    await writeFile(join(dir.path, 'app-ABCD2345.js'), 'console.log("app");\n');
    await writeFile(join(dir.path, 'app-ABCD2345.js.map'), '{"version":3}');
    await writeFile(join(dir.path, 'app-WXYZ6789.css'), 'body{margin:0}\n');
    await mkdir(join(dir.path, '.hidden'));
    await writeFile(join(dir.path, '.hidden', 'secret.txt'), 'no');
    app = appWith(dir.path);
  });
  afterAll(() => dir.remove());

  it('serves index.html at /ui/ as HTML, revalidated on every load, under the console CSP', async () => {
    const res = await request(app).get('/ui/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).toBe(INDEX);
  });

  it('redirects /ui to /ui/ (keeping the query) so relative URLs resolve', async () => {
    const res = await request(app).get('/ui?x=1');
    expect(res.status).toBe(308);
    expect(res.headers['location']).toBe('/ui/?x=1');
  });

  it('answers permalinks (extension-less paths under /ui/) with index.html', async () => {
    const res = await request(app).get(
      `/ui/graphs/blake3:${'a'.repeat(64)}?cve=CVE-2021-23337&view=graph&node=app%3Asrc%2Fa.js%23main`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toBe(INDEX);
    expect((await request(app).get('/ui/artifacts/sha256:00')).text).toBe(INDEX);
  });

  it('serves content-hashed assets with their media type, cacheable for a year and immutable', async () => {
    const js = await request(app).get('/ui/app-ABCD2345.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-security-policy']).toBe(CONSOLE_CSP);
    const css = await request(app).get('/ui/app-WXYZ6789.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const map = await request(app).get('/ui/app-ABCD2345.js.map');
    expect(map.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await request(app).head('/ui/graphs/x');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text ?? '').toBe('');
  });

  it('gives 404 ASSET_NOT_FOUND (problem+json) for a missing asset, a dotfile or a path out of the folder', async () => {
    for (const path of [
      '/ui/app-NOPE0000.js',
      '/ui/.hidden/secret.txt',
      '/ui/%2e%2e/package.json',
      '/ui/../../etc/passwd.txt',
    ]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body.code).toBe('ASSET_NOT_FOUND');
    }
  });

  it('leaves other methods to the 404 of the service', async () => {
    const res = await request(app).post('/ui/').send({});
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('gives 404 CONSOLE_NOT_BUILT, saying how to build it, when the assets are missing', async () => {
    const empty = await tmpDir('rg-ui-empty-');
    try {
      for (const target of [appWith(join(empty.path, 'dist')), appWith(undefined)]) {
        for (const path of ['/ui/', '/ui/graphs/x', '/ui/app-ABCD2345.js']) {
          const res = await request(target).get(path);
          expect(res.status).toBe(404);
          expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
          expect(res.body.code).toBe('CONSOLE_NOT_BUILT');
          expect(res.body.detail).toContain('pnpm --filter @stella-ops/console build');
        }
      }
    } finally {
      await empty.remove();
    }
  });

  it('finds the console package’s dist/ through module resolution', () => {
    expect(consoleAssetsDir()).toMatch(new RegExp(`${sep}packages${sep}console${sep}dist$`));
  });
});
