import request from 'supertest';
import { callgraphRecords, ndjson } from './fixtures.js';
import { type Harness, OTHER_TENANT, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

async function upload(body: string, key?: string, tenant?: string) {
  let req = request(h.app)
    .post('/signals/callgraphs')
    .set('Authorization', await h.auth('scanner-worker', tenant ? { tenant } : {}))
    .set('Content-Type', 'application/x-ndjson');
  if (key !== undefined) req = req.set('Idempotency-Key', key);
  return req.send(body);
}

const rowsWithDigest = async (digest: string) =>
  Number(
    (
      await h.ctx.pool.query<{ n: string }>(
        'select count(*) as n from signals.callgraphs where digest = $1',
        [digest],
      )
    ).rows[0]?.n,
  );

describe('POST /signals/callgraphs with Idempotency-Key', () => {
  it('a retry with the same key answers 200 with the call graph stored the first time, storing nothing new', async () => {
    const body = ndjson(callgraphRecords(4, { source: 'idem-retry' }));
    const first = await upload(body, 'scan-7f3a-callgraph');
    expect(first.status).toBe(201);
    const retry = await upload(body, '"scan-7f3a-callgraph"');
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['location']).toBe(`/signals/callgraphs/${first.body.graphId}`);
    expect(await rowsWithDigest(first.body.digest)).toBe(1);
  });

  it('without a key, or with another key, the same content is a new upload (201, a new graphId)', async () => {
    const body = ndjson(callgraphRecords(4, { source: 'idem-nokey' }));
    const a = await upload(body);
    const b = await upload(body);
    const c = await upload(body, 'another-key');
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.graphId, b.body.graphId, c.body.graphId]).size).toBe(3);
  });

  it('the same key with other content is 422 IDEMPOTENCY_KEY_REUSED; keys are per tenant', async () => {
    const first = await upload(ndjson(callgraphRecords(4, { source: 'idem-a' })), 'reused-key');
    expect(first.status).toBe(201);
    const other = await upload(ndjson(callgraphRecords(4, { source: 'idem-b' })), 'reused-key');
    expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    // another tenant's key space is its own
    const foreign = await upload(
      ndjson(callgraphRecords(4, { source: 'idem-b' })),
      'reused-key',
      OTHER_TENANT,
    );
    expect(foreign.status).toBe(201);
  });

  it('concurrent uploads with one key store it once and all answer with the same graphId', async () => {
    const body = ndjson(callgraphRecords(4, { source: 'idem-race' }));
    const answers = await Promise.all(Array.from({ length: 4 }, () => upload(body, 'race-key')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.graphId)).size).toBe(1);
    expect(await rowsWithDigest(answers[0]?.body.digest)).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['a space inside', 'a b'],
    ['non-ASCII', 'clé'],
    ['256 characters', 'k'.repeat(256)],
  ])('an invalid key (%s) is 400 IDEMPOTENCY_KEY_INVALID and stores nothing', async (_what, key) => {
    const body = ndjson(callgraphRecords(4, { source: `idem-invalid-${key.length}` }));
    const res = await upload(body, key);
    expect([res.status, res.body.code]).toEqual([400, 'IDEMPOTENCY_KEY_INVALID']);
  });
});
