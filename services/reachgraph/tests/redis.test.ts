import type { Express } from 'express';
import request from 'supertest';
import type { ServerConfig } from '../src/config.js';
import { exampleGraph } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';
import { type RedisServer, startRedisServer } from './redis-server.js';

/** Redis outages and replicas, against a redis-server child process this file owns. */
describe('with a Redis this suite can stop', () => {
  let suite: Suite;
  let redis: RedisServer;
  let digest: string;
  let A: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    suite = await createSuite('redis');
    A = await token({ tenant: 'tenant-a' });
  });

  afterAll(async () => {
    await suite.close();
    await redis.stop();
  });

  describe('Redis down mid-run', () => {
    let app: Express;

    beforeAll(async () => {
      ({ app } = await suite.start((cfg) => {
        cfg.redis = { url: redis.url, prefix: `${suite.redisPrefix}down:` };
      }));
      const put = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(exampleGraph());
      digest = put.body.digest;
    });

    it('keeps answering slices correctly, from Postgres and the engine, and recovers', async () => {
      const slice = (q: string) =>
        request(app).get(`/v1/reachgraphs/${digest}/slice?${q}`).set('Authorization', A);
      const first = await slice('cve=CVE-2021-23337');
      expect(first.status).toBe(200);
      expect((await slice('cve=CVE-2021-23337')).headers['x-slice-source']).toBe('redis');

      await redis.stop();
      const cached = await slice('cve=CVE-2021-23337');
      expect(cached.status).toBe(200);
      expect(cached.body).toEqual(first.body);
      expect(cached.headers['x-slice-source']).toBe('durable');
      const fresh = await slice(`q=${encodeURIComponent('pkg:npm/lodash')}`);
      expect(fresh.status).toBe(200);
      expect(fresh.headers['x-slice-source']).toMatch(/^computed/);
      expect(fresh.body.nodes.map((n: { id: string }) => n.id)).toContain('lodash:template');
      // Writes and full reads do not depend on Redis either (rate limits fall back per replica).
      expect(
        (await request(app).post('/v1/reachgraphs').set('Authorization', A).send(exampleGraph())).status,
      ).toBe(200);
      expect((await request(app).get(`/v1/reachgraphs/${digest}`).set('Authorization', A)).status).toBe(200);
      const ready = await request(app).get('/readyz');
      expect([ready.status, ready.body.checks]).toEqual([503, { postgres: 'ok', redis: 'unavailable' }]);

      await redis.start();
      let source = '';
      for (let i = 0; i < 60 && source !== 'redis'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await slice('cve=CVE-2021-23337&limit=3');
        source = (await slice('cve=CVE-2021-23337&limit=3')).headers['x-slice-source'] as string;
      }
      expect(source).toBe('redis');
      expect((await request(app).get('/readyz')).status).toBe(200);
    });
  });

  describe('rate limits shared by two replicas', () => {
    let one: Express;
    let two: Express;

    beforeAll(async () => {
      const patch = (cfg: ServerConfig) => {
        cfg.redis = { url: redis.url, prefix: `${suite.redisPrefix}rl:` };
        cfg.limits.readsPerMinute = 3;
        cfg.limits.writesPerMinute = 2;
      };
      ({ app: one } = await suite.start(patch));
      ({ app: two } = await suite.start(patch));
    });

    it('counts reads of one tenant+principal across both instances: 429 with Retry-After and RateLimit headers', async () => {
      const reader = await token({ tenant: 'tenant-a', principal: 'reader' });
      const get = (app: Express, auth = reader) =>
        request(app).get(`/v1/reachgraphs/${digest}`).set('Authorization', auth);
      const answers = [await get(one), await get(two), await get(one)];
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(answers[0]?.headers['ratelimit-policy']).toMatch(/q=3/);
      expect(answers[2]?.headers.ratelimit).toMatch(/r=0/);
      const limited = await get(two);
      expect([limited.status, limited.body.code]).toEqual([429, 'RATE_LIMITED']);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers.ratelimit).toMatch(/r=0/);
      expect(limited.headers['ratelimit-policy']).toMatch(/q=3/);
      // Another principal and another tenant have their own budgets.
      expect((await get(two, await token({ tenant: 'tenant-a', principal: 'someone-else' }))).status).toBe(
        200,
      );
      expect((await get(one, await token({ tenant: 'tenant-b', principal: 'reader' }))).status).toBe(404);
    });

    it('counts writes separately from reads', async () => {
      const writer = await token({ tenant: 'tenant-a', principal: 'writer' });
      const post = (app: Express) =>
        request(app).post('/v1/reachgraphs').set('Authorization', writer).send(exampleGraph());
      expect((await post(one)).status).toBe(200);
      expect((await post(two)).status).toBe(200);
      const limited = await post(one);
      expect([limited.status, limited.body.code]).toEqual([429, 'RATE_LIMITED']);
      expect(limited.headers['retry-after']).toBeDefined();
      // Reads of the same caller are still allowed.
      expect((await request(one).get(`/v1/reachgraphs/${digest}`).set('Authorization', writer)).status).toBe(
        200,
      );
    });
  });
});
