import request from 'supertest';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
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

describe('POST /signals/runtime-facts with Idempotency-Key', () => {
  let graphId: string;
  let otherGraphId: string;
  beforeAll(async () => {
    graphId = (await upload(ndjson(callgraphRecords(6, { source: 'idem-facts' })))).body.graphId;
    otherGraphId = (await upload(ndjson(callgraphRecords(6, { source: 'idem-facts-2' })))).body.graphId;
  });

  async function push(facts: string, key?: string, target = graphId) {
    let req = request(h.app)
      .post(`/signals/runtime-facts?callgraphId=${target}&source=agent-1`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson');
    if (key !== undefined) req = req.set('Idempotency-Key', key);
    return req.send(facts);
  }
  const batchesWithHash = async (hash: string) =>
    Number(
      (
        await h.ctx.pool.query<{ n: string }>(
          'select count(*) as n from signals.runtime_fact_batches where provenance_hash = $1',
          [hash],
        )
      ).rows[0]?.n,
    );

  it('a retry with the same key answers 200 with the batch stored the first time (provenance and attestation)', async () => {
    const facts = ndjson([fact(0), fact(1), fact(1), fact(2)]);
    const first = await push(facts, 'agent-1-batch-42');
    expect(first.status).toBe(201);
    const retry = await push(facts, 'agent-1-batch-42');
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['location']).toBe(`/signals/runtime-facts/${first.body.provenance.batchId}`);
    expect(await batchesWithHash(first.body.provenance.provenanceHash)).toBe(1);
    // without a key the same facts are a new batch
    expect((await push(facts)).status).toBe(201);
    expect(await batchesWithHash(first.body.provenance.provenanceHash)).toBe(2);
  });

  it('the same key with other facts or another call graph is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const facts = ndjson([fact(3)]);
    expect((await push(facts, 'agent-1-batch-43')).status).toBe(201);
    const otherFacts = await push(ndjson([fact(4)]), 'agent-1-batch-43');
    expect([otherFacts.status, otherFacts.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const otherGraph = await push(facts, 'agent-1-batch-43', otherGraphId);
    expect([otherGraph.status, otherGraph.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  it('concurrent uploads with one key store one batch', async () => {
    const facts = ndjson([fact(5), fact(6)]);
    const answers = await Promise.all(Array.from({ length: 4 }, () => push(facts, 'agent-1-race')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.provenance.batchId)).size).toBe(1);
    expect(await batchesWithHash(answers[0]?.body.provenance.provenanceHash)).toBe(1);
  });
});
