import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKeySigner, type DsseEnvelope, signEnvelope, verifyEnvelope } from '@stella-ops/core';
import { createMetricsRegistry } from '@stella-ops/service-kit';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { rootLogger } from '../src/logger.js';
import { MANIFEST_PAYLOAD_TYPE } from '../src/signing/manifest-signing.js';
import { rekorEntryUuid, rekorLog, type TransparencyLog } from '../src/signing/transparency-log.js';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';
import { opensslVerifies } from './openssl.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

async function postGraph(app = h.app) {
  return request(app)
    .post('/signals/callgraphs')
    .set('Authorization', await h.auth('scanner-worker'))
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson(callgraphRecords(3)));
}

async function verify(body: unknown) {
  return request(h.app)
    .post('/signals/verify')
    .set('Authorization', await h.auth('audit-service'))
    .set('Content-Type', 'application/json')
    .send(typeof body === 'string' ? body : JSON.stringify(body));
}

async function manifestEnvelope(): Promise<DsseEnvelope> {
  const { body } = await postGraph();
  const res = await request(h.app)
    .get(`/signals/callgraphs/${body.graphId}/manifest`)
    .set('Authorization', await h.auth('audit-service'));
  return res.body.envelope;
}

describe('POST /signals/verify (§10.7, §10.8)', () => {
  it('verifies a manifest envelope and a batch attestation with the service keys', async () => {
    const envelope = await manifestEnvelope();
    const res = await verify({ envelope });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      verified: true,
      keyIds: ['signals-test-2025'],
      payloadType: MANIFEST_PAYLOAD_TYPE,
    });
    expect(res.body.payload.graphId).toEqual(expect.any(String));

    const b = await request(h.app)
      .post(`/signals/runtime-facts?callgraphId=${res.body.payload.graphId}&source=a`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([fact(1)]));
    const att = await verify({ envelope: b.body.attestation });
    expect(att.status).toBe(200);
    expect(att.body).toMatchObject({
      payloadType: 'application/vnd.in-toto+json',
      payload: { subject: [expect.any(Object)] },
    });
  });

  it('answers 422 SIGNATURE_INVALID for a modified payload or a foreign key', async () => {
    const envelope = await manifestEnvelope();
    const payload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(envelope.payload, 'base64').toString()), nodeCount: 1 }),
    );
    const res = await verify({ envelope: { ...envelope, payload: payload.toString('base64') } });
    expect([res.status, res.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreign = await signEnvelope(Buffer.from('{}'), MANIFEST_PAYLOAD_TYPE, [
      createKeySigner(String(other.privateKey.export({ type: 'pkcs8', format: 'pem' })), {
        keyId: 'signals-test-2025',
      }),
    ]);
    const res2 = await verify({ envelope: foreign });
    expect([res2.status, res2.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
  });

  it('answers 422 ENVELOPE_INVALID for something that is not a DSSE envelope', async () => {
    for (const envelope of [
      { payload: 'x' },
      { payload: '!!', payloadType: 't', signatures: [{ sig: 'AA==' }] },
      'text',
    ]) {
      const res = await verify({ envelope });
      expect([res.status, res.body.code]).toEqual([422, 'ENVELOPE_INVALID']);
    }
    expect((await verify({})).body.code).toBe('ENVELOPE_INVALID');
    expect((await verify('{not json')).body.code).toBe('JSON_INVALID');
  });
});

describe('Ed25519 signing key', () => {
  let ed: Harness;
  beforeAll(async () => {
    ed = await startHarness({ signingKey: 'ed25519' });
  });
  afterAll(() => ed?.stop());

  it('signs manifests and attestations that verify offline (core and openssl)', async () => {
    const g = await request(ed.app)
      .post('/signals/callgraphs')
      .set('Authorization', await ed.auth('scanner-worker'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson(callgraphRecords(3)));
    expect(g.status).toBe(201);
    const m = await request(ed.app)
      .get(`/signals/callgraphs/${g.body.graphId}/manifest`)
      .set('Authorization', await ed.auth('policy-engine'));
    const keys = await request(ed.app).get('/signals/keys');
    expect(keys.body.keys[0]).toMatchObject({ algorithm: 'Ed25519', jwk: { kty: 'OKP', crv: 'Ed25519' } });
    await expect(
      verifyEnvelope(m.body.envelope, [{ publicKeyPem: ed.signingPublicKeyPem }]),
    ).resolves.toBeDefined();
    expect(opensslVerifies(m.body.envelope, ed.signingPublicKeyPem, 'ed25519')).toBe(true);
    const b = await request(ed.app)
      .post(`/signals/runtime-facts?callgraphId=${g.body.graphId}&source=a`)
      .set('Authorization', await ed.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([fact(1)]));
    expect(opensslVerifies(b.body.attestation, ed.signingPublicKeyPem, 'ed25519')).toBe(true);
  });
});

describe('Rekor (optional transparency log)', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const s = createServer(handler);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  const appWith = (tlog: TransparencyLog) =>
    createApp({ ...h.ctx, tlog, registry: createMetricsRegistry(false) });
  const logger = rootLogger('silent');

  it('records skipReason rekor-disabled by default (air-gap)', async () => {
    const { body } = await postGraph();
    expect(body.rekorUuid).toBeUndefined();
    const b = await request(h.app)
      .post(`/signals/runtime-facts?callgraphId=${body.graphId}&source=a`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([fact(1)]));
    expect(b.body.provenance.skipReason).toBe('rekor-disabled');
  });

  it('records a skipReason when Rekor is unreachable, without failing the upload', async () => {
    const app = appWith(rekorLog({ url: 'http://127.0.0.1:9', timeoutMs: 2000, logger }));
    const g = await postGraph(app);
    expect(g.status).toBe(201);
    expect(g.body.rekorUuid).toBeUndefined();
    const b = await request(app)
      .post(`/signals/runtime-facts?callgraphId=${g.body.graphId}&source=a`)
      .set('Authorization', await h.auth('runtime-agent'))
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson([fact(1)]));
    expect(b.status).toBe(201);
    expect(b.body.provenance.skipReason).toMatch(/^rekor-unreachable/);
  });

  it('never hangs on a Rekor that does not answer: the timeout becomes the skipReason', async () => {
    const url = await serve(() => {
      /* accept and never answer */
    });
    const log = rekorLog({ url, timeoutMs: 300, logger });
    const start = Date.now();
    const outcome = await log.log(await manifestEnvelope(), h.signingPublicKeyPem);
    expect(Date.now() - start).toBeLessThan(3000);
    expect(outcome).toEqual({ skipReason: expect.stringMatching(/^rekor-unreachable/) });
  });

  it("records Rekor's entry UUID when an entry is created", async () => {
    const body = Buffer.from(JSON.stringify({ apiVersion: '0.0.1', kind: 'dsse', spec: {} }));
    let posted: unknown;
    const url = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posted = JSON.parse(Buffer.concat(chunks).toString());
        res.writeHead(201, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            [rekorEntryUuid(body)]: {
              body: body.toString('base64'),
              integratedTime: 1_766_000_000,
              logID: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
              logIndex: 42,
            },
          }),
        );
      });
    });
    const g = await postGraph(appWith(rekorLog({ url, timeoutMs: 2000, logger })));
    expect(g.status).toBe(201);
    expect(g.body.rekorUuid).toBe(rekorEntryUuid(body));
    expect(posted).toMatchObject({ kind: 'dsse' });
  });
});
