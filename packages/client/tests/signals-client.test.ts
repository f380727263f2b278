import { sha256, verifyEnvelope } from '@stella-ops/core';
import { callgraphRecords, fact, HEADER, ndjson } from '../../../services/signals/tests/fixtures.js';
import { createSignalsClient, type SignalsClient, StellaApiError } from '../src/index.js';
import { type RunningServices, startServices } from './services.js';

let svc: RunningServices;
let scanner: SignalsClient;
let agent: SignalsClient;
let reader: SignalsClient;

beforeAll(async () => {
  svc = await startServices('client_signals');
  const as = (principal: string) =>
    createSignalsClient({ baseUrl: svc.signalsUrl, token: () => svc.signalsToken(principal) });
  scanner = as('scanner-worker');
  agent = as('runtime-agent');
  reader = as('policy-engine');
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

describe('SignalsClient against the real service', () => {
  it('pushes a call graph and reads it back verified, by id and by digest, with its signed manifest', async () => {
    const body = ndjson(callgraphRecords(5));
    const manifest = await scanner.pushCallgraph(body);
    expect(manifest.nodeCount).toBe(5);

    const byId = await reader.getCallgraph(manifest.graphId);
    expect(byId.digest).toBe(manifest.digest);
    expect(sha256(byId.bytes)).toBe(manifest.digest);
    expect(byId.records[0]).toMatchObject({ type: 'header', language: 'javascript' });
    expect(byId.records).toHaveLength(1 + 5 + 4);

    const byDigest = await reader.getCallgraphByDigest(manifest.digest);
    expect(byDigest.graphId).toBe(manifest.graphId);
    expect(byDigest.bytes.equals(byId.bytes)).toBe(true);

    const signed = await reader.getManifest(manifest.graphId);
    expect(signed.manifest.graphId).toBe(manifest.graphId);
    const keys = await reader.keys();
    const verified = await verifyEnvelope(
      signed.envelope,
      keys.map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem })),
    );
    expect(verified.keyIds).toEqual(['signals-test-2025']);
    expect(await reader.verify(signed.envelope)).toMatchObject({
      verified: true,
      keyIds: ['signals-test-2025'],
    });
  });

  it('streams a call graph upload (async iterable) with a header written from purl and language', async () => {
    const records = callgraphRecords(3).slice(1);
    async function* lines() {
      for (const r of records) yield `${JSON.stringify(r)}\n`;
    }
    const manifest = await scanner.pushCallgraph(lines(), {
      purl: 'pkg:npm/streamed@2.0.0',
      language: 'javascript',
      source: 'client-test',
    });
    expect(manifest.componentPurl).toBe('pkg:npm/streamed@2.0.0');
    expect(manifest.source).toBe('client-test');
    const stream = await reader.openCallgraph(manifest.graphId);
    let size = 0;
    for await (const chunk of stream.chunks) size += chunk.length;
    expect(size).toBe(stream.size);
  });

  it('answers a repeated upload with the same Idempotency-Key with what the first stored', async () => {
    const body = ndjson(callgraphRecords(3, { componentPurl: 'pkg:npm/idem@1.0.0' }));
    const first = await scanner.pushCallgraph(body, { idempotencyKey: 'client-test-1' });
    const again = await scanner.pushCallgraph(body, { idempotencyKey: 'client-test-1' });
    expect(again.graphId).toBe(first.graphId);
    const other = await scanner.pushCallgraph(body);
    expect(other.graphId).not.toBe(first.graphId);
    const reused = await failure(
      scanner.pushCallgraph(ndjson(callgraphRecords(4)), { idempotencyKey: 'client-test-1' }),
    );
    expect(reused.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('lists call graphs by purl, page by page', async () => {
    const purl = 'pkg:npm/paged@1.0.0';
    for (let i = 0; i < 3; i++)
      await scanner.pushCallgraph(ndjson(callgraphRecords(2 + i, { componentPurl: purl })));
    const first = await reader.listCallgraphsByPurl(purl, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBeDefined();
    const second = await reader.listCallgraphsByPurl(purl, { limit: 2, cursor: first.nextCursor! });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
  });

  it('pushes runtime facts (NDJSON and JSON batch) and reads batch, provenance and feed back', async () => {
    const manifest = await scanner.pushCallgraph(ndjson(callgraphRecords(4)));
    const pushed = await agent.pushRuntimeFacts([fact(0), fact(1)], {
      callgraphId: manifest.graphId,
      source: 'web-1',
    });
    expect(pushed.provenance.factCount).toBe(2);
    const second = await agent.pushRuntimeFacts({
      callgraphId: manifest.graphId,
      source: 'web-2',
      facts: [fact(2)],
    });

    const batch = await reader.getFactBatch(pushed.provenance.batchId);
    expect(batch.provenanceHash).toBe(pushed.provenance.provenanceHash);
    expect(batch.facts.map((f) => f.symbolId)).toEqual(['n0', 'n1']);
    const byHash = await reader.getFactBatchByHash(pushed.provenance.provenanceHash);
    expect(byHash.batchId).toBe(pushed.provenance.batchId);

    const prov = await reader.getProvenance(pushed.provenance.batchId);
    expect(prov.provenance).toEqual(pushed.provenance);
    expect((await reader.verify(prov.attestation)).verified).toBe(true);

    const lines = [];
    for await (const line of reader.streamFacts({ callgraphId: manifest.graphId, includeProvenance: true })) {
      lines.push(line);
    }
    expect(lines.map((l) => l.fact.symbolId)).toEqual(['n0', 'n1', 'n2']);
    expect(lines[2]?.batchId).toBe(second.provenance.batchId);
    expect(lines[0]?.provenance_hash).toBe(pushed.provenance.provenanceHash);

    const resumed = [];
    for await (const line of reader.streamFacts({
      callgraphId: manifest.graphId,
      cursor: lines[0]!.cursor,
    })) {
      resumed.push(line.fact.symbolId);
    }
    expect(resumed).toEqual(['n1', 'n2']);
  });

  it('rejects a provenance hash that differs with 422 PROVENANCE_HASH_MISMATCH', async () => {
    const manifest = await scanner.pushCallgraph(ndjson(callgraphRecords(2)));
    const err = await failure(
      agent.pushRuntimeFacts([fact(0)], {
        callgraphId: manifest.graphId,
        source: 'web-1',
        provenanceHash: sha256('something else'),
      }),
    );
    expect(err.status).toBe(422);
    expect(err.code).toBe('PROVENANCE_HASH_MISMATCH');
  });

  it('surfaces the service problem codes: 404, 400, 401, 403, 422 with the line', async () => {
    expect((await failure(reader.getCallgraph('01JAAAAAAAAAAAAAAAAAAAAAAA'))).code).toBe(
      'CALLGRAPH_NOT_FOUND',
    );
    expect((await failure(reader.getCallgraph('not-a-ulid'))).code).toBe('ULID_INVALID');
    expect((await failure(reader.getCallgraphByDigest(sha256('nothing')))).status).toBe(404);
    const anonymous = createSignalsClient({ baseUrl: svc.signalsUrl });
    expect((await failure(anonymous.getManifest('01JAAAAAAAAAAAAAAAAAAAAAAA'))).code).toBe('UNAUTHORIZED');
    expect((await anonymous.keys()).length).toBeGreaterThan(0);
    const bad = createSignalsClient({ baseUrl: svc.signalsUrl, token: 'not-a-jwt' });
    expect((await failure(bad.keys().then(() => bad.getManifest('01JAAAAAAAAAAAAAAAAAAAAAAA')))).status).toBe(
      401,
    );
    expect((await failure(reader.pushCallgraph(ndjson(callgraphRecords(2))))).code).toBe('FORBIDDEN');
    const broken = await failure(
      scanner.pushCallgraph(ndjson([HEADER, { type: 'edge', from: 'a', to: 'b' }])),
    );
    expect(broken.status).toBe(422);
    expect(broken.code).toBe('EDGE_NODE_UNKNOWN');
    expect(broken.problem.errors?.[0]?.line ?? broken.problem['line']).toBe(2);
  });
});
