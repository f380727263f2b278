import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import {
  canonicalize,
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  RUNTIME_FACTS_PREDICATE_TYPE,
  type RuntimeFact,
  sha256,
  validate,
  verifyEnvelope,
} from '@stella-ops/core';
import request from 'supertest';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { type Harness, OTHER_TENANT, startHarness } from './harness.js';
import { opensslVerifies } from './openssl.js';

let h: Harness;
let graph: { graphId: string; digest: string };
let otherGraph: { graphId: string };

beforeAll(async () => {
  h = await startHarness();
  const post = async (tenant: string) =>
    request(h.app)
      .post('/signals/callgraphs')
      .set('Authorization', await h.auth('scanner-worker', { tenant }))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(callgraphRecords(10)));
  graph = (await post('tenant-a')).body;
  otherGraph = (await post(OTHER_TENANT)).body;
});
afterAll(() => h?.stop());

async function postNdjson(facts: unknown[] | string, query?: string, headers: Record<string, string> = {}) {
  let req = request(h.app)
    .post(`/signals/runtime-facts?${query ?? `callgraphId=${graph.graphId}&source=agent-1`}`)
    .set('Authorization', await h.auth('runtime-agent'))
    .set('Content-Type', 'application/x-ndjson');
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return req.send(typeof facts === 'string' ? facts : ndjson(facts));
}

async function postJson(body: unknown, headers: Record<string, string> = {}) {
  let req = request(h.app)
    .post('/signals/runtime-facts')
    .set('Authorization', await h.auth('runtime-agent'))
    .set('Content-Type', 'application/json');
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return req.send(JSON.stringify(body));
}

async function get(path: string, principal = 'policy-engine', tenant?: string) {
  return request(h.app)
    .get(path)
    .set('Authorization', await h.auth(principal, tenant ? { tenant } : {}));
}

const canonical = (facts: RuntimeFact[]) => `${facts.map((f) => canonicalize(f)).join('\n')}\n`;

describe('POST /signals/runtime-facts', () => {
  it('ingests an NDJSON batch with a complete provenance record and an attestation', async () => {
    const before = Date.now();
    const facts = [fact(2), fact(1), fact(3, { factType: 'call', callerSymbolId: 'n2' })];
    const res = await postNdjson(facts);
    expect(res.status).toBe(201);
    const { provenance, attestation } = res.body as {
      provenance: Record<string, unknown>;
      attestation: DsseEnvelope;
    };
    expect(res.headers['location']).toBe(`/signals/runtime-facts/${provenance['batchId']}`);
    validate('runtime-fact-provenance@v1', provenance);
    const sorted = [fact(1), fact(2), fact(3, { factType: 'call', callerSymbolId: 'n2' })];
    expect(provenance).toMatchObject({
      callgraphId: graph.graphId,
      tenantId: 'tenant-a',
      source: 'agent-1',
      provenanceHash: sha256(canonical(sorted)),
      factCount: 3,
      factTypes: ['call', 'invocation'],
      signerKeyId: 'signals-test-2025',
      skipReason: 'rekor-disabled',
      pipelineVersion: expect.stringMatching(/^0\.1\.0\+/),
    });
    const received = Date.parse(provenance['receivedAt'] as string);
    const ingested = Date.parse(provenance['ingestedAt'] as string);
    expect(received).toBeGreaterThanOrEqual(before - 1);
    expect(ingested).toBeGreaterThanOrEqual(received);
    expect(provenance['provenanceId']).not.toBe(provenance['batchId']);

    // §7.2: an in-toto statement in DSSE, subject = the call graph with its digest.
    const verified = await verifyEnvelope(attestation, [{ publicKeyPem: h.signingPublicKeyPem }]);
    expect(verified.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    const statement = parseStatement(verified.payload);
    expect(statement.predicateType).toBe(RUNTIME_FACTS_PREDICATE_TYPE);
    expect(statement.subject).toEqual([
      { name: `callgraphs/${graph.graphId}`, digest: { sha256: graph.digest.slice(7) } },
    ]);
    expect(validate('runtime-facts-predicate@v1', statement.predicate)).toMatchObject({
      batchId: provenance['batchId'],
      provenanceHash: provenance['provenanceHash'],
      factCount: 3,
      timestamp: provenance['ingestedAt'],
      subjects: [graph.graphId],
    });
    expect(opensslVerifies(attestation, h.signingPublicKeyPem)).toBe(true);

    for (const key of [
      `runtime-facts/tenant-a/${provenance['batchId']}.ndjson.zst`,
      `runtime-facts/tenant-a/${provenance['batchId']}.provenance.json`,
      `attestations/${provenance['batchId']}.dsse`,
    ]) {
      expect(await h.ctx.blobs.head(key)).not.toBeNull();
    }
  });

  it('deduplicates on (symbolId, codeId): hits summed, earliest observation kept', async () => {
    const facts = [
      fact(1, { hitCount: 2, observedAt: '2025-12-19T10:00:05Z', host: 'late' }),
      fact(1, { hitCount: 3, observedAt: '2025-12-19T10:00:01Z', host: 'early' }),
      fact(1, { hitCount: 4, observedAt: '2025-12-19T10:00:09Z', codeId: 'other-build' }),
    ];
    const res = await postNdjson(facts);
    expect(res.status).toBe(201);
    expect(res.body.provenance.factCount).toBe(2);
    expect(res.body.merged).toBe(1);
    const got = await get(`/signals/runtime-facts/${res.body.provenance.batchId}`);
    const lines = got.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { ...fact(1), hitCount: 5, observedAt: '2025-12-19T10:00:01Z', host: 'early' },
      { ...fact(1), hitCount: 4, observedAt: '2025-12-19T10:00:09Z', codeId: 'other-build' },
    ]);
  });

  it('keeps call facts apart from invocations of the same symbol (the orders-api example)', async () => {
    const upload = readFileSync(
      new URL('../../../examples/orders-api/runtime-facts.ndjson', import.meta.url),
    );
    const res = await postNdjson(upload.toString('utf8'));
    expect(res.status).toBe(201);
    expect(res.body.merged).toBe(0);
    expect(res.body.provenance).toMatchObject({ factCount: 15, factTypes: ['call', 'invocation'] });
    const got = await get(`/signals/runtime-facts/${res.body.provenance.batchId}`);
    const stored = got.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RuntimeFact);
    const template = stored.filter((f) => f.symbolId === 'lodash@4.17.20#template');
    expect(template.map((f) => [f.factType, f.callerSymbolId, f.hitCount])).toEqual([
      ['call', 'app:src/routes/reports.js#renderCustomTemplate', 212],
      ['invocation', undefined, 212],
    ]);
    expect(stored.filter((f) => f.factType === 'call')).toHaveLength(3);
  });

  it('checks a provenanceHash sent in the JSON form (§10.6)', async () => {
    const facts = [fact(4), fact(5)];
    const hash = sha256(canonical(facts));
    const body = { callgraphId: graph.graphId, source: 'agent-1', facts };
    const ok = await postJson({ ...body, provenanceHash: hash });
    expect(ok.status).toBe(201);
    expect(ok.body.provenance.provenanceHash).toBe(hash);
    const wrong = await postJson({ ...body, provenanceHash: `sha256:${'1'.repeat(64)}` });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('PROVENANCE_HASH_MISMATCH');
    const malformed = await postJson({ ...body, provenanceHash: 'sha256:abc' });
    expect(malformed.status).toBe(422);
    expect(malformed.body.code).toBe('SCHEMA_INVALID');
    expect(malformed.body.errors).toEqual([expect.objectContaining({ pointer: '/provenanceHash' })]);
    const disagreeing = await postJson(
      { ...body, provenanceHash: hash },
      { 'X-Provenance-Hash': `sha256:${'2'.repeat(64)}` },
    );
    expect(disagreeing.status).toBe(422);
    expect(disagreeing.body.code).toBe('PROVENANCE_HASH_MISMATCH');
  });

  it('gives the same provenanceHash for the same facts in any order, as NDJSON or JSON', async () => {
    const facts = Array.from({ length: 30 }, (_, i) => fact(i));
    const a = await postNdjson(facts);
    const b = await postNdjson([...facts].reverse());
    const c = await postJson({
      callgraphId: graph.graphId,
      source: 'agent-2',
      facts: [...facts.slice(15), ...facts.slice(0, 15)],
    });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(b.body.provenance.provenanceHash).toBe(a.body.provenance.provenanceHash);
    expect(c.body.provenance.provenanceHash).toBe(a.body.provenance.provenanceHash);
    expect(c.body.provenance.source).toBe('agent-2');
  });

  it('accepts a matching X-Provenance-Hash and gzip bodies', async () => {
    const facts = [fact(7), fact(8)];
    const hash = sha256(canonical([fact(7), fact(8)]));
    const ok = await request(h.app)
      .post(`/signals/runtime-facts?callgraphId=${graph.graphId}&source=agent-1`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .set('Content-Encoding', 'gzip')
      .set('X-Provenance-Hash', hash)
      .send(gzipSync(Buffer.from(ndjson(facts))));
    expect(ok.status).toBe(201);
    expect(ok.body.provenance.provenanceHash).toBe(hash);
  });

  const cases: [string, () => Promise<request.Response>, number, string, number][] = [
    [
      'a provenance hash that does not match (§10.6)',
      () => postNdjson([fact(1)], undefined, { 'X-Provenance-Hash': `sha256:${'0'.repeat(64)}` }),
      422,
      'PROVENANCE_HASH_MISMATCH',
      0,
    ],
    [
      'a malformed provenance hash',
      () => postNdjson([fact(1)], undefined, { 'X-Provenance-Hash': 'sha256:abc' }),
      400,
      'DIGEST_INVALID',
      0,
    ],
    [
      'a malformed NDJSON line (its number)',
      () => postNdjson(`${JSON.stringify(fact(1))}\n\n{"symbolId":\n`),
      400,
      'NDJSON_INVALID',
      3,
    ],
    [
      'a fact that breaks the schema (its line)',
      () => postNdjson([fact(1), { ...fact(2), hitCount: 0 }]),
      422,
      'SCHEMA_INVALID',
      2,
    ],
    [
      'a call fact without caller',
      () => postNdjson([fact(1, { factType: 'call' })]),
      422,
      'SCHEMA_INVALID',
      1,
    ],
    [
      'a fact with an invalid purl (§10.5)',
      () => postNdjson([fact(1), fact(2, { purl: 'pkg:maven/x@1' })]),
      422,
      'PURL_INVALID',
      2,
    ],
    ['an empty batch', () => postNdjson(''), 422, 'SCHEMA_INVALID', 0],
    [
      'a bad callgraphId (§10.1)',
      () => postNdjson([fact(1)], 'callgraphId=nope&source=a'),
      400,
      'ULID_INVALID',
      0,
    ],
    ['no source', () => postNdjson([fact(1)], `callgraphId=${graph.graphId}`), 400, 'QUERY_INVALID', 0],
    [
      'a source holding a NUL (stored as text)',
      () => postNdjson([fact(1)], `callgraphId=${graph.graphId}&source=a%00`),
      400,
      'QUERY_INVALID',
      0,
    ],
    [
      'a JSON batch whose source holds a NUL',
      () => postJson({ callgraphId: graph.graphId, source: 'a\u0000', facts: [fact(1)] }),
      422,
      'SCHEMA_INVALID',
      0,
    ],
    [
      'an unknown call graph',
      () => postNdjson([fact(1)], 'callgraphId=01HWXYZ123456789ABCDEFGHJK&source=a'),
      404,
      'CALLGRAPH_NOT_FOUND',
      0,
    ],
    [
      "another tenant's call graph (same as unknown)",
      () => postNdjson([fact(1)], `callgraphId=${otherGraph.graphId}&source=a`),
      404,
      'CALLGRAPH_NOT_FOUND',
      0,
    ],
    [
      'a JSON batch that breaks the schema',
      () => postJson({ callgraphId: graph.graphId, source: 's', facts: [] }),
      422,
      'SCHEMA_INVALID',
      0,
    ],
    [
      'invalid JSON',
      async () =>
        request(h.app)
          .post('/signals/runtime-facts')
          .set('Authorization', await h.auth('runtime-agent'))
          .set('Content-Type', 'application/json')
          .send('{"callgraphId":'),
      400,
      'JSON_INVALID',
      0,
    ],
  ];
  it.each(cases)('rejects %s', async (_name, send, status, code, line) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    if (line > 0) expect(res.body.errors?.[0]?.line).toBe(line);
  });

  it('rejects a batch over 10 MiB decompressed with 413, also when it arrives compressed', async () => {
    const line = `${JSON.stringify(fact(1))}\n`;
    const body = line.repeat(Math.ceil((10 * 1024 * 1024 + 1) / line.length));
    const plain = await postNdjson(body);
    expect([plain.status, plain.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const zipped = await request(h.app)
      .post(`/signals/runtime-facts?callgraphId=${graph.graphId}&source=a`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(Buffer.from(body)));
    expect([zipped.status, zipped.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('answers 415 for other content types', async () => {
    const res = await request(h.app)
      .post('/signals/runtime-facts')
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'text/csv')
      .send('a,b');
    expect([res.status, res.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });
});

describe('GET batch, by hash, provenance', () => {
  let batch: { batchId: string; provenanceHash: string };
  const facts = [fact(4), fact(5), fact(6)];
  beforeAll(async () => {
    batch = (await postNdjson(facts)).body.provenance;
  });

  it('returns the stored canonical NDJSON by id and by provenance hash', async () => {
    const byId = await get(`/signals/runtime-facts/${batch.batchId}`);
    expect(byId.status).toBe(200);
    expect(byId.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(sha256(byId.text)).toBe(batch.provenanceHash);
    expect(byId.text).toBe(canonical(facts));
    const byHash = await get(`/signals/runtime-facts/by-hash/${batch.provenanceHash}`, 'reachgraph-service');
    expect(byHash.status).toBe(200);
    expect(byHash.text).toBe(byId.text);
  });

  it('returns the provenance record and its attestation', async () => {
    const res = await get(`/signals/runtime-facts/${batch.batchId}/provenance`, 'audit-service');
    expect(res.status).toBe(200);
    expect(res.body.provenance.batchId).toBe(batch.batchId);
    await expect(
      verifyEnvelope(res.body.attestation, [{ publicKeyPem: h.signingPublicKeyPem }]),
    ).resolves.toBeDefined();
  });

  it("answers bad ids 400, unknown and other tenants' batches 404 alike", async () => {
    expect((await get('/signals/runtime-facts/xyz')).body.code).toBe('ULID_INVALID');
    expect((await get('/signals/runtime-facts/by-hash/sha256:00')).body.code).toBe('DIGEST_INVALID');
    for (const path of [
      `/signals/runtime-facts/${batch.batchId}`,
      `/signals/runtime-facts/${batch.batchId}/provenance`,
      `/signals/runtime-facts/by-hash/${batch.provenanceHash}`,
      '/signals/runtime-facts/01HWXYZ123456789ABCDEFGHJK',
    ]) {
      const res = await get(path, 'policy-engine', OTHER_TENANT);
      expect([res.status, res.body.code]).toEqual([404, 'BATCH_NOT_FOUND']);
    }
  });

  it('answers 502 for a tampered attestation or provenance record (§10.8)', async () => {
    const { batchId } = (await postNdjson([fact(9)])).body.provenance;
    const key = `attestations/${batchId}.dsse`;
    const env = JSON.parse((await h.ctx.blobs.getBytes(key)).toString()) as DsseEnvelope;
    const forged = { ...env, payload: Buffer.from('{"_type":"x"}').toString('base64') };
    await h.ctx.blobs.put(key, Buffer.from(JSON.stringify(forged)));
    const res = await get(`/signals/runtime-facts/${batchId}/provenance`);
    expect([res.status, res.body.code]).toEqual([502, 'SIGNATURE_INVALID']);
    await h.ctx.blobs.put(key, Buffer.from('not json'));
    const res2 = await get(`/signals/runtime-facts/${batchId}/provenance`);
    expect([res2.status, res2.body.code]).toEqual([502, 'ENVELOPE_INVALID']);

    const provKey = `runtime-facts/tenant-a/${batchId}.provenance.json`;
    const prov = JSON.parse((await h.ctx.blobs.getBytes(provKey)).toString());
    await h.ctx.blobs.put(provKey, Buffer.from(JSON.stringify({ ...prov, factCount: 'many' })));
    const res3 = await get(`/signals/runtime-facts/${batchId}/provenance`);
    expect([res3.status, res3.body.code]).toEqual([502, 'PROVENANCE_INTEGRITY_FAILED']);
  });

  it('answers 502 BLOB_INTEGRITY_FAILED for facts whose bytes no longer match the provenance hash', async () => {
    const { batchId } = (await postNdjson([fact(11)])).body.provenance;
    await h.ctx.blobs.put(
      `runtime-facts/tenant-a/${batchId}.ndjson.zst`,
      Buffer.from(`${JSON.stringify(fact(12))}\n`),
    );
    const res = await get(`/signals/runtime-facts/${batchId}`);
    expect([res.status, res.body.code]).toEqual([502, 'BLOB_INTEGRITY_FAILED']);
  });
});
