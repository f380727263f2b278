import request from 'supertest';
import { gcCommand, migrateCommand, tenantCommand } from '../src/commands/admin.js';
import type { GcOptions } from '../src/gc/gc-types.js';
import { runGc } from '../src/gc/run-gc.js';
import { rootLogger } from '../src/logger.js';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const gc = (opts: Partial<GcOptions> & { days: number }) =>
  runGc(
    { db: h.ctx.db, blobs: h.ctx.blobs, retention: h.cfg.cas.retention, logger: rootLogger('silent') },
    { dryRun: opts.dryRun ?? false, now: new Date(Date.now() + opts.days * DAY) },
  );

async function postGraph() {
  const res = await request(h.app)
    .post('/signals/callgraphs')
    .set('Authorization', await h.auth('scanner-worker'))
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson(callgraphRecords(2)));
  return res.body.graphId as string;
}

async function postBatch(graphId: string) {
  const res = await request(h.app)
    .post(`/signals/runtime-facts?callgraphId=${graphId}&source=a`)
    .set('Authorization', await h.auth('runtime-agent'))
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson([fact(1)]));
  return res.body.provenance.batchId as string;
}

const exists = async (key: string) => (await h.ctx.blobs.head(key)) !== null;
const get = async (path: string, principal = 'policy-engine') =>
  request(h.app)
    .get(path)
    .set('Authorization', await h.auth(principal));

describe('retention GC (contract §3.3)', () => {
  it('keeps everything younger than the retention', async () => {
    const g = await postGraph();
    await postBatch(g);
    const report = await gc({ days: 29 });
    expect(report).toMatchObject({ runtimeFactBatches: 0, orphanCallgraphs: 0, deletedKeys: [] });
  });

  it('lists on --dry-run and deletes nothing', async () => {
    const orphan = await postGraph();
    const report = await gc({ days: 31, dryRun: true });
    expect(report.deletedKeys).toContain(`callgraphs/tenant-a/${orphan}.ndjson.zst`);
    expect(await exists(`callgraphs/tenant-a/${orphan}.ndjson.zst`)).toBe(true);
    expect((await get(`/signals/callgraphs/${orphan}`)).status).toBe(200);
  });

  it('deletes orphan call graphs after 30 days but never manifests, and keeps referenced graphs', async () => {
    const orphan = await postGraph();
    const withBatch = await postGraph();
    await postBatch(withBatch);
    const readByReachgraph = await postGraph();
    expect((await get(`/signals/callgraphs/${readByReachgraph}`, 'reachgraph-service')).status).toBe(200);

    const report = await gc({ days: 31 });
    expect(report.failures).toBe(0);
    expect(await exists(`callgraphs/tenant-a/${orphan}.ndjson.zst`)).toBe(false);
    expect(await exists(`callgraphs/tenant-a/${orphan}.meta.json`)).toBe(false);
    expect(await exists(`manifests/${orphan}.json`)).toBe(true);
    expect(await exists(`manifests/${orphan}.json.dsse`)).toBe(true);
    expect(await exists(`callgraphs/tenant-a/${withBatch}.ndjson.zst`)).toBe(true);
    expect(await exists(`callgraphs/tenant-a/${readByReachgraph}.ndjson.zst`)).toBe(true);

    const gone = await get(`/signals/callgraphs/${orphan}`);
    expect([gone.status, gone.body.code]).toEqual([410, 'CALLGRAPH_EXPIRED']);
    // The signed manifest stays readable (and verified) forever.
    expect((await get(`/signals/callgraphs/${orphan}/manifest`)).status).toBe(200);
    // Facts for an expired graph are refused.
    const late = await request(h.app)
      .post(`/signals/runtime-facts?callgraphId=${orphan}&source=a`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([fact(1)]));
    expect([late.status, late.body.code]).toEqual([410, 'CALLGRAPH_EXPIRED']);
  });

  it('deletes runtime facts and provenance after 90 days, never attestations', async () => {
    const g = await postGraph();
    const batchId = await postBatch(g);
    const report = await gc({ days: 91 });
    expect(report.runtimeFactBatches).toBeGreaterThanOrEqual(1);
    expect(await exists(`runtime-facts/tenant-a/${batchId}.ndjson.zst`)).toBe(false);
    expect(await exists(`runtime-facts/tenant-a/${batchId}.provenance.json`)).toBe(false);
    expect(await exists(`attestations/${batchId}.dsse`)).toBe(true);
    const gone = await get(`/signals/runtime-facts/${batchId}`);
    expect([gone.status, gone.body.code]).toEqual([410, 'BATCH_EXPIRED']);
    // The graph its attestation names is never an orphan.
    expect(await exists(`callgraphs/tenant-a/${g}.ndjson.zst`)).toBe(true);
    // A second run has nothing left to do.
    const again = await gc({ days: 91 });
    expect(again.deletedKeys.filter((k) => k.includes(batchId))).toEqual([]);
  });

  it('sweeps blobs no index row names (a crash between blob and index) after the grace period', async () => {
    const key = 'runtime-facts/tenant-a/01JAAAAAAAAAAAAAAAAAAAAAAA.ndjson.zst';
    await h.ctx.blobs.put(key, Buffer.from('{}\n'));
    const manifestKey = 'manifests/01JAAAAAAAAAAAAAAAAAAAAAAA.json';
    await h.ctx.blobs.put(manifestKey, Buffer.from('{}\n'));
    expect((await gc({ days: 0 })).deletedKeys).not.toContain(key);
    const report = await gc({ days: 2 });
    expect(report.deletedKeys).toContain(key);
    expect(await exists(key)).toBe(false);
    expect(await exists(manifestKey)).toBe(true);
  });
});

describe('commands (the CronJob and the admin CLI)', () => {
  const env = () => ({
    SIGNALS_DATABASE_URL: h.cfg.db.url,
    SIGNALS_CAS_BUCKET_PREFIX: `cas://${h.bucket}`,
    SIGNALS_S3_ENDPOINT: h.s3.endpoint,
    SIGNALS_S3_ACCESS_KEY_ID: h.s3.accessKeyId,
    SIGNALS_S3_SECRET_ACCESS_KEY: h.s3.secretAccessKey,
    SIGNALS_LOG_LEVEL: 'silent',
  });

  it('migrate is idempotent', async () => {
    const out: string[] = [];
    expect(await migrateCommand(env(), (l) => out.push(l))).toBe(0);
    expect(out).toEqual(['schema is up to date']);
  });

  it('tenant add | list | remove', async () => {
    const out: string[] = [];
    const print = (l: string) => out.push(l);
    expect(await tenantCommand(['add', 'acme-corp', 'Acme', 'Corp'], env(), print)).toBe(0);
    expect(await tenantCommand(['add', 'acme-corp'], env(), print)).toBe(0);
    expect(await tenantCommand(['list'], env(), print)).toBe(0);
    expect(await tenantCommand(['remove', 'acme-corp'], env(), print)).toBe(0);
    expect(await tenantCommand(['remove', 'acme-corp'], env(), print)).toBe(1);
    expect(await tenantCommand(['frobnicate'], env(), print)).toBe(2);
    expect(out[0]).toBe('added acme-corp');
    expect(out[1]).toBe('acme-corp exists');
    expect(out.some((l) => /^acme-corp\tAcme Corp\t/.test(l))).toBe(true);
    await expect(tenantCommand(['add', 'Not_Valid'], env(), print)).rejects.toThrow(/tenant id must match/);
  });

  it('gc --dry-run prints what it would delete', async () => {
    const orphan = await postGraph();
    const out: string[] = [];
    // Ages are measured from now: nothing is 30 days old yet.
    expect(await gcCommand(['--dry-run'], env(), (l) => out.push(l))).toBe(0);
    expect(out.at(-1)).toMatch(/^dry run: /);
    expect(await exists(`callgraphs/tenant-a/${orphan}.ndjson.zst`)).toBe(true);
  });
});
