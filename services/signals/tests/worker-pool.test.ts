import { isPreparedBlob } from '@stella-ops/cas';
import { canonicalize, sha256 } from '@stella-ops/core';
import { createMetricsRegistry, HttpProblem } from '@stella-ops/service-kit';
import request from 'supertest';
import { createApp } from '../src/app.js';
import type { BatchPreparer } from '../src/facts/batch-preparer.js';
import { type PreparedBatch, prepareBatch } from '../src/facts/prepare-batch.js';
import { workerPreparer } from '../src/facts/worker-preparer.js';
import { rootLogger } from '../src/logger.js';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

const target = { callgraphId: '01HWXYZ123456789ABCDEFGHJK', source: 'agent' };
let pool: BatchPreparer;
let h: Harness;

beforeAll(async () => {
  pool = workerPreparer({
    size: 2,
    logger: rootLogger('silent'),
    script: new URL('./worker/bootstrap.mjs', import.meta.url),
    workerData: { entry: new URL('../src/facts/prepare-worker.ts', import.meta.url).href },
  });
  h = await startHarness();
});
afterAll(async () => {
  await pool?.close();
  await h?.stop();
});

describe('ingest worker threads (Limits.IngestWorkers)', () => {
  it('prepares exactly what the inline path prepares', async () => {
    const body = Buffer.from(ndjson(Array.from({ length: 500 }, (_, i) => fact(i % 200))));
    const inline = prepareBatch({ body: Buffer.from(body), kind: 'ndjson', target });
    const pooled = await pool.prepare({ body, kind: 'ndjson', target });
    expect(pooled.provenanceHash).toBe(inline.provenanceHash);
    const stored = (b: PreparedBatch): Buffer =>
      isPreparedBlob(b.blob) ? (b.blob.stored as Buffer) : b.blob;
    expect(Buffer.isBuffer(stored(pooled))).toBe(true);
    expect(stored(pooled).equals(stored(inline))).toBe(true);
    const strip = (b: PreparedBatch) => ({ ...b, blob: { ...b.blob, stored: null }, stages: null });
    expect(strip(pooled)).toEqual(strip(inline));
  });

  it('answers the same problems, with line numbers', async () => {
    const bad = Buffer.from(`${JSON.stringify(fact(1))}\n{oops\n`);
    await expect(pool.prepare({ body: bad, kind: 'ndjson', target })).rejects.toMatchObject({
      status: 400,
      code: 'NDJSON_INVALID',
      errors: [{ line: 2 }],
    });
    const invalid = Buffer.from(ndjson([fact(1), { ...fact(2), hitCount: -1 }]));
    const err = await pool.prepare({ body: invalid, kind: 'ndjson', target }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpProblem);
    expect(err).toMatchObject({
      status: 422,
      code: 'SCHEMA_INVALID',
      errors: [expect.objectContaining({ line: 2 })],
    });
  });

  it('runs more batches than workers, small bodies copied rather than detached', async () => {
    const shared = Buffer.from(ndjson([fact(1)]));
    const results = await Promise.all(
      Array.from({ length: 6 }, () => pool.prepare({ body: shared, kind: 'ndjson', target })),
    );
    expect(new Set(results.map((r) => r.provenanceHash)).size).toBe(1);
    expect(shared.length).toBeGreaterThan(0);
  });

  it('serves POST /signals/runtime-facts through the pool', async () => {
    const app = createApp({ ...h.ctx, preparer: pool, registry: createMetricsRegistry(false) });
    const g = await request(app)
      .post('/signals/callgraphs')
      .set('Authorization', await h.auth('scanner-worker'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(callgraphRecords(3)));
    const res = await request(app)
      .post(`/signals/runtime-facts?callgraphId=${g.body.graphId}&source=agent`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([fact(1), fact(2)]));
    expect(res.status).toBe(201);
    expect(res.headers['server-timing']).toMatch(/canonicalize;dur=/);
    // The worker hashed and compressed the facts; the store kept them readable and verified.
    expect(res.headers['server-timing']).toMatch(/compress;dur=/);
    const { batchId, provenanceHash } = res.body.provenance as { batchId: string; provenanceHash: string };
    const got = await request(app)
      .get(`/signals/runtime-facts/${batchId}`)
      .set('Authorization', await h.auth('policy-engine'));
    expect(got.status).toBe(200);
    expect(sha256(Buffer.from(got.text))).toBe(provenanceHash);
    expect(got.text).toBe(`${[fact(1), fact(2)].map((f) => canonicalize(f)).join('\n')}\n`);
    const key = `runtime-facts/tenant-a/${batchId}.ndjson.zst`;
    expect(await h.ctx.blobs.head(key)).toMatchObject({ digest: provenanceHash, size: got.text.length });
  });

  it('fails the batch of a worker that dies with a 500-class error and replaces the worker', async () => {
    const crashing = workerPreparer({
      size: 1,
      logger: rootLogger('silent'),
      script: new URL('./worker/crash.mjs', import.meta.url),
    });
    try {
      const input = { body: Buffer.from(ndjson([fact(1)])), kind: 'ndjson' as const, target };
      await expect(crashing.prepare(input)).rejects.toThrow(/exited with code 3/);
      await expect(crashing.prepare(input)).rejects.toThrow(/exited with code 3/);
    } finally {
      await crashing.close();
    }
    await expect(crashing.prepare({ body: Buffer.from('{}'), kind: 'ndjson', target })).rejects.toThrow(
      /closed/,
    );
  });
});
