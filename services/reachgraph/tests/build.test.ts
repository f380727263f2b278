import { sha256Canonical } from '@stella-ops/core';
import { callgraphDigest } from '@stella-ops/graph';
import type { Express } from 'express';
import pg from 'pg';
import request from 'supertest';
import { inputProblem } from '../src/build/input-problems.js';
import type { InputResolver } from '../src/replay/input-resolver.js';
import { ordersApiFiles } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

const { records: RECORDS, facts: FACTS, sinks: SINKS, osv: OSV } = ordersApiFiles();
const GRAPH = '01JBQ7W0000000000000000000';
const BATCH = '01JBQ7W0000000000000000001';
const HASH = `sha256:${'c'.repeat(64)}`;
const ARTIFACT = { name: 'acme/orders-api', digest: `sha256:${'d'.repeat(64)}` };

/** Signals as a resolver that knows one call graph and one batch (the real one runs in tests/e2e). */
const fakeSignals: InputResolver = {
  async callgraph(_tenant, ref) {
    if (ref.graphId !== GRAPH && ref.digest !== callgraphDigest(RECORDS))
      throw inputProblem('INPUT_NOT_FOUND', `no call graph ${ref.graphId}`);
    return { graphId: GRAPH, digest: callgraphDigest(RECORDS), records: RECORDS };
  },
  async runtimeFacts(_tenant, ref) {
    if (ref.batchId !== BATCH && ref.provenanceHash !== HASH)
      throw inputProblem('INPUT_NOT_FOUND', `no batch ${ref.batchId}`);
    return { batchId: BATCH, provenanceHash: HASH, callgraphId: GRAPH, facts: FACTS };
  },
};

describe('POST /v1/reachgraphs/build', () => {
  let suite: Suite;
  let app: Express;
  let withoutSignals: Express;
  let A: string;
  let owner: pg.Client;

  beforeAll(async () => {
    suite = await createSuite('build');
    ({ app } = await suite.start(() => {}, { resolver: fakeSignals }));
    ({ app: withoutSignals } = await suite.start());
    A = await token({ tenant: 'tenant-a' });
    owner = new pg.Client({ connectionString: suite.db.url });
    await owner.connect();
  });

  afterAll(async () => {
    await owner.end();
    await suite.close();
  });

  const build = (body: unknown, to = app, auth = A) =>
    request(to)
      .post('/v1/reachgraphs/build')
      .set('Authorization', auth)
      .send(body as object);
  const graphCount = async () =>
    Number((await owner.query('select count(*) from reachgraph.subgraphs')).rows[0].count);

  it('builds, stores and answers 201, then 200 with the same digest; keeps the OSV document by digest', async () => {
    const body = {
      callgraphId: GRAPH,
      runtimeFactBatchIds: [BATCH],
      vulnerabilities: OSV,
      artifact: ARTIFACT,
    };
    const first = await build(body);
    expect(first.status).toBe(201);
    expect(first.headers['location']).toBe(`/v1/reachgraphs/${first.body.digest}`);
    expect(first.body).toMatchObject({ created: true, unmatchedSinks: [], unmatchedFacts: 0 });
    expect(first.body.inputs).toEqual([
      { kind: 'callgraph', digest: callgraphDigest(RECORDS), id: GRAPH },
      { kind: 'osv', digest: sha256Canonical(OSV) },
      { kind: 'runtime-facts', digest: HASH, id: BATCH },
    ]);
    const again = await build(body);
    expect([again.status, again.body.digest, again.body.created]).toEqual([200, first.body.digest, false]);
    // a bare array of OSV records is the same document
    const bare = await build({ ...body, vulnerabilities: (OSV as { vulns: unknown[] }).vulns });
    expect([bare.status, bare.body.digest]).toEqual([200, first.body.digest]);
    const { rows } = await owner.query('select tenant, kind, digest from reachgraph.input_documents');
    expect(rows).toEqual([{ tenant: 'tenant-a', kind: 'osv', digest: sha256Canonical(OSV) }]);
    // the graph carries the runtime evidence
    const slice = await request(app)
      .get(`/v1/reachgraphs/${first.body.digest}/slice?cve=CVE-2021-23337`)
      .set('Authorization', A);
    expect(slice.body.nodes.find((n: { symbol?: string }) => n.symbol === 'template').observed).toEqual({
      hitCount: 212,
      batches: [HASH],
    });
    const replay = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: first.body.digest });
    expect(replay.body.match).toBe(true);
  });

  it('says what each bad request gets, and stores nothing', async () => {
    const before = await graphCount();
    const base = { callgraphId: GRAPH, sinks: SINKS, artifact: ARTIFACT };
    const cases: [unknown, number, string][] = [
      [{ ...base, callgraphId: 'nope' }, 422, 'SCHEMA_INVALID'],
      [{ ...base, sinks: undefined }, 422, 'SCHEMA_INVALID'],
      [{ ...base, vulnerabilities: OSV }, 422, 'SCHEMA_INVALID'],
      [{ ...base, artifact: undefined }, 422, 'SCHEMA_INVALID'],
      [{ ...base, callgraphId: '01JBQ7W000000000000000000Z' }, 422, 'INPUT_NOT_FOUND'],
      [{ ...base, runtimeFactBatchIds: ['01JBQ7W000000000000000000Z'] }, 422, 'INPUT_NOT_FOUND'],
      [
        {
          ...base,
          sinks: [{ cve: 'CVE-2024-0001', purl: 'pkg:npm/x', symbol: 'f' }],
          scope: { selectors: [] },
        },
        201,
        '',
      ],
      [
        { ...base, vulnerabilities: { vulns: [{ id: 'not an id' }] }, sinks: undefined },
        422,
        'INPUT_INVALID',
      ],
    ];
    for (const [body, status, code] of cases) {
      const res = await build(body);
      expect([res.status, res.body.code ?? '']).toEqual([status, code]);
    }
    expect(await graphCount()).toBe(before + 1);
    const unresolvable = await build(base, withoutSignals);
    expect([unresolvable.status, unresolvable.body.code]).toEqual([422, 'INPUT_UNRESOLVABLE']);
    const readOnly = await build(base, app, await token({ tenant: 'tenant-a', scopes: ['reachgraph:read'] }));
    expect([readOnly.status, readOnly.body.code]).toEqual([403, 'FORBIDDEN']);
    const text = await request(app)
      .post('/v1/reachgraphs/build')
      .set('Authorization', A)
      .set('content-type', 'text/plain')
      .send('{}');
    expect(text.status).toBe(415);
    expect(await graphCount()).toBe(before + 1);
  });
});
