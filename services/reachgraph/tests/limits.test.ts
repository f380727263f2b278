import request from 'supertest';
import { createSuite, type Suite, token } from './helpers.js';

/** The embedded default (no Redis): the same limits, counted in process. */
describe('rate limits without Redis', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await createSuite('limits');
  });

  afterAll(() => suite.close());

  it('answers 429 RATE_LIMITED with Retry-After and RateLimit headers past the per-minute limit', async () => {
    const { app } = await suite.start((cfg) => {
      cfg.limits.readsPerMinute = 2;
      cfg.limits.writesPerMinute = 1;
    });
    const auth = await token({ tenant: 'tenant-a', principal: 'policy-engine' });
    const missing = `/v1/reachgraphs/blake3:${'0'.repeat(64)}`;
    const first = await request(app).get(missing).set('Authorization', auth);
    expect(first.status).toBe(404);
    expect(first.headers['ratelimit-policy']).toMatch(/^"reads"; q=2; w=60/);
    expect(first.headers.ratelimit).toMatch(/^"reads"; r=1; t=\d+/);
    expect((await request(app).get(missing).set('Authorization', auth)).status).toBe(404);
    const limited = await request(app).get(missing).set('Authorization', auth);
    expect([limited.status, limited.body.code, limited.type]).toEqual([
      429,
      'RATE_LIMITED',
      'application/problem+json',
    ]);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers.ratelimit).toMatch(/r=0/);

    const post = () => request(app).post('/v1/reachgraphs/replay').set('Authorization', auth).send({});
    expect((await post()).status).toBe(422);
    expect((await post()).status).toBe(429);
    // Another principal of the same tenant has its own budget.
    expect(
      (
        await request(app)
          .get(missing)
          .set('Authorization', await token({ principal: 'other' }))
      ).status,
    ).toBe(404);
  });
});
