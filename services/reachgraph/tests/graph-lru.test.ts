import { generateReachGraph, retainedBytes } from '@stella-ops/graph';
import type { Express } from 'express';
import request from 'supertest';
import type { AppContext } from '../src/context.js';
import { createSuite, type Suite, token } from './helpers.js';

// Two graphs too small to store a CVE core: CVE slices load them whole.
const first = generateReachGraph({ nodes: 3_000, edges: 9_000, seed: 31 });
const second = generateReachGraph({ nodes: 3_000, edges: 9_000, seed: 32 });
const TENANT = 'tenant-a';
const noCache = { 'cache-control': 'no-cache' };

describe('the graph LRU weighs what slices memoise on a graph', () => {
  let suite: Suite;
  let writer: Express;
  let A: string;
  let firstDigest: string;
  let secondDigest: string;
  let binarySizes: number;

  beforeAll(async () => {
    suite = await createSuite('graph_lru');
    ({ app: writer } = await suite.start());
    A = await token({ tenant: TENANT });
    const up = async (doc: object) => {
      const res = await request(writer).post('/v1/reachgraphs').set('Authorization', A).send(doc);
      expect(res.status).toBe(201);
      return res.body.digest as string;
    };
    firstDigest = await up(first);
    secondDigest = await up(second);
    const { ctx } = await suite.start();
    const sizes = await Promise.all([firstDigest, secondDigest].map((d) => ctx.store.meta(TENANT, d)));
    binarySizes = sizes.reduce((t, m) => t + (m?.binarySize ?? Number.NaN), 0);
  }, 60_000);

  afterAll(async () => {
    await suite.close();
  });

  /** An instance whose LRU holds both graphs at their binary size, with 1 KiB to spare. */
  const tight = () =>
    suite.start((cfg) => {
      cfg.cache.graphLruBytes = binarySizes + 1024;
    });

  const gauges = async (ctx: AppContext) => ({
    bytes: (await ctx.metrics.graphLruBytes.get()).values[0]?.value,
    entries: (await ctx.metrics.graphLruEntries.get()).values[0]?.value,
  });

  const cveSlice = (app: Express, digest: string, cve: string) =>
    request(app).get(`/v1/reachgraphs/${digest}/slice?cve=${cve}`).set('Authorization', A).set(noCache);

  it('holds both graphs at their binary size until a slice makes one heavier, then drops the other', async () => {
    const { app, ctx } = await tight();
    expect((await ctx.graphs.load(TENANT, secondDigest))?.source).toBe('store');
    const loaded = await ctx.graphs.load(TENANT, firstDigest);
    expect(loaded?.source).toBe('store');
    expect(await gauges(ctx)).toEqual({ bytes: expect.any(Number), entries: 2 });
    expect((await gauges(ctx)).bytes).toBeLessThanOrEqual(binarySizes + 1024);

    const res = await cveSlice(app, firstDigest, (first.scope.cves ?? [])[0] as string);
    expect(res.status).toBe(200);
    expect(res.headers['x-slice-source']).toBe('computed-warm');

    // The first graph now weighs its facts, strings and buffers: the second no longer fits.
    const graph = loaded?.graph;
    expect(graph && retainedBytes(graph)).toBeGreaterThan(binarySizes / 2 + 1024);
    expect(await gauges(ctx)).toEqual({ bytes: graph && retainedBytes(graph), entries: 1 });
    expect((await ctx.graphs.load(TENANT, firstDigest))?.source).toBe('memory');
    expect((await ctx.graphs.load(TENANT, secondDigest))?.source).toBe('store');
  });

  it('weighs both graphs of a diff after slicing them', async () => {
    const { app, ctx } = await suite.start();
    const cve = (first.scope.cves ?? [])[0] as string;
    const res = await request(app)
      .get(`/v1/reachgraphs/${secondDigest}/diff/${firstDigest}?cve=${cve}`)
      .set('Authorization', A);
    expect(res.status).toBe(200);
    const graphs = await Promise.all([firstDigest, secondDigest].map((d) => ctx.graphs.load(TENANT, d)));
    expect(graphs.map((g) => g?.source)).toEqual(['memory', 'memory']);
    const weights = graphs.map((g) => (g ? retainedBytes(g.graph) : Number.NaN));
    expect(await gauges(ctx)).toEqual({ bytes: (weights[0] ?? 0) + (weights[1] ?? 0), entries: 2 });
    expect((await gauges(ctx)).bytes).toBeGreaterThan(binarySizes);
  });

  it('weighs the graph an OpenVEX answer sliced', async () => {
    const { app, ctx } = await suite.start();
    const loaded = await ctx.graphs.load(TENANT, firstDigest);
    const before = (await gauges(ctx)).bytes ?? Number.NaN;
    const cve = (first.scope.cves ?? [])[0] as string;
    const res = await request(app)
      .get(`/v1/reachgraphs/${firstDigest}/slice?cve=${cve}&format=openvex`)
      .set('Authorization', A);
    expect(res.status).toBe(200);
    const after = await gauges(ctx);
    expect(after).toEqual({ bytes: loaded && retainedBytes(loaded.graph), entries: 1 });
    expect(after.bytes).toBeGreaterThan(before);
  });

  it('does not put back a graph the LRU has dropped when a slice of it ends', async () => {
    const { ctx } = await suite.start((cfg) => {
      cfg.cache.graphLruBytes = 1;
    });
    const loaded = await ctx.graphs.load(TENANT, firstDigest);
    expect(loaded?.source).toBe('store');
    if (loaded) ctx.graphs.reweigh(loaded.graph);
    expect(await gauges(ctx)).toEqual({ bytes: 0, entries: 0 });
  });
});
