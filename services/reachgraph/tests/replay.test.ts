import { type CallgraphRecord, validate } from '@stella-ops/core';
import { callgraphDigest } from '@stella-ops/graph';
import type { Express } from 'express';
import pg from 'pg';
import request from 'supertest';
import type { InputResolver } from '../src/replay/input-resolver.js';
import { builtGraph, ordersApiInputs } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

describe('POST /v1/reachgraphs/replay', () => {
  let suite: Suite;
  let app: Express;
  let A: string;
  let digest: string;
  let owner: pg.Client;

  beforeAll(async () => {
    suite = await createSuite('replay');
    ({ app } = await suite.start());
    A = await token({ tenant: 'tenant-a', principal: 'audit-service', subject: 'auditor-1' });
    const put = await request(app)
      .post('/v1/reachgraphs')
      .set('Authorization', A)
      .send(builtGraph(ordersApiInputs()));
    expect(put.status).toBe(201);
    digest = put.body.digest;
    owner = new pg.Client({ connectionString: suite.db.url });
    await owner.connect();
  });

  afterAll(async () => {
    await owner.end();
    await suite.close();
  });

  const lastLog = async () =>
    (
      await owner.query(
        'select tenant, principal, subject, expected_digest, computed_digest, match, error_code, inputs, diff from reachgraph.replay_log order by id desc limit 1',
      )
    ).rows[0];

  it('rebuilds from inline inputs: match, with the inputs by digest, and logs who/when/what', async () => {
    const res = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: digest, inputs: ordersApiInputs() });
    expect(res.status).toBe(200);
    validate('replay-response@v1', res.body);
    expect(res.body).toMatchObject({ match: true, expectedDigest: digest, computedDigest: digest });
    expect(res.body.diff).toBeUndefined();
    expect(res.body.inputs.map((i: { kind: string }) => i.kind)).toEqual(
      expect.arrayContaining(['callgraph', 'runtime-facts']),
    );
    const log = await lastLog();
    expect(log).toMatchObject({
      tenant: 'tenant-a',
      principal: 'audit-service',
      subject: 'auditor-1',
      expected_digest: digest,
      computed_digest: digest,
      match: true,
      error_code: null,
    });
    expect(log.inputs.callgraph.inlineRecords).toBe(ordersApiInputs().callgraph.records?.length);
  });

  it('explains a mismatch: counts, first differing node and edge, differing fields', async () => {
    const inputs = ordersApiInputs();
    const records = (inputs.callgraph.records ?? []).filter(
      (r: CallgraphRecord) => !(r.type === 'edge' && r.to.includes('template')),
    );
    inputs.callgraph.records = records as [CallgraphRecord, ...CallgraphRecord[]];
    const res = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: digest, inputs });
    expect(res.status).toBe(200);
    validate('replay-response@v1', res.body);
    expect(res.body.match).toBe(false);
    expect(res.body.computedDigest).not.toBe(digest);
    expect(res.body.diff.edgeCount.computed).toBeLessThan(res.body.diff.edgeCount.expected);
    expect(res.body.diff.firstDifferingEdge.index).toBeGreaterThanOrEqual(0);
    expect(res.body.diff.fields).toContain('provenance');
    const log = await lastLog();
    expect(log).toMatchObject({ match: false, computed_digest: res.body.computedDigest });
    expect(log.diff.edgeCount).toEqual(res.body.diff.edgeCount);
  });

  it('explains and logs a mismatch whose differing node holds a NUL (which jsonb cannot store)', async () => {
    const inputs = ordersApiInputs();
    const records = [
      ...(inputs.callgraph.records ?? []),
      { type: 'node', id: 'app:src/odd.js#f', symbol: 'f\u0000', file: 'src/odd\u0000.js' },
    ] as CallgraphRecord[];
    inputs.callgraph.records = records as [CallgraphRecord, ...CallgraphRecord[]];
    const res = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: digest, inputs });
    expect([res.status, res.body.match]).toEqual([200, false]);
    const log = await lastLog();
    expect(log).toMatchObject({ match: false, computed_digest: res.body.computedDigest });
    expect(res.body.diff.firstDifferingNode.computed.symbol).toBe('f\u0000');
    // The log keeps the NUL as the six characters `\u0000`.
    expect(log.diff.firstDifferingNode.computed).toMatchObject({
      symbol: 'f\\u0000',
      file: 'src/odd\\u0000.js',
    });
  });

  it('with only the expected digest, fetches the inputs its provenance names: 422 INPUT_UNRESOLVABLE without Signals (logged)', async () => {
    const res = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: digest });
    expect([res.status, res.body.code]).toEqual([422, 'INPUT_UNRESOLVABLE']);
    expect(await lastLog()).toMatchObject({
      error_code: 'INPUT_UNRESOLVABLE',
      match: null,
      computed_digest: null,
    });
  });

  it('with a resolver plugged in, replays from provenance alone', async () => {
    const inputs = ordersApiInputs();
    const records = inputs.callgraph.records ?? [];
    const resolver: InputResolver = {
      callgraph: async () => ({
        graphId: '01JGRAPH000000000000000000',
        digest: callgraphDigest(records),
        records,
      }),
      runtimeFacts: async (_tenant, ref) => ({
        batchId: '01JBATCH000000000000000000',
        provenanceHash: ref.provenanceHash ?? '',
        callgraphId: '01JGRAPH000000000000000000',
        facts: inputs.runtimeFacts?.[0]?.facts ?? [],
      }),
    };
    const { app: withSignals } = await suite.start(() => {}, { resolver });
    const res = await request(withSignals)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: digest });
    expect(res.status).toBe(200);
    expect(res.body.match).toBe(true);
  });

  it('404 for an unknown graph without inputs, 422 SCHEMA_INVALID for a bad request, 403 without a scope', async () => {
    const unknown = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: `blake3:${'e'.repeat(64)}` });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'GRAPH_NOT_FOUND']);
    const bad = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: 'sha1:abc', inputs: {} });
    expect([bad.status, bad.body.code]).toEqual([422, 'SCHEMA_INVALID']);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining(['/expectedDigest']),
    );
    const none = await token({ tenant: 'tenant-a', scopes: ['reachgraph:admin'] });
    const forbidden = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', none)
      .send({ expectedDigest: digest });
    expect([forbidden.status, forbidden.body.code]).toEqual([403, 'FORBIDDEN']);
    // Another tenant cannot replay against this tenant's graph.
    const other = await request(app)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', await token({ tenant: 'tenant-b' }))
      .send({ expectedDigest: digest });
    expect([other.status, other.body.code]).toEqual([404, 'GRAPH_NOT_FOUND']);
  });
});
