import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { newUlid, sha256, validate } from '@stella-ops/core';
import { listen, type RunningServer } from '@stella-ops/service-kit';
import request from 'supertest';
import { TenantRegistry } from '../src/access/tenant-registry.js';
import { normalizeBatch } from '../src/facts/normalize-batch.js';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { type Harness, OTHER_TENANT, startHarness } from './harness.js';

let h: Harness;
const graphs: string[] = [];
const batches: { batchId: string; facts: number }[] = [];

async function postGraph(tenant = 'tenant-a') {
  const res = await request(h.app)
    .post('/signals/callgraphs')
    .set('Authorization', await h.auth('scanner-worker', { tenant }))
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson(callgraphRecords(3)));
  return res.body.graphId as string;
}

async function postFacts(graphId: string, facts: unknown[]) {
  const res = await request(h.app)
    .post(`/signals/runtime-facts?callgraphId=${graphId}&source=agent`)
    .set('Authorization', await h.auth('runtime-agent'))
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson(facts));
  expect(res.status).toBe(201);
  return res.body.provenance as { batchId: string; provenanceHash: string; ingestedAt: string };
}

async function feed(query = '', tenant?: string) {
  const res = await request(h.app)
    .get(`/signals/runtime-facts/ndjson${query}`)
    .set('Authorization', await h.auth('policy-engine', tenant ? { tenant } : {}));
  const lines =
    res.status === 200 && res.text
      ? res.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];
  return { res, lines };
}

beforeAll(async () => {
  h = await startHarness();
  graphs.push(await postGraph(), await postGraph());
  for (const [g, n] of [
    [0, 3],
    [1, 2],
    [0, 4],
  ] as const) {
    const facts = Array.from({ length: n }, (_, i) => fact(i + 10 * batches.length));
    batches.push({ batchId: (await postFacts(graphs[g] as string, facts)).batchId, facts: n });
  }
});
afterAll(() => h?.stop());

describe('GET /signals/runtime-facts/ndjson (contract §6.3)', () => {
  it('streams every fact in batch order with a resumable cursor per line', async () => {
    const { res, lines } = await feed();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(lines).toHaveLength(9);
    for (const line of lines) validate('provenance-feed-line@v1', line);
    expect(lines.map((l) => l.batchId)).toEqual(batches.flatMap((b) => Array(b.facts).fill(b.batchId)));
    expect(lines[0]).not.toHaveProperty('provenance_hash');

    // Resume after line 4 (inside the second batch): exactly the rest, in the same order.
    const rest = await feed(`?cursor=${lines[3].cursor}`);
    expect(rest.lines).toEqual(lines.slice(4));
    const end = await feed(`?cursor=${lines[8].cursor}`);
    expect(end.lines).toEqual([]);
  });

  it('adds provenance_hash and callgraph_id with include_provenance=true', async () => {
    const { lines } = await feed('?include_provenance=true');
    const byBatch = await request(h.app)
      .get(`/signals/runtime-facts/${batches[0]?.batchId}/provenance`)
      .set('Authorization', await h.auth('policy-engine'));
    expect(lines[0]).toMatchObject({
      provenance_hash: byBatch.body.provenance.provenanceHash,
      callgraph_id: graphs[0],
    });
  });

  it('filters by callgraph_id, since and tenant', async () => {
    expect((await feed(`?callgraph_id=${graphs[1]}`)).lines).toHaveLength(2);
    expect((await feed('?since=2999-01-01T00:00:00Z')).lines).toHaveLength(0);
    expect((await feed('?since=2000-01-01T00:00:00Z&tenant=tenant-a')).lines).toHaveLength(9);
    const other = await feed('', OTHER_TENANT);
    expect([other.res.status, other.lines.length]).toEqual([200, 0]);
  });

  it('rejects bad parameters with their codes', async () => {
    expect((await feed('?tenant=tenant-b')).res.body.code).toBe('TENANT_MISMATCH');
    expect((await feed('?tenant=tenant-b')).res.status).toBe(403);
    expect((await feed('?cursor=%%%')).res.body.code).toBe('CURSOR_INVALID');
    expect((await feed('?since=yesterday')).res.body.code).toBe('QUERY_INVALID');
    expect((await feed('?callgraph_id=abc')).res.body.code).toBe('ULID_INVALID');
    expect((await feed('?include_provenance=maybe')).res.body.code).toBe('QUERY_INVALID');
  });
});

describe('streaming in constant memory', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await listen(h.app, 0);
  });
  afterAll(() => server?.close(1000));

  it('streams more than 100 MB while the heap stays small', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const tenant = 'bulk-feed';
    await new TenantRegistry(h.ctx.db, 0).add(tenant);
    const graphId = await postGraph(tenant);
    // One ~10 MiB canonical batch, stored under BATCHES keys with their index rows.
    const facts = Array.from({ length: 42_000 }, (_, i) =>
      fact(i, { symbolId: `module/${i}#handler${i}`, codeId: `build-${i}` }),
    );
    const batch = normalizeBatch(facts);
    expect(batch.canonical.length).toBeLessThan(10 * 1024 * 1024);
    const BATCHES = 7;
    for (let i = 0; i < BATCHES; i++) {
      const batchId = newUlid();
      const key = `runtime-facts/${tenant}/${batchId}.ndjson.zst`;
      const stored = await h.ctx.blobs.put(key, batch.canonical);
      await h.ctx.db
        .insertInto('runtime_fact_batches')
        .values({
          batch_id: batchId,
          tenant_id: tenant,
          callgraph_id: graphId,
          provenance_id: newUlid(),
          provenance_hash: sha256(batch.canonical),
          source: 'bulk',
          fact_count: batch.facts.length,
          fact_types: batch.factTypes,
          received_at: new Date(),
          ingested_at: new Date(),
          blob_key: key,
          provenance_key: `runtime-facts/${tenant}/${batchId}.provenance.json`,
          attestation_key: null,
          size: stored.size,
          stored_size: stored.storedSize,
        })
        .execute();
    }
    const auth = await h.auth('policy-engine', { tenant });
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let bytes = 0;
    let lines = 0;
    let nextSample = 0;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${server.url}/signals/runtime-facts/ndjson?include_provenance=true`, {
        headers: { Authorization: auth },
      });
      req.on('response', (res) => {
        expect(res.statusCode).toBe(200);
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
          if (bytes >= nextSample) {
            nextSample += 8 * 1024 * 1024;
            gc();
            peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
          }
        });
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(lines).toBe(BATCHES * batch.facts.length);
    expect(bytes).toBeGreaterThan(100 * 1024 * 1024);
    // One batch (~10 MiB of text) in flight at a time: far below what was streamed.
    expect(peak).toBeLessThan(48 * 1024 * 1024);
  }, 120_000);
});
