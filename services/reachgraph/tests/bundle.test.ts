import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  type CallgraphManifest,
  canonicalize,
  createKeySigner,
  createStatement,
  IN_TOTO_PAYLOAD_TYPE,
  RUNTIME_FACTS_PREDICATE_TYPE,
  type RuntimeFactProvenance,
  signEnvelope,
  validate,
} from '@stella-ops/core';
import {
  CALLGRAPH_MANIFEST_PAYLOAD_TYPE,
  callgraphDigest,
  type EvidenceBundle,
  verifyEvidenceBundle,
} from '@stella-ops/graph';
import { cleanRedisPrefix, redisTestUrl } from '@stella-ops/testkit';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { inputProblem } from '../src/build/input-problems.js';
import type { ServerConfig } from '../src/config.js';
import type { InputResolver } from '../src/replay/input-resolver.js';
import { exampleGraph, ordersApiFiles } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
// Ed25519 signatures are deterministic (ECDSA ones are not): the same request gives the same bytes.
const reachgraphKey = generateKeyPairSync('ed25519');
const signalsKey = generateKeyPairSync('ed25519');
const RG_KEY_ID = 'reachgraph-bundle-test';
const SIGNALS_KEY_ID = 'signals-bundle-test';
const pinned = [
  { keyId: RG_KEY_ID, publicKeyPem: pem(reachgraphKey.publicKey, 'spki') },
  { keyId: SIGNALS_KEY_ID, publicKeyPem: pem(signalsKey.publicKey, 'spki') },
];

const { records: RECORDS, facts: FACTS, sinks: SINKS } = ordersApiFiles();
const GRAPH_ID = '01JBQ7W0000000000000000000';
const BATCH_ID = '01JBQ7W0000000000000000001';
const HASH = `sha256:${'c'.repeat(64)}`;
const ARTIFACT = { name: 'acme/orders-api', digest: `sha256:${'d'.repeat(64)}` };
const CVE = 'CVE-2021-23337';

/** Signals' signed manifest and attested batch, made with the test Signals key. */
async function signalsEvidence() {
  const signer = createKeySigner(pem(signalsKey.privateKey, 'pkcs8'), { keyId: SIGNALS_KEY_ID });
  const manifest: CallgraphManifest = {
    graphId: GRAPH_ID,
    digest: callgraphDigest(RECORDS),
    language: 'javascript',
    source: 'bundle-test',
    createdAt: '2026-12-01T10:00:00Z',
    tenantId: 'tenant-a',
    componentPurl: 'pkg:npm/%40acme/orders-api@1.0.0',
    entryPoints: [],
    nodeCount: 1,
    edgeCount: 0,
    signerKeyId: SIGNALS_KEY_ID,
  };
  const envelope = await signEnvelope(Buffer.from(canonicalize(manifest)), CALLGRAPH_MANIFEST_PAYLOAD_TYPE, [
    signer,
  ]);
  const provenance: RuntimeFactProvenance = {
    provenanceId: '01JBQ7W0000000000000000002',
    callgraphId: GRAPH_ID,
    batchId: BATCH_ID,
    ingestedAt: '2026-12-01T10:05:02Z',
    receivedAt: '2026-12-01T10:05:01Z',
    tenantId: 'tenant-a',
    source: 'node-a1',
    pipelineVersion: 'test',
    provenanceHash: HASH,
    signerKeyId: SIGNALS_KEY_ID,
    factCount: FACTS.length,
    factTypes: ['invocation'],
  };
  const statement = createStatement(
    [{ name: GRAPH_ID, digest: { sha256: manifest.digest.slice('sha256:'.length) } }],
    RUNTIME_FACTS_PREDICATE_TYPE,
    {
      batchId: BATCH_ID,
      provenanceHash: HASH,
      factCount: FACTS.length,
      timestamp: '2026-12-01T10:05:02Z',
      subjects: [GRAPH_ID],
      tenantId: 'tenant-a',
    },
  );
  const attestation = await signEnvelope(Buffer.from(canonicalize(statement)), IN_TOTO_PAYLOAD_TYPE, [
    signer,
  ]);
  return {
    manifest: { ...manifest, signature: envelope.signatures[0]?.sig ?? '' },
    envelope,
    provenance,
    attestation,
  };
}

describe('GET /v1/reachgraphs/{digest}/bundle', () => {
  let suite: Suite;
  let redis: Redis;
  let app: Express;
  let unsignedApp: Express;
  let A: string;
  let B: string;
  let built: string;
  let uploaded: string;
  let owner: pg.Client;

  beforeAll(async () => {
    suite = await createSuite('bundle');
    const evidence = await signalsEvidence();
    /** Signals as a resolver that serves one verified call graph and batch with their evidence. */
    const signals: InputResolver = {
      async callgraph(_tenant, ref) {
        if (ref.graphId !== GRAPH_ID) throw inputProblem('INPUT_NOT_FOUND', `no call graph ${ref.graphId}`);
        const { manifest, envelope } = evidence;
        return {
          graphId: GRAPH_ID,
          digest: manifest.digest,
          records: RECORDS,
          evidence: { manifest, envelope },
        };
      },
      async runtimeFacts(_tenant, ref) {
        if (ref.batchId !== BATCH_ID) throw inputProblem('INPUT_NOT_FOUND', `no batch ${ref.batchId}`);
        const { provenance, attestation } = evidence;
        return {
          batchId: BATCH_ID,
          provenanceHash: HASH,
          callgraphId: GRAPH_ID,
          facts: FACTS,
          evidence: { provenance, attestation },
        };
      },
    };
    const withRedis = (cfg: ServerConfig) => {
      cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
    };
    ({ app } = await suite.start(
      (cfg) => {
        withRedis(cfg);
        cfg.signing.signGraphs = true;
        cfg.signing.keyPem = pem(reachgraphKey.privateKey, 'pkcs8');
        cfg.signing.keyId = RG_KEY_ID;
        cfg.signals = {
          url: 'http://127.0.0.1:9',
          trustedKeys: [{ keyId: SIGNALS_KEY_ID, publicKeyPem: pem(signalsKey.publicKey, 'spki') }],
          timeoutMs: 1000,
        };
      },
      { resolver: signals },
    ));
    ({ app: unsignedApp } = await suite.start(withRedis));
    redis = new Redis(redisTestUrl());
    A = await token({ tenant: 'tenant-a' });
    B = await token({ tenant: 'tenant-b' });
    owner = new pg.Client({ connectionString: suite.db.url });
    await owner.connect();
    const build = await request(app)
      .post('/v1/reachgraphs/build')
      .set('Authorization', A)
      .send({ callgraphId: GRAPH_ID, runtimeFactBatchIds: [BATCH_ID], sinks: SINKS, artifact: ARTIFACT });
    expect(build.status).toBe(201);
    built = build.body.digest;
    const upload = await request(unsignedApp)
      .post('/v1/reachgraphs')
      .set('Authorization', A)
      .send(exampleGraph());
    expect(upload.status).toBe(201);
    uploaded = upload.body.digest;
  });

  afterAll(async () => {
    await owner.end();
    await cleanRedisPrefix(redis, suite.redisPrefix);
    redis.disconnect();
    await suite.close();
  });

  const get = (to: Express, digest: string, q: string, auth = A) =>
    request(to).get(`/v1/reachgraphs/${digest}/bundle?${q}`).set('Authorization', auth);

  it('keeps the signed evidence of the Signals inputs at build time', async () => {
    const { rows } = await owner.query(
      'select tenant, kind, digest from reachgraph.input_evidence order by kind',
    );
    expect(rows).toEqual([
      { tenant: 'tenant-a', kind: 'callgraph', digest: callgraphDigest(RECORDS) },
      { tenant: 'tenant-a', kind: 'runtime-facts', digest: HASH },
    ]);
  });

  it('answers a bundle of a graph built from Signals that verifies offline, every check ok with pinned keys', async () => {
    const res = await get(app, built, `cve=${CVE}&include=graph`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="reachgraph-${built.slice(7, 23)}-${CVE}.bundle.json"`,
    );
    const bundle = validate('evidence-bundle@v1', res.body) as EvidenceBundle;
    expect(bundle.graphDigest).toBe(built);
    expect(bundle.inputs.callgraphs.map((c) => c.manifest.graphId)).toEqual([GRAPH_ID]);
    expect(bundle.inputs.runtimeFacts.map((r) => r.provenance.provenanceHash)).toEqual([HASH]);
    expect(bundle.inputs.documents.map((d) => d.kind)).toEqual(['sinks']);
    expect(bundle.keys.map((k) => k.keyid)).toEqual([RG_KEY_ID, SIGNALS_KEY_ID]);
    const verification = await verifyEvidenceBundle(bundle, { trustedKeys: pinned });
    expect(verification.checks.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(verification.ok).toBe(true);
  });

  it('is deterministic: the same request gives the same bytes', async () => {
    const [a, b] = await Promise.all([get(app, built, `cve=${CVE}`), get(app, built, `cve=${CVE}`)]);
    const hash = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(hash(a.text)).toBe(hash(b.text));
    expect(hash(a.text)).toBe(hash(canonicalize(JSON.parse(a.text))));
    expect(JSON.parse(a.text).graph.document).toBeUndefined();
  });

  it('names its assumptions in the query and the file name', async () => {
    const res = await get(app, built, `cve=${CVE}&assume=os=linux`);
    expect(res.status).toBe(200);
    expect(res.body.query).toEqual({ type: 'cve', cve: CVE, assume: { os: 'linux' } });
    expect(res.headers['content-disposition']).toMatch(/-assume-[0-9a-f]{8}\.bundle\.json"$/);
    expect((await verifyEvidenceBundle(res.body, { trustedKeys: pinned })).ok).toBe(true);
  });

  it('bundles an uploaded graph without input evidence, and says the claim is unsigned without a key', async () => {
    const res = await get(unsignedApp, uploaded, `cve=${CVE}&include=graph`);
    expect(res.status).toBe(200);
    const bundle = res.body as EvidenceBundle;
    expect(bundle.attestation.envelope).toBeNull();
    expect(bundle.graph.envelope).toBeNull();
    expect(bundle.inputs).toEqual({ callgraphs: [], runtimeFacts: [], documents: [] });
    const v = await verifyEvidenceBundle(bundle);
    expect(v.checks.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual(['slice.envelope']);
    expect(v.checks.find((c) => c.name === 'slice.replay')?.status).toBe('ok');
    expect(v.checks.find((c) => c.name === 'inputs.provenance')?.status).toBe('skipped');
  });

  it('a tampered bundle from the service fails the named check', async () => {
    const res = await get(app, built, `cve=${CVE}&include=graph`);
    const bundle = structuredClone(res.body) as EvidenceBundle;
    (bundle.inputs.runtimeFacts[0] as { provenance: { factCount: number } }).provenance.factCount += 1;
    const v = await verifyEvidenceBundle(bundle, { trustedKeys: pinned });
    expect(v.checks.filter((c) => c.status === 'failed').map((c) => c.name)).toEqual(['inputs.runtimeFacts']);
  });

  it("answers another tenant's graph exactly like a missing one", async () => {
    const other = await get(app, built, `cve=${CVE}`, B);
    const missing = await get(app, `blake3:${'0'.repeat(64)}`, `cve=${CVE}`);
    for (const res of [other, missing]) {
      expect([res.status, res.body.code, res.type]).toEqual([
        404,
        'GRAPH_NOT_FOUND',
        'application/problem+json',
      ]);
      expect(res.headers['content-disposition']).toBeUndefined();
    }
  });

  it('says what each bad request gets', async () => {
    const cases: [string, string, number, string, string?][] = [
      [built, '', 400, 'QUERY_INVALID', '/cve'],
      [built, 'q=pkg:npm/lodash', 400, 'QUERY_INVALID', '/q'],
      [built, `cve=${CVE}&include=everything`, 400, 'QUERY_INVALID', '/include'],
      [built, `cve=${CVE}&cve=${CVE}`, 400, 'QUERY_INVALID'],
      [built, 'cve=not a cve', 400, 'CVE_INVALID'],
      [built, `cve=${CVE}&assume=os=linux,os=darwin`, 400, 'ASSUME_INVALID', '/assume'],
      ['blake3:xyz', `cve=${CVE}`, 400, 'DIGEST_INVALID'],
    ];
    for (const [digest, q, status, code, pointer] of cases) {
      const res = await get(app, digest, q);
      expect([q, res.status, res.body.code]).toEqual([q, status, code]);
      validate('problem@v1', res.body);
      if (pointer) expect(res.body.errors?.[0]?.pointer).toBe(pointer);
    }
    const noScope = await get(app, built, `cve=${CVE}`, await token({ tenant: 'tenant-a', scopes: [] }));
    expect([noScope.status, noScope.body.code]).toEqual([403, 'FORBIDDEN']);
  });
});
