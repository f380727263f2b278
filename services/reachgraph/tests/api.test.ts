import { gzipSync } from 'node:zlib';
import { blake3, reachGraphDigest, validate } from '@stella-ops/core';
import { cleanRedisPrefix, redisTestUrl } from '@stella-ops/testkit';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { zstdDecompress } from '../src/zstd.js';
import { exampleGraph, otherGraph } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

const MISSING = `blake3:${'0'.repeat(64)}`;

/** Collects a response body as raw bytes (no decoding by supertest). */
function rawBody(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe.each(['redis', 'memory'] as const)('ReachGraph API with the %s slice cache', (mode) => {
  let suite: Suite;
  let app: Express;
  let redis: Redis | undefined;
  let A: string; // tenant-a, all scopes
  let B: string; // tenant-b, all scopes
  let readOnly: string;
  let digest: string;

  beforeAll(async () => {
    suite = await createSuite(`api_${mode}`);
    ({ app } = await suite.start((cfg) => {
      if (mode === 'redis') cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
    }));
    if (mode === 'redis') redis = new Redis(redisTestUrl());
    A = await token({ tenant: 'tenant-a' });
    B = await token({ tenant: 'tenant-b' });
    readOnly = await token({ tenant: 'tenant-a', scopes: ['reachgraph:read'] });
    digest = await reachGraphDigest(exampleGraph());
  });

  afterAll(async () => {
    if (redis) {
      await cleanRedisPrefix(redis, suite.redisPrefix);
      redis.disconnect();
    }
    await suite.close();
  });

  const problem = (res: request.Response, status: number, code: string) => {
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.type).toBe('application/problem+json');
    validate('problem@v1', res.body);
  };

  describe('POST /v1/reachgraphs', () => {
    it('stores a graph: 201 with the server-computed digest, then 200 with the same digest', async () => {
      const first = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(exampleGraph());
      expect(first.status).toBe(201);
      expect(first.body.digest).toBe(digest);
      expect(first.body.created).toBe(true);
      expect(first.headers.location).toBe(`/v1/reachgraphs/${digest}`);
      expect(first.body.counts).toEqual({ nodes: 3, edges: 2 });

      // Same content in another order is the same graph (normalised before hashing).
      const shuffled = exampleGraph();
      shuffled.nodes.reverse();
      shuffled.edges.reverse();
      const again = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(shuffled);
      expect([again.status, again.body.digest, again.body.created]).toEqual([200, digest, false]);
    });

    it('accepts a gzip-compressed body and the expected digest from ?digest or X-Expected-Digest', async () => {
      const res = await request(app)
        .post(`/v1/reachgraphs?digest=${digest}`)
        .set('Authorization', A)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'gzip')
        .serialize((b: unknown) => b as string)
        .send(gzipSync(JSON.stringify(exampleGraph())));
      expect([res.status, res.body.digest, res.body.detail]).toEqual([200, digest, undefined]);
      const viaHeader = await request(app)
        .post('/v1/reachgraphs')
        .set('Authorization', A)
        .set('X-Expected-Digest', digest)
        .send(exampleGraph());
      expect(viaHeader.status).toBe(200);
    });

    it('422 DIGEST_MISMATCH when the client expects another digest; 400 DIGEST_INVALID when it is malformed', async () => {
      const other = `blake3:${'1'.repeat(64)}`;
      problem(
        await request(app)
          .post(`/v1/reachgraphs?digest=${other}`)
          .set('Authorization', A)
          .send(exampleGraph()),
        422,
        'DIGEST_MISMATCH',
      );
      problem(
        await request(app)
          .post('/v1/reachgraphs')
          .set('Authorization', A)
          .set('X-Expected-Digest', other)
          .send(exampleGraph()),
        422,
        'DIGEST_MISMATCH',
      );
      problem(
        await request(app)
          .post('/v1/reachgraphs?digest=sha256:abc')
          .set('Authorization', A)
          .send(exampleGraph()),
        400,
        'DIGEST_INVALID',
      );
    });

    it('422 SCHEMA_INVALID with a JSON pointer for every violation', async () => {
      const bad = exampleGraph() as unknown as {
        nodes: Record<string, unknown>[];
        edges: Record<string, unknown>[];
      };
      (bad.nodes[0] as Record<string, unknown>)['kind'] = 'lambda';
      (bad.edges[1] as { why: Record<string, unknown> }).why['confidence'] = 7;
      const res = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(bad);
      problem(res, 422, 'SCHEMA_INVALID');
      const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['/nodes/0/kind', '/edges/1/why/confidence']));
    });

    it('422 SCHEMA_INVALID for a NUL in the artifact name or a purl (indexed as text); kept in a symbol', async () => {
      const g = exampleGraph() as unknown as {
        artifact: { name: string };
        nodes: { purl?: string; symbol?: string }[];
      };
      g.artifact.name = 'orders\u0000api';
      const at = g.nodes.findIndex((n) => n.purl !== undefined);
      const node = g.nodes[at] as { purl: string; symbol?: string };
      node.purl = `${node.purl}\u0000`;
      const res = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(g);
      problem(res, 422, 'SCHEMA_INVALID');
      const pointers = (res.body.errors as { pointer: string }[]).map((e) => e.pointer);
      expect(pointers).toEqual(expect.arrayContaining(['/artifact/name', `/nodes/${at}/purl`]));
      g.artifact.name = 'orders-api-nul';
      node.purl = node.purl.slice(0, -1);
      node.symbol = 'x\u0000';
      const kept = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(g);
      expect(kept.status).toBe(201);
    });

    it('422 GRAPH_INVALID for an edge to an unknown node; 400 JSON_INVALID for bad JSON', async () => {
      const dangling = exampleGraph();
      dangling.edges.push({ from: 'src/server.js:main', to: 'nowhere', why: { type: 'DirectCall' } });
      problem(
        await request(app).post('/v1/reachgraphs').set('Authorization', A).send(dangling),
        422,
        'GRAPH_INVALID',
      );
      // Its row, written while the index was being built, was rolled back with it.
      const refused = await reachGraphDigest(dangling);
      expect((await request(app).get(`/v1/reachgraphs/${refused}`).set('Authorization', A)).status).toBe(404);
      const owner = new pg.Client({ connectionString: suite.db.url });
      await owner.connect();
      try {
        const { rows } = await owner.query(
          'select count(*)::int as n from reachgraph.subgraphs where digest = $1',
          [refused],
        );
        expect(rows[0].n).toBe(0);
      } finally {
        await owner.end();
      }
      problem(
        await request(app)
          .post('/v1/reachgraphs')
          .set('Authorization', A)
          .set('Content-Type', 'application/json')
          .send('{"nodes":'),
        400,
        'JSON_INVALID',
      );
    });

    it('413 PAYLOAD_TOO_LARGE past the body limit, 415 UNSUPPORTED_MEDIA_TYPE for a non-JSON body', async () => {
      const { app: small } = await suite.start((cfg) => {
        cfg.limits.maxUpsertBytes = 100;
      });
      problem(
        await request(small).post('/v1/reachgraphs').set('Authorization', A).send(exampleGraph()),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      problem(
        await request(app)
          .post('/v1/reachgraphs')
          .set('Authorization', A)
          .set('Content-Type', 'text/plain')
          .send('{}'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });

    it('401 without a token, 403 FORBIDDEN without reachgraph:write', async () => {
      problem(await request(app).post('/v1/reachgraphs').send(exampleGraph()), 401, 'UNAUTHORIZED');
      problem(
        await request(app).post('/v1/reachgraphs').set('Authorization', readOnly).send(exampleGraph()),
        403,
        'FORBIDDEN',
      );
    });
  });

  describe('GET /v1/reachgraphs/{digest}', () => {
    it('answers the canonical JSON whose BLAKE3 is the digest, immutable, ETag = digest', async () => {
      const res = await request(app)
        .get(`/v1/reachgraphs/${digest}`)
        .set('Authorization', A)
        .set('Accept-Encoding', 'identity')
        .buffer(true)
        .parse(rawBody);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe(`"${digest}"`);
      expect(res.headers['cache-control']).toContain('immutable');
      const body = res.body as Buffer;
      expect(await blake3(body)).toBe(digest);
      expect(await reachGraphDigest(JSON.parse(body.toString('utf8')))).toBe(digest);
    });

    it('sends the stored zstd as is, gzip when asked, and 304 for a matching If-None-Match', async () => {
      const zst = await request(app)
        .get(`/v1/reachgraphs/${digest}`)
        .set('Authorization', A)
        .set('Accept-Encoding', 'zstd')
        .buffer(true)
        .parse(rawBody);
      expect(zst.headers['content-encoding']).toBe('zstd');
      expect(await blake3(zstdDecompress(zst.body as Buffer, 1 << 20))).toBe(digest);
      const gz = await request(app)
        .get(`/v1/reachgraphs/${digest}`)
        .set('Authorization', A)
        .set('Accept-Encoding', 'gzip');
      expect(gz.headers['content-encoding']).toBe('gzip');
      expect(await reachGraphDigest(gz.body)).toBe(digest);
      const cached = await request(app)
        .get(`/v1/reachgraphs/${digest}`)
        .set('Authorization', A)
        .set('If-None-Match', `"${digest}"`);
      expect(cached.status).toBe(304);
    });

    it('404 GRAPH_NOT_FOUND for an unknown digest and, identically, for another tenant; 400 DIGEST_INVALID', async () => {
      const missing = await request(app).get(`/v1/reachgraphs/${MISSING}`).set('Authorization', A);
      problem(missing, 404, 'GRAPH_NOT_FOUND');
      const foreign = await request(app).get(`/v1/reachgraphs/${digest}`).set('Authorization', B);
      problem(foreign, 404, 'GRAPH_NOT_FOUND');
      const strip = (b: Record<string, unknown>) => ({ ...b, detail: undefined, instance: undefined });
      expect(strip(foreign.body)).toEqual(strip(missing.body));
      // Even a conditional request learns nothing about another tenant's graph.
      problem(
        await request(app)
          .get(`/v1/reachgraphs/${digest}`)
          .set('Authorization', B)
          .set('If-None-Match', `"${digest}"`),
        404,
        'GRAPH_NOT_FOUND',
      );
      problem(
        await request(app).get('/v1/reachgraphs/blake3:XYZ').set('Authorization', A),
        400,
        'DIGEST_INVALID',
      );
      problem(
        await request(app)
          .get(`/v1/reachgraphs/${'a'.repeat(64)}`)
          .set('Authorization', A),
        400,
        'DIGEST_INVALID',
      );
    });
  });

  describe('GET /v1/reachgraphs/{digest}/slice', () => {
    const slice = (q: string, auth = A) =>
      request(app).get(`/v1/reachgraphs/${digest}/slice?${q}`).set('Authorization', auth);

    it('CVE slice: the explained path from the entrypoint to the vulnerable sink', async () => {
      const res = await slice('cve=CVE-2021-23337');
      expect(res.status).toBe(200);
      validate('slice-response@v1', res.body);
      expect(res.body.graphDigest).toBe(digest);
      // the only path passes the feature flag REPORTS=enabled, which nothing settles
      expect(res.body.verdict).toBe('gated');
      expect(res.body.sinks).toEqual({ reachable: [], gated: ['lodash:template'], unreachable: [] });
      expect(res.body.paths[0].openGuards).toEqual(['REPORTS=enabled']);
      expect(res.body.query).toEqual({ type: 'cve', cve: 'CVE-2021-23337' });
      expect(res.body.paths[0].hops.map((h: { to: string }) => h.to)).toEqual([
        'src/report.js:renderReport',
        'lodash:template',
      ]);
      expect(res.body.paths[0].guards).toEqual(['REPORTS=enabled']);
      const unknown = await slice('cve=CVE-2099-0001');
      expect(unknown.body.verdict).toBe('unknown');
    });

    it('assume: prunes contradicted guards, settles satisfied ones, is echoed sorted and keys the cache', async () => {
      const on = await slice(
        `cve=CVE-2021-23337&assume=${encodeURIComponent(' REPORTS = Enabled ,os=linux')}`,
      );
      expect(on.status).toBe(200);
      validate('slice-response@v1', on.body);
      expect(on.body.query).toEqual({
        type: 'cve',
        cve: 'CVE-2021-23337',
        assume: { REPORTS: 'Enabled', os: 'linux' },
      });
      expect(Object.keys(on.body.query.assume)).toEqual(['REPORTS', 'os']);
      expect(on.body.verdict).toBe('reachable');
      expect(on.body.paths[0]).toMatchObject({ guards: ['REPORTS=enabled'], openGuards: [] });

      const off = await slice('cve=CVE-2021-23337&assume=REPORTS%3Ddisabled');
      expect(off.status).toBe(200);
      expect(off.body.verdict).toBe('not_reachable');
      expect(off.body.paths).toEqual([]);
      expect(off.body.edges.some((e: { why: { guard?: string } }) => e.why.guard === 'REPORTS=enabled')).toBe(
        false,
      );

      // the same assumptions in another order and spelling are one question: the second is a cache hit
      const again = await slice('cve=CVE-2021-23337&assume=os%3Dlinux,REPORTS%3DEnabled');
      expect(again.body).toEqual(on.body);
      expect(again.headers['x-slice-source']).toBe(mode);
      // blank assume is no assumption
      const blank = await slice('cve=CVE-2021-23337&assume=');
      expect(blank.body.query).toEqual({ type: 'cve', cve: 'CVE-2021-23337' });
      expect(blank.body.verdict).toBe('gated');
      const bad = await slice('cve=CVE-2021-23337&assume=os%3Dlinux,os%3Dwindows');
      expect([bad.status, bad.body.code]).toEqual([400, 'ASSUME_INVALID']);
      expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/assume' })]);
      // every slice type takes it
      const entry = await slice('entrypoint=src/server.js:main&assume=REPORTS%3Ddisabled');
      expect(entry.status).toBe(200);
      expect(entry.body.nodes.map((n: { id: string }) => n.id)).not.toContain('src/report.js:renderReport');
    });

    it('package, entrypoint and file slices', async () => {
      const pkg = await slice(`q=${encodeURIComponent('pkg:npm/lodash@*')}&depth=1&direction=upstream`);
      expect(pkg.status).toBe(200);
      validate('slice-response@v1', pkg.body);
      expect(pkg.body.query).toEqual({
        type: 'package',
        purl: 'pkg:npm/lodash@*',
        depth: 1,
        direction: 'upstream',
      });
      expect(pkg.body.nodes.map((n: { id: string }) => n.id)).toEqual([
        'lodash:template',
        'src/report.js:renderReport',
      ]);

      const entry = await slice(`entrypoint=${encodeURIComponent('src/server.js:main')}`);
      expect(entry.status).toBe(200);
      validate('slice-response@v1', entry.body);
      expect(entry.body.query).toEqual({
        type: 'entrypoint',
        entrypoint: 'src/server.js:main',
        depth: 10,
      });
      expect(entry.body.nodes).toHaveLength(3);

      const file = await slice(`file=${encodeURIComponent('src/**/*.js')}`);
      expect(file.status).toBe(200);
      validate('slice-response@v1', file.body);
      expect(file.body.nodes.map((n: { id: string }) => n.id)).toEqual(
        expect.arrayContaining(['src/report.js:renderReport', 'src/server.js:main']),
      );
    });

    it('sends a computed slice as JSON with its length in bytes (non-ASCII text too); HEAD gets only the headers', async () => {
      const g = exampleGraph();
      (g.nodes[1] as { symbol: string }).symbol = 'rendérRapport€';
      const stored = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(g);
      const path = `/v1/reachgraphs/${stored.body.digest}/slice?cve=CVE-2021-23337`;
      for (const cacheControl of ['no-cache', '']) {
        const res = await request(app)
          .get(path)
          .set('Authorization', A)
          .set('Cache-Control', cacheControl)
          .buffer(true)
          .parse((r, done) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => done(null, Buffer.concat(chunks)));
          });
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        const bytes = res.body as Buffer;
        expect(Number(res.headers['content-length'])).toBe(bytes.length);
        expect(bytes.toString('utf8')).toContain('rendérRapport€');
      }
      const head = await request(app).head(path).set('Authorization', A).set('Cache-Control', 'no-cache');
      expect([head.status, head.headers['x-slice-source'], head.text]).toEqual([
        200,
        'computed-warm',
        undefined,
      ]);
      expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    });

    it('answers the second time from the hot cache, Cache-Control: no-cache recomputes', async () => {
      const q = 'cve=CVE-2021-23337&limit=7';
      const first = await slice(q);
      expect(first.headers['x-slice-source']).toMatch(/^computed/);
      const second = await slice(q);
      expect(second.headers['x-slice-source']).toBe(mode);
      expect(second.body).toEqual(first.body);
      const fresh = await slice(q).set('Cache-Control', 'no-cache');
      expect(fresh.headers['x-slice-source']).toBe('computed-warm');
      expect(fresh.body).toEqual(first.body);
    });

    it('keeps answers in slice_cache as the durable second level', async () => {
      const q = 'cve=CVE-2021-23337&limit=9';
      const first = await slice(q);
      const owner = new pg.Client({ connectionString: suite.db.url });
      await owner.connect();
      try {
        // The durable write happens right after the answer is sent.
        let rows = 0;
        for (let i = 0; i < 50 && rows === 0; i++) {
          rows =
            (await owner.query("select 1 from reachgraph.slice_cache where tenant = 'tenant-a'")).rowCount ??
            0;
          if (rows === 0) await new Promise((r) => setTimeout(r, 20));
        }
        expect(rows).toBeGreaterThan(0);
      } finally {
        await owner.end();
      }
      // A new instance (empty hot cache for memory; flushed keys for redis) answers from Postgres.
      if (redis) await cleanRedisPrefix(redis, `${suite.redisPrefix}slice:`);
      const { app: fresh } = await suite.start((cfg) => {
        if (mode === 'redis') cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
      });
      const res = await request(fresh).get(`/v1/reachgraphs/${digest}/slice?${q}`).set('Authorization', A);
      expect(res.headers['x-slice-source']).toBe('durable');
      expect(res.body).toEqual(first.body);
    });

    it('serves a slice_cache answer for SLICE_DURABLE_TTL_SECONDS: an older one is recomputed and replaced, and writes delete the expired', async () => {
      const owner = new pg.Client({ connectionString: suite.db.url });
      await owner.connect();
      /** tenant-a's durable answers: how many, and how many are fresh (written in the last hour). */
      const rows = async () => {
        const r = await owner.query(
          `select count(*)::int as n, count(*) filter (where created_at > now() - interval '1 hour')::int as fresh
           from reachgraph.slice_cache where tenant = 'tenant-a'`,
        );
        return r.rows[0] as { n: number; fresh: number };
      };
      const until = async (done: (r: { n: number; fresh: number }) => boolean) => {
        let r = await rows();
        for (let i = 0; i < 100 && !done(r); i++) {
          await new Promise((res) => setTimeout(res, 20));
          r = await rows();
        }
        return r;
      };
      const instance = async () => {
        // An empty hot cache: a new instance (memory), flushed slice keys (redis).
        if (redis) await cleanRedisPrefix(redis, `${suite.redisPrefix}slice:`);
        const { app: fresh } = await suite.start((cfg) => {
          if (mode === 'redis') cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
        });
        return (q: string) =>
          request(fresh).get(`/v1/reachgraphs/${digest}/slice?${q}`).set('Authorization', A);
      };
      try {
        const q = 'cve=CVE-2021-23337&limit=11';
        const before = (await rows()).n;
        await slice(q);
        await slice('cve=CVE-2021-23337&limit=12');
        // Both written (each write lands right after its answer is sent).
        expect((await until((r) => r.n === before + 2)).n).toBe(before + 2);
        // Eight days later (the default TTL is seven).
        await owner.query(
          `update reachgraph.slice_cache set created_at = created_at - interval '8 days' where tenant = 'tenant-a'`,
        );
        expect((await rows()).fresh).toBe(0);

        const afterExpiry = await (await instance())(q);
        expect(afterExpiry.status).toBe(200);
        expect(afterExpiry.headers['x-slice-source']).toMatch(/^computed/);
        // Its write replaced the expired answer and deleted the tenant's other expired ones.
        expect(await until((r) => r.n === 1 && r.fresh === 1)).toEqual({ n: 1, fresh: 1 });
        expect((await (await instance())(q)).headers['x-slice-source']).toBe('durable');
      } finally {
        await owner.end();
      }
    });

    it('pages paths deterministically with limit and an opaque cursor', async () => {
      const two = { ...exampleGraph() };
      two.nodes = [
        ...two.nodes,
        {
          id: 'src/cli.js:main',
          kind: 'function',
          file: 'src/cli.js',
          isEntrypoint: true,
          purl: 'pkg:npm/%40acme/orders@1.2.3',
        },
      ];
      two.edges = [
        ...two.edges,
        { from: 'src/cli.js:main', to: 'lodash:template', why: { type: 'DirectCall' } },
      ];
      const put = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(two);
      const d2 = put.body.digest as string;
      const all = await request(app)
        .get(`/v1/reachgraphs/${d2}/slice?cve=CVE-2021-23337`)
        .set('Authorization', A);
      expect(all.body.paths).toHaveLength(2);
      const p1 = await request(app)
        .get(`/v1/reachgraphs/${d2}/slice?cve=CVE-2021-23337&limit=1`)
        .set('Authorization', A);
      expect(p1.body.paths).toHaveLength(1);
      expect(typeof p1.body.nextCursor).toBe('string');
      validate('slice-response@v1', p1.body);
      const p2 = await request(app)
        .get(`/v1/reachgraphs/${d2}/slice?cve=CVE-2021-23337&limit=1&cursor=${p1.body.nextCursor}`)
        .set('Authorization', A);
      expect(p2.body.paths).toHaveLength(1);
      expect(p2.body.nextCursor).toBeUndefined();
      expect([p1.body.paths[0], p2.body.paths[0]]).toEqual(all.body.paths);
      // A cursor from one query is refused by another.
      problem(
        await request(app)
          .get(`/v1/reachgraphs/${d2}/slice?file=src/**&limit=1&cursor=${p1.body.nextCursor}`)
          .set('Authorization', A),
        400,
        'CURSOR_INVALID',
      );
    });

    it.each([
      ['', 400, 'QUERY_INVALID'],
      ['cve=CVE-2021-23337&q=pkg:npm/lodash', 400, 'QUERY_INVALID'],
      ['cve=CVE-2021-23337&cve=CVE-2021-23338', 400, 'QUERY_INVALID'],
      ['cve=CVE-2021-23337&depth=2', 400, 'QUERY_INVALID'],
      ['cve=CVE-2021-23337&colour=red', 400, 'QUERY_INVALID'],
      ['q=pkg:npm/lodash&direction=sideways', 400, 'QUERY_INVALID'],
      ['q=pkg:npm/lodash&depth=11', 400, 'DEPTH_OUT_OF_RANGE'],
      ['q=pkg:npm/lodash&depth=0', 400, 'DEPTH_OUT_OF_RANGE'],
      ['entrypoint=main&depth=two', 400, 'DEPTH_OUT_OF_RANGE'],
      ['q=lodash', 400, 'PURL_INVALID'],
      ['cve=not-a-cve', 400, 'CVE_INVALID'],
      ['file=src/[a-z.js', 400, 'GLOB_INVALID'],
      ['file=src/{a,b.js', 400, 'GLOB_INVALID'],
      ['cve=CVE-2021-23337&limit=0', 400, 'LIMIT_OUT_OF_RANGE'],
      ['cve=CVE-2021-23337&limit=100000', 400, 'LIMIT_OUT_OF_RANGE'],
      ['cve=CVE-2021-23337&cursor=bm9wZQ', 400, 'CURSOR_INVALID'],
      ['cve=CVE-2021-23337&assume=os', 400, 'ASSUME_INVALID'],
      ['cve=CVE-2021-23337&assume=os%3D', 400, 'ASSUME_INVALID'],
      ['cve=CVE-2021-23337&assume=%3Dlinux', 400, 'ASSUME_INVALID'],
      ['cve=CVE-2021-23337&assume=1os%3Dlinux', 400, 'ASSUME_INVALID'],
      ['cve=CVE-2021-23337&assume=os%3Dlinux%3Dx', 400, 'ASSUME_INVALID'],
      ['cve=CVE-2021-23337&assume=os%3Dlinux,os%3Dwindows', 400, 'ASSUME_INVALID'],
      ['cve=CVE-2021-23337&assume=os%3Dlinux,', 400, 'ASSUME_INVALID'],
      [`cve=CVE-2021-23337&assume=k%3D${'v'.repeat(257)}`, 400, 'ASSUME_INVALID'],
      [
        `cve=CVE-2021-23337&assume=${Array.from({ length: 65 }, (_, i) => `k${i}%3Dv`).join(',')}`,
        400,
        'ASSUME_INVALID',
      ],
      ['cve=CVE-2021-23337&assume=os%3Dlinux&assume=arch%3Darm64', 400, 'ASSUME_INVALID'],
      ['q=lodash&assume=os%3Dlinux', 400, 'PURL_INVALID'],
    ])('?%s → %i %s', async (q, status, code) => {
      problem(await slice(q), status, code);
    });

    it('404 for an unknown digest and for another tenant, 400 DIGEST_INVALID for a malformed one', async () => {
      problem(
        await request(app).get(`/v1/reachgraphs/${MISSING}/slice?cve=CVE-2021-23337`).set('Authorization', A),
        404,
        'GRAPH_NOT_FOUND',
      );
      problem(await slice('cve=CVE-2021-23337', B), 404, 'GRAPH_NOT_FOUND');
      problem(
        await request(app).get('/v1/reachgraphs/nope/slice?cve=CVE-2021-23337').set('Authorization', A),
        400,
        'DIGEST_INVALID',
      );
    });
  });

  describe('GET /v1/reachgraphs/by-artifact/{artifactDigest}', () => {
    it("lists the tenant's graphs of an artifact and nothing of another tenant's", async () => {
      const artifact = exampleGraph().artifact.digest;
      const res = await request(app).get(`/v1/reachgraphs/by-artifact/${artifact}`).set('Authorization', A);
      expect(res.status).toBe(200);
      expect(res.body.graphs.map((g: { digest: string }) => g.digest)).toContain(digest);
      const foreign = await request(app)
        .get(`/v1/reachgraphs/by-artifact/${artifact}`)
        .set('Authorization', B);
      expect(foreign.body.graphs).toEqual([]);
      problem(
        await request(app).get('/v1/reachgraphs/by-artifact/sha256:123').set('Authorization', A),
        400,
        'DIGEST_INVALID',
      );
    });
  });

  describe('GET /v1/reachgraphs/{digest}/dsse', () => {
    it('404 SIGNATURES_NOT_FOUND for an unsigned graph, GRAPH_NOT_FOUND for another tenant', async () => {
      problem(
        await request(app).get(`/v1/reachgraphs/${digest}/dsse`).set('Authorization', A),
        404,
        'SIGNATURES_NOT_FOUND',
      );
      problem(
        await request(app).get(`/v1/reachgraphs/${digest}/dsse`).set('Authorization', B),
        404,
        'GRAPH_NOT_FOUND',
      );
    });
  });

  describe('DELETE /v1/reachgraphs/{digest}', () => {
    it('needs reachgraph:admin, deletes, audit-logs, and drops cached slices', async () => {
      const put = await request(app).post('/v1/reachgraphs').set('Authorization', B).send(otherGraph());
      expect(put.status).toBe(201);
      const d = put.body.digest as string;
      await request(app)
        .get(`/v1/reachgraphs/${d}/slice?cve=CVE-2021-23337`)
        .set('Authorization', B)
        .expect(200);
      const writer = await token({ tenant: 'tenant-b', scopes: ['reachgraph:read', 'reachgraph:write'] });
      problem(
        await request(app).delete(`/v1/reachgraphs/${d}`).set('Authorization', writer),
        403,
        'FORBIDDEN',
      );
      problem(
        await request(app).delete(`/v1/reachgraphs/${d}`).set('Authorization', A),
        404,
        'GRAPH_NOT_FOUND',
      );
      const admin = await token({
        tenant: 'tenant-b',
        scopes: ['reachgraph:admin'],
        principal: 'ops',
        subject: 'alice',
      });
      await request(app).delete(`/v1/reachgraphs/${d}`).set('Authorization', admin).expect(204);
      problem(
        await request(app).delete(`/v1/reachgraphs/${d}`).set('Authorization', admin),
        404,
        'GRAPH_NOT_FOUND',
      );
      problem(await request(app).get(`/v1/reachgraphs/${d}`).set('Authorization', B), 404, 'GRAPH_NOT_FOUND');
      // The same bytes again are a new upload, not a remembered one.
      const again = await request(app).post('/v1/reachgraphs').set('Authorization', B).send(otherGraph());
      expect([again.status, again.body.digest]).toEqual([201, d]);
      await request(app).delete(`/v1/reachgraphs/${d}`).set('Authorization', admin).expect(204);
      problem(
        await request(app).get(`/v1/reachgraphs/${d}/slice?cve=CVE-2021-23337`).set('Authorization', B),
        404,
        'GRAPH_NOT_FOUND',
      );
      const owner = new pg.Client({ connectionString: suite.db.url });
      await owner.connect();
      try {
        const audit = await owner.query(
          'select tenant, principal, subject, action, digest from reachgraph.audit_log',
        );
        const row = {
          tenant: 'tenant-b',
          principal: 'ops',
          subject: 'alice',
          action: 'graph.delete',
          digest: d,
        };
        expect(audit.rows).toEqual([row, row]);
        const left = await owner.query(
          'select count(*)::int as n from reachgraph.slice_cache where digest = $1',
          [d],
        );
        expect(left.rows[0].n).toBe(0);
      } finally {
        await owner.end();
      }
    });
  });

  describe('service endpoints', () => {
    it('healthz, readyz, metrics, openapi.json and docs', async () => {
      await request(app).get('/healthz').expect(200);
      const ready = await request(app).get('/readyz');
      expect(ready.status).toBe(200);
      expect(Object.keys(ready.body.checks).sort()).toEqual(
        mode === 'redis' ? ['postgres', 'redis'] : ['postgres'],
      );
      const metrics = await request(app).get('/metrics');
      for (const name of [
        'reachgraph_slice_duration_seconds_bucket{le="0.0005",type="cve"',
        'reachgraph_slice_cache_total{level="hot",result="hit"}',
        'reachgraph_upserts_total{result="created"}',
        'reachgraph_replays_total',
      ]) {
        expect(metrics.text).toContain(name);
      }
      const openapi = await request(app).get('/openapi.json');
      expect(openapi.body.openapi).toBe('3.1.0');
      expect(openapi.body.components.schemas.ReachGraph.$id).toBe(
        'https://stella-ops.org/schemas/reachgraph-min.v1.schema.json',
      );
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/reachgraphs',
          '/v1/reachgraphs/{digest}/slice',
          '/v1/reachgraphs/replay',
        ]),
      );
      const docs = await request(app).get('/docs');
      expect(docs.type).toBe('text/html');
      expect(docs.text).toContain('/v1/reachgraphs/{digest}/slice');
      problem(await request(app).get('/v2/nothing'), 404, 'ROUTE_NOT_FOUND');
    });
  });
});
