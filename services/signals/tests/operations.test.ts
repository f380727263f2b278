import { createBlobStore } from '@stella-ops/cas';
import { createMetricsRegistry } from '@stella-ops/service-kit';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

// Contract §8.1, names and labels exactly (plus `result` on attestations and the batch counter,
// for the §8.2 alerts).
const CONTRACT_METRICS: Record<string, { type: string; labels: string[] }> = {
  signals_callgraphs_stored_total: { type: 'counter', labels: ['language', 'tenant'] },
  signals_callgraph_nodes_total: { type: 'histogram', labels: ['language'] },
  signals_runtime_facts_ingested_total: { type: 'counter', labels: ['fact_type', 'tenant'] },
  signals_runtime_facts_batch_size: { type: 'histogram', labels: [] },
  signals_provenance_records_total: { type: 'counter', labels: [] },
  signals_attestations_created_total: { type: 'counter', labels: ['result'] },
  signals_cas_operations_total: { type: 'counter', labels: ['operation', 'result'] },
  // Not in §8.1: batches with/without their provenance record, for the §8.2 SignalsProvenanceMissing alert.
  signals_runtime_fact_batches_total: { type: 'counter', labels: ['provenance'] },
};

function labelsOf(sample: string): string[] {
  const m = /\{(.*)\}/.exec(sample);
  if (!m?.[1]) return [];
  return [...m[1].matchAll(/(\w+)="/g)].map((x) => x[1] as string).filter((l) => l !== 'le');
}

describe('operations', () => {
  it('answers /healthz and /readyz (Postgres and the blob store)', async () => {
    expect((await request(h.app).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(h.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'ok', blobstore: 'ok' });
  });

  it('answers /readyz 503 when the blob store is unreachable', async () => {
    const blobs = createBlobStore({
      kind: 's3',
      bucket: 'nowhere',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const app = createApp({ ...h.ctx, blobs, registry: createMetricsRegistry(false) });
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ postgres: 'ok', blobstore: 'unavailable' });
    await blobs.close();
  });

  it('exposes exactly the contract metrics with their labels, and HTTP durations', async () => {
    const g = await request(h.app)
      .post('/signals/callgraphs')
      .set('Authorization', await h.auth('scanner-worker'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(callgraphRecords(3)));
    await request(h.app)
      .post(`/signals/runtime-facts?callgraphId=${g.body.graphId}&source=a`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([fact(1), fact(2, { factType: 'load' })]));
    const text = (await request(h.app).get('/metrics')).text;
    const types = Object.fromEntries(
      [...text.matchAll(/^# TYPE (signals_\w+) (\w+)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    expect(types).toEqual(Object.fromEntries(Object.entries(CONTRACT_METRICS).map(([k, v]) => [k, v.type])));
    for (const [name, { labels }] of Object.entries(CONTRACT_METRICS)) {
      const samples = text.split('\n').filter((l) => l.startsWith(name) && !l.startsWith('#'));
      expect(samples.length).toBeGreaterThan(0);
      for (const s of samples) expect(labelsOf(s).sort()).toEqual([...labels].sort());
    }
    expect(text).toMatch(/signals_callgraphs_stored_total\{language="javascript",tenant="tenant-a"\} 1/);
    expect(text).toMatch(/signals_runtime_facts_ingested_total\{fact_type="load",tenant="tenant-a"\} 1/);
    expect(text).toMatch(/signals_provenance_records_total 1/);
    expect(text).toMatch(/signals_runtime_fact_batches_total\{provenance="recorded"\} 1/);
    expect(text).not.toMatch(/provenance="missing"/);
    expect(text).toMatch(/signals_attestations_created_total\{result="success"\} 1/);
    expect(text).toMatch(/signals_cas_operations_total\{operation="put",result="success"\} \d+/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{.*route="\/signals\/callgraphs"/);
  });

  it('answers uploads with 503 CAS_READ_ONLY while writes are disabled', async () => {
    const cfg = { ...h.cfg, cas: { ...h.cfg.cas, writeEnabled: false } };
    const app = createApp({ ...h.ctx, cfg, registry: createMetricsRegistry(false) });
    const res = await request(app)
      .post('/signals/callgraphs')
      .set('Authorization', await h.auth('scanner-worker'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(callgraphRecords(3)));
    expect([res.status, res.body.code]).toEqual([503, 'CAS_READ_ONLY']);
  });

  it('answers unknown routes with 404 problem+json', async () => {
    const res = await request(h.app).get('/nope');
    expect([res.status, res.body.code]).toEqual([404, 'ROUTE_NOT_FOUND']);
  });

  it('counts a failed attestation with result="failure" and the batch as missing its provenance (the §8.2 alerts), and indexes no batch', async () => {
    const registry = createMetricsRegistry(false);
    const { createSignalsMetrics } = await import('../src/metrics.js');
    const metrics = createSignalsMetrics(registry);
    const failing = {
      ...h.ctx.keys,
      signer: {
        keyId: 'broken',
        sign: async (): Promise<Uint8Array> => {
          throw new Error('the HSM is down');
        },
      },
    };
    const app = createApp({ ...h.ctx, keys: failing, metrics, registry });
    const g = await request(h.app)
      .post('/signals/callgraphs')
      .set('Authorization', await h.auth('scanner-worker'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(callgraphRecords(3)));
    const count = async () =>
      Number(
        (
          await h.ctx.db
            .selectFrom('runtime_fact_batches')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirst()
        )?.n,
      );
    const before = await count();
    const res = await request(app)
      .post(`/signals/runtime-facts?callgraphId=${g.body.graphId}&source=a`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([fact(1)]));
    expect([res.status, res.body.code]).toEqual([500, 'INTERNAL']);
    expect(res.text).not.toMatch(/HSM/);
    const text = await registry.metrics();
    expect(text).toMatch(/signals_attestations_created_total\{result="failure"\} 1/);
    expect(text).toMatch(/signals_runtime_fact_batches_total\{provenance="missing"\} 1/);
    expect(text).toMatch(/signals_provenance_records_total 0/);
    // The contract-shaped SignalsProvenanceMissing expression: batches - provenance records.
    const batches = [...text.matchAll(/^signals_runtime_fact_batches_total\{[^}]*\} (\d+)$/gm)];
    expect(batches.reduce((n, m) => n + Number(m[1]), 0)).toBe(1);
    expect(await count()).toBe(before);
  });
});
