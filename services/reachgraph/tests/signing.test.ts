import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  createKeySigner,
  REACHGRAPH_PAYLOAD_TYPE,
  reachGraphPayload,
  signEnvelope,
  verifyEnvelope,
} from '@stella-ops/core';
import type { Express } from 'express';
import request from 'supertest';
import { exampleGraph } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const builder = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const service = generateKeyPairSync('ed25519');

/** A `signatures[]` entry over PAE(payload type, canonical JSON without signatures). */
async function signatureOf(key: KeyObject, keyid: string): Promise<{ keyid: string; sig: string }> {
  const env = await signEnvelope(reachGraphPayload(exampleGraph()), REACHGRAPH_PAYLOAD_TYPE, [
    createKeySigner(pem(key, 'pkcs8'), { keyId: keyid }),
  ]);
  return { keyid, sig: env.signatures[0]?.sig ?? '' };
}

describe('graph signatures', () => {
  let suite: Suite;
  let app: Express;
  let signing: Express;
  let A: string;
  let tenantB: string;

  beforeAll(async () => {
    suite = await createSuite('signing');
    const trusted = (cfg: Parameters<NonNullable<Parameters<Suite['start']>[0]>>[0]) => {
      cfg.signing.trustedKeys = [{ keyid: 'builder-1', pem: pem(builder.publicKey, 'spki') }];
    };
    ({ app } = await suite.start(trusted));
    ({ app: signing } = await suite.start((cfg) => {
      trusted(cfg);
      cfg.signing.signGraphs = true;
      cfg.signing.keyPem = pem(service.privateKey, 'pkcs8');
      cfg.signing.keyId = 'reachgraph-signer-1';
    }));
    A = await token({ tenant: 'tenant-a' });
    tenantB = await token({ tenant: 'tenant-b' });
  });

  afterAll(() => suite.close());

  it('accepts a document signed by a trusted key and serves the DSSE envelope', async () => {
    const doc = { ...exampleGraph(), signatures: [await signatureOf(builder.privateKey, 'builder-1')] };
    const res = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(doc);
    expect(res.status).toBe(201);
    expect(res.body.signatures).toEqual(doc.signatures);
    const env = await request(app).get(`/v1/reachgraphs/${res.body.digest}/dsse`).set('Authorization', A);
    expect(env.status).toBe(200);
    expect(env.body.payloadType).toBe(REACHGRAPH_PAYLOAD_TYPE);
    const verified = await verifyEnvelope(env.body, [
      { keyId: 'builder-1', publicKeyPem: pem(builder.publicKey, 'spki') },
    ]);
    expect(verified.keyIds).toEqual(['builder-1']);
  });

  it('422 SIGNATURE_INVALID for an unknown key, a forged signature, or a signature over other content', async () => {
    const cases = [
      [await signatureOf(stranger.privateKey, 'stranger')],
      [await signatureOf(stranger.privateKey, 'builder-1')],
      [{ keyid: 'builder-1', sig: Buffer.alloc(70, 1).toString('base64') }],
    ];
    for (const signatures of cases) {
      const res = await request(app)
        .post('/v1/reachgraphs')
        .set('Authorization', tenantB)
        .send({ ...exampleGraph(), signatures });
      expect([res.status, res.body.code, res.body.errors?.[0]?.pointer]).toEqual([
        422,
        'SIGNATURE_INVALID',
        '/signatures/0',
      ]);
    }
    const tampered = { ...exampleGraph(), signatures: [await signatureOf(builder.privateKey, 'builder-1')] };
    tampered.artifact = { ...tampered.artifact, name: 'svc.changed' };
    const res = await request(app).post('/v1/reachgraphs').set('Authorization', tenantB).send(tampered);
    expect([res.status, res.body.code]).toEqual([422, 'SIGNATURE_INVALID']);
    // Nothing was stored by the refused uploads.
    const listed = await request(app)
      .get(`/v1/reachgraphs/by-artifact/${exampleGraph().artifact.digest}`)
      .set('Authorization', tenantB);
    expect(listed.body.graphs).toEqual([]);
  });

  it('with SignGraphs on, signs each graph and returns the envelope', async () => {
    const B = await token({ tenant: 'tenant-c' });
    const res = await request(signing).post('/v1/reachgraphs').set('Authorization', B).send(exampleGraph());
    expect(res.status).toBe(201);
    expect(res.body.envelope.payloadType).toBe(REACHGRAPH_PAYLOAD_TYPE);
    const trustedService = [{ keyId: 'reachgraph-signer-1', publicKeyPem: pem(service.publicKey, 'spki') }];
    const verified = await verifyEnvelope(res.body.envelope, trustedService);
    expect(verified.keyIds).toEqual(['reachgraph-signer-1']);
    expect(Buffer.from(verified.payload).toString('utf8')).toBe(
      (
        await request(signing)
          .get(`/v1/reachgraphs/${res.body.digest}`)
          .set('Authorization', B)
          .set('Accept-Encoding', 'identity')
      ).text,
    );
    const dsse = await request(signing)
      .get(`/v1/reachgraphs/${res.body.digest}/dsse`)
      .set('Authorization', B);
    await expect(verifyEnvelope(dsse.body, trustedService)).resolves.toBeDefined();
  });
});
