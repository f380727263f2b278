import { blake3, type ReplayRequest, verifyEnvelope } from '@stella-ops/core';
import { buildOpenApi } from '../../../services/reachgraph/src/api/openapi.js';
import { exampleGraph, ordersApiInputs } from '../../../services/reachgraph/tests/fixtures.js';
import { callgraphRecords, fact, ndjson } from '../../../services/signals/tests/fixtures.js';
import {
  createReachGraphClient,
  createSignalsClient,
  type GraphSummary,
  type ReachGraphClient,
  StellaApiError,
} from '../src/index.js';
import { type RunningServices, startServices } from './services.js';

let svc: RunningServices;
let rg: ReachGraphClient;

beforeAll(async () => {
  svc = await startServices('client_rg');
  rg = createReachGraphClient({ baseUrl: svc.reachgraphUrl, token: () => svc.reachgraphToken() });
});
afterAll(() => svc.stop());

async function failure(p: Promise<unknown>): Promise<StellaApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof StellaApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('GraphSummary', () => {
  it('names exactly the properties of the OpenAPI document’s GraphSummary', () => {
    const doc = buildOpenApi('test') as {
      components: { schemas: { GraphSummary: { properties: Record<string, unknown>; required: string[] } } };
    };
    const summary: Required<GraphSummary> = {
      digest: '',
      artifact: { name: '', digest: '' },
      counts: { nodes: 0, edges: 0 },
      sizes: { canonicalBytes: 0, binaryBytes: 0 },
      signatures: [],
      createdAt: '',
      created: false,
      envelope: { payloadType: '', payload: '', signatures: [] },
      href: '',
    };
    expect(Object.keys(summary).sort()).toEqual(
      Object.keys(doc.components.schemas.GraphSummary.properties).sort(),
    );
    expect(doc.components.schemas.GraphSummary.required.every((k) => k in summary)).toBe(true);
  });
});

describe('ReachGraphClient against the real service', () => {
  let digest: string;

  beforeAll(async () => {
    const stored = await rg.upsert(exampleGraph());
    digest = stored.digest;
  });

  it('upserts idempotently, with the expected digest checked by the server', async () => {
    const again = await rg.upsert(JSON.stringify(exampleGraph()), { expectedDigest: digest });
    expect(again.digest).toBe(digest);
    expect(again.created).toBe(false);
    expect(again.envelope?.payloadType).toBe('application/vnd.stella.reachgraph.min+json');
    const wrong = await failure(rg.upsert(exampleGraph(), { expectedDigest: `blake3:${'0'.repeat(64)}` }));
    expect(wrong.code).toBe('DIGEST_MISMATCH');
    expect(wrong.status).toBe(422);
  });

  it('downloads the canonical JSON verified against its digest, streamed or whole', async () => {
    const got = await rg.get(digest);
    expect(await blake3(got.bytes)).toBe(digest);
    expect(got.graph.artifact.name).toBe(exampleGraph().artifact.name);
    const stream = await rg.open(digest);
    let n = 0;
    for await (const chunk of stream.chunks) n += chunk.length;
    expect(n).toBe(got.bytes.length);
  });

  it('answers slices with explained paths, and pages through them', async () => {
    const slice = await rg.slice(digest, { cve: 'CVE-2021-23337' });
    expect(slice.query.type).toBe('cve');
    expect(slice.verdict).toBe('gated'); // its only path passes the feature flag REPORTS=enabled
    const assumed = await rg.slice(digest, {
      cve: 'CVE-2021-23337',
      assume: { REPORTS: 'enabled', os: 'linux' },
    });
    expect(assumed.query.assume).toEqual({ REPORTS: 'enabled', os: 'linux' });
    expect(assumed.verdict).toBe('reachable');
    expect((await rg.slice(digest, { cve: 'CVE-2021-23337', assume: 'REPORTS=disabled' })).verdict).toBe(
      'not_reachable',
    );
    expect(slice.paths?.[0]?.hops.length).toBeGreaterThan(0);
    const pages = [];
    for await (const page of rg.slicePages(digest, { file: 'src/**', limit: 1, noCache: true }))
      pages.push(page);
    expect(pages.length).toBe(2);
    const ids = new Set(pages.flatMap((p) => p.nodes.map((n) => n.id)));
    expect([...ids].sort()).toEqual(['src/report.js:renderReport', 'src/server.js:main']);
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
  });

  it('diffs two graphs: a sink a new call makes reachable, and its path', async () => {
    const head = exampleGraph();
    head.nodes.push({ id: 'lodash:zipObjectDeep', kind: 'function', isSink: true, cves: ['CVE-2020-8203'] });
    head.edges.push({ from: 'src/server.js:main', to: 'lodash:zipObjectDeep', why: { type: 'DirectCall' } });
    const headDigest = (await rg.upsert(head)).digest;
    const diff = await rg.diff(headDigest, digest, { cve: 'CVE-2020-8203', observed: 'exclude' });
    expect(diff).toMatchObject({
      schemaVersion: 'reachgraph.diff@v1',
      digest: headDigest,
      baseDigest: digest,
      query: { type: 'cve', cve: 'CVE-2020-8203', observed: 'exclude' },
      verdict: { base: 'unknown', head: 'reachable' },
      sinks: { newlyReachable: ['lodash:zipObjectDeep'] },
    });
    expect(diff.paths.added.map((p) => p.target)).toEqual(['lodash:zipObjectDeep']);
    const bad = await failure(rg.diff(headDigest, digest, {}));
    expect([bad.status, bad.code]).toEqual([400, 'QUERY_INVALID']);
  });

  it('serves the DSSE envelope (payload verified against the digest) signed by the service key', async () => {
    const envelope = await rg.dsse(digest);
    const verified = await verifyEnvelope(envelope, [{ publicKeyPem: svc.reachgraphSigningKeyPem }]);
    expect(verified.keyIds).toHaveLength(1);
  });

  it('lists by artifact, replays, and deletes', async () => {
    const artifact = exampleGraph().artifact.digest;
    const list = await rg.byArtifact(artifact);
    expect(list.graphs.map((g) => g.digest)).toContain(digest);
    expect(list.nextCursor).toBeUndefined();
    // One graph a page, every page followed: the same graphs in the same order.
    const artifactPages: string[] = [];
    for await (const page of rg.byArtifactPages(artifact, { limit: 1 })) {
      expect(page.graphs.length).toBeLessThanOrEqual(1);
      artifactPages.push(...page.graphs.map((g) => g.digest));
    }
    expect(artifactPages).toEqual(list.graphs.map((g) => g.digest));
    expect((await failure(rg.byArtifact(artifact, { limit: 0 }))).code).toBe('LIMIT_OUT_OF_RANGE');

    // The tenant's graphs with a lodash node, one per page, every page followed.
    const lodash = { purl: 'pkg:npm/lodash@*', limit: 1 };
    const first = await rg.list(lodash);
    expect([first.schemaVersion, first.query]).toEqual(['reachgraph.list@v1', lodash]);
    const pages: string[] = [];
    for await (const page of rg.listPages(lodash)) pages.push(...page.graphs.map((g) => g.digest));
    expect(pages).toContain(digest);
    expect(pages[0]).toBe(first.graphs[0]?.digest);
    expect(new Set(pages).size).toBe(pages.length);
    expect((await rg.list({ cve: 'CVE-1999-0001' })).graphs).toEqual([]);
    expect((await failure(rg.list({ cve: 'nope' }))).code).toBe('CVE_INVALID');

    const inputs = ordersApiInputs();
    const replay: ReplayRequest = { expectedDigest: `blake3:${'1'.repeat(64)}`, inputs };
    const outcome = await rg.replay(replay);
    expect(outcome.match).toBe(false);
    expect(outcome.computedDigest).toMatch(/^blake3:/);
    const matched = await rg.replay({ expectedDigest: outcome.computedDigest, inputs });
    expect(matched.match).toBe(true);

    await rg.delete(digest);
    expect((await failure(rg.get(digest))).code).toBe('GRAPH_NOT_FOUND');
    expect((await failure(rg.delete(digest))).status).toBe(404);
  });

  it('surfaces problem codes: bad digest 400, no token 401, missing scope 403', async () => {
    expect((await failure(rg.get('blake3:nope'))).code).toBe('DIGEST_INVALID');
    const anonymous = createReachGraphClient({ baseUrl: svc.reachgraphUrl });
    expect((await failure(anonymous.byArtifact(exampleGraph().artifact.digest))).code).toBe('UNAUTHORIZED');
    const readOnly = createReachGraphClient({
      baseUrl: svc.reachgraphUrl,
      token: await svc.reachgraphToken({ scopes: ['reachgraph:read'] }),
    });
    expect((await failure(readOnly.upsert(exampleGraph()))).status).toBe(403);
  });

  it('builds a graph in the service from a Signals call graph and fact batch, then slices it', async () => {
    const signalsAs = (principal: string) =>
      createSignalsClient({ baseUrl: svc.signalsUrl, token: () => svc.signalsToken(principal) });
    const purl = 'pkg:npm/%40acme/backend@1.2.3';
    const records = callgraphRecords(4).map((r) => (r['type'] === 'node' ? { ...r, purl } : r));
    const manifest = await signalsAs('scanner-worker').pushCallgraph(ndjson(records));
    const batch = await signalsAs('runtime-agent').pushRuntimeFacts([fact(1)], {
      callgraphId: manifest.graphId,
      source: 'web-1',
    });
    const artifact = { name: 'acme/backend', digest: `sha256:${'ab'.repeat(32)}` };
    const built = await rg.build({
      callgraphId: manifest.graphId,
      runtimeFactBatchIds: [batch.provenance.batchId],
      sinks: [{ cve: 'CVE-2099-0001', purl, symbol: 'fn3' }],
      artifact,
    });
    expect(built.digest).toMatch(/^blake3:[0-9a-f]{64}$/);
    expect(built.artifact).toEqual({ name: artifact.name, digest: artifact.digest });
    const again = await rg.build({
      callgraphId: manifest.graphId,
      runtimeFactBatchIds: [batch.provenance.batchId],
      sinks: [{ cve: 'CVE-2099-0001', purl, symbol: 'fn3' }],
      artifact,
    });
    expect(again.digest).toBe(built.digest);
    const graph = await rg.get(built.digest);
    expect(graph.graph.nodes).toHaveLength(4);
    const slice = await rg.slice(built.digest, { cve: 'CVE-2099-0001' });
    expect(slice.verdict).toBe('reachable');
    expect(slice.paths?.[0]?.hops).toHaveLength(3);
    const unknown = { callgraphId: '01JAAAAAAAAAAAAAAAAAAAAAAA', sinks: [], artifact };
    const missing = await failure(rg.build(unknown));
    expect({ status: missing.status, code: missing.code }).toEqual({ status: 422, code: 'INPUT_NOT_FOUND' });
    const invalid = await failure(rg.build({ callgraphId: 'nope', artifact }));
    expect({ status: invalid.status, code: invalid.code }).toEqual({ status: 422, code: 'SCHEMA_INVALID' });
  });
});
