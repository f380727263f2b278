import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  blake3Canonical,
  canonicalize,
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  REACHABILITY_SLICE_PREDICATE_TYPE,
  type ReachabilitySlicePredicate,
  type ReachGraph,
  schemaIssues,
  validate,
  verifyEnvelope,
} from '@stella-ops/core';
import { createGraph, sliceGraph } from '@stella-ops/graph';
import { cleanRedisPrefix, redisTestUrl } from '@stella-ops/testkit';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import request from 'supertest';
import type { ServerConfig } from '../src/config.js';
import { builtGraph, exampleGraph, ordersApiInputs } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const serviceKey = generateKeyPairSync('ed25519');
const otherKey = generateKeyPairSync('ed25519');
const KEY_ID = 'reachgraph-evidence-1';
const trusted = [{ keyId: KEY_ID, publicKeyPem: pem(serviceKey.publicKey, 'spki') }];

/** The schema example without the call out of its entrypoint: its sink has no path. */
function disconnectedGraph(): ReachGraph {
  const doc = exampleGraph();
  doc.artifact = { ...doc.artifact, name: 'svc.disconnected' };
  doc.edges = doc.edges.filter((e) => e.from !== 'src/server.js:main');
  return doc;
}

const sha256Hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Collects a response body as raw bytes (supertest would parse the JSON). */
function rawBody(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('GET /v1/reachgraphs/{digest}/slice?format=openvex|openvex-dsse', () => {
  let suite: Suite;
  let redis: Redis;
  let signed: Express;
  let signedTwin: Express;
  let unsigned: Express;
  let A: string;
  let B: string;
  let demo: string;
  let disconnected: string;

  beforeAll(async () => {
    suite = await createSuite('vex');
    const withRedis = (cfg: ServerConfig) => {
      cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
      cfg.vexAuthor = 'ReachGraph test issuer';
    };
    const withKey = (cfg: ServerConfig) => {
      withRedis(cfg);
      cfg.signing.keyPem = pem(serviceKey.privateKey, 'pkcs8');
      cfg.signing.keyId = KEY_ID;
    };
    ({ app: signed } = await suite.start(withKey));
    ({ app: signedTwin } = await suite.start(withKey));
    ({ app: unsigned } = await suite.start(withRedis));
    redis = new Redis(redisTestUrl());
    A = await token({ tenant: 'tenant-a' });
    B = await token({ tenant: 'tenant-b' });
    for (const doc of [builtGraph(), disconnectedGraph()]) {
      const res = await request(signed).post('/v1/reachgraphs').set('Authorization', A).send(doc);
      expect(res.status).toBe(201);
      if (doc.artifact.name === 'svc.disconnected') disconnected = res.body.digest;
      else demo = res.body.digest;
    }
  });

  afterAll(async () => {
    await cleanRedisPrefix(redis, suite.redisPrefix);
    redis.disconnect();
    await suite.close();
  });

  const get = (app: Express, digest: string, q: string, auth = A) =>
    request(app).get(`/v1/reachgraphs/${digest}/slice?${q}`).set('Authorization', auth);
  const raw = (app: Express, digest: string, q: string) => get(app, digest, q).buffer(true).parse(rawBody);

  const problem = (res: request.Response, status: number, code: string, pointer?: string) => {
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.type).toBe('application/problem+json');
    validate('problem@v1', res.body);
    if (pointer) expect(res.body.errors?.[0]?.pointer).toBe(pointer);
  };

  /** The envelope of a query, verified with the service's public key, and its statement. */
  async function attestation(digest: string, q: string) {
    const res = await get(signed, digest, `${q}&format=openvex-dsse`);
    expect(res.status).toBe(200);
    const envelope = res.body as DsseEnvelope;
    expect(envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    const verified = await verifyEnvelope(envelope, trusted);
    expect(verified.keyIds).toEqual([KEY_ID]);
    const statement = parseStatement(verified.payload);
    expect(statement.predicateType).toBe(REACHABILITY_SLICE_PREDICATE_TYPE);
    expect(schemaIssues('reachability-slice-predicate@v1', statement.predicate)).toEqual([]);
    return {
      res,
      envelope,
      statement,
      predicate: statement.predicate as unknown as ReachabilitySlicePredicate,
    };
  }

  /** The VEX document of a query: valid OpenVEX, its body hashing to its ETag. */
  async function vexOf(digest: string, q: string) {
    const res = await raw(signed, digest, `${q}&format=openvex`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    const body = res.body as Buffer;
    expect(res.headers.etag).toBe(`"sha256:${sha256Hex(body)}"`);
    const vex = JSON.parse(body.toString('utf8'));
    expect(schemaIssues('openvex@0.2.0', vex)).toEqual([]);
    // The body is the canonical JSON: its SHA-256 is what the statement names.
    expect(body.toString('utf8')).toBe(canonicalize(vex));
    return { res, body, vex, statement: vex.statements[0] };
  }

  it('reachable: affected with the path as impact statement and an action statement', async () => {
    const { vex, statement, res } = await vexOf(demo, 'cve=CVE-2021-44906');
    expect(vex).toMatchObject({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      author: 'ReachGraph test issuer',
      timestamp: '2026-11-20T10:08:00Z',
      version: 1,
    });
    expect(statement).toMatchObject({
      vulnerability: { name: 'CVE-2021-44906' },
      status: 'affected',
      products: [
        { identifiers: { purl: expect.stringMatching(/^pkg:generic\/acme\/orders-api\?checksum=sha256:/) } },
      ],
    });
    expect(statement.impact_statement).toContain('app:src/cli.js#main → … → minimist@1.2.5#setKey (1 path)');
    expect(statement.action_statement).toContain('minimist@1.2.5#setKey');
    const { predicate, statement: st } = await attestation(demo, 'cve=CVE-2021-44906');
    expect(predicate).toMatchObject({ graphDigest: demo, verdict: 'reachable', pathCount: 1 });
    expect(predicate.sliceDigest).toBe(res.headers['x-slice-digest']);
    expect(st.subject).toEqual([
      { name: `reachgraph:${demo}`, digest: { blake3: demo.slice('blake3:'.length) } },
      { name: 'openvex.json', digest: { sha256: (res.headers.etag as string).slice('"sha256:'.length, -1) } },
    ]);
  });

  it('gated: affected, "reachable only if" the open conditions of every path', async () => {
    const { statement } = await vexOf(demo, 'cve=CVE-2021-23337');
    expect(statement.status).toBe('affected');
    expect(statement.impact_statement).toContain(
      'is reachable only if CUSTOM_REPORTS=enabled or PDF_EXPORT=enabled and os=linux',
    );
    expect(statement.impact_statement).toContain(
      'app:src/server.js#main → … → lodash@4.17.20#template (2 paths)',
    );
    expect(statement.action_statement).toContain('CUSTOM_REPORTS=enabled');
    const { predicate } = await attestation(demo, 'cve=CVE-2021-23337');
    expect(predicate.verdict).toBe('gated');
    expect(predicate.sinks.gated).toEqual(['lodash@4.17.20#template']);
    expect(predicate.witnesses.map((w) => (w as { openGuards?: string[] }).openGuards)).toEqual([
      ['CUSTOM_REPORTS=enabled'],
      ['PDF_EXPORT=enabled', 'os=linux'],
    ]);
  });

  it('not_reachable: not_affected, vulnerable_code_not_in_execute_path, naming the graph', async () => {
    for (const [digest, cve, sink] of [
      [demo, 'CVE-2020-8203', 'lodash@4.17.20#zipObjectDeep'],
      [disconnected, 'CVE-2021-23337', 'lodash:template'],
    ] as const) {
      const { statement } = await vexOf(digest, `cve=${cve}`);
      expect(statement).toMatchObject({
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
        impact_statement: `No path from an entrypoint reaches the vulnerable code of ${cve} (${sink}) in reachability graph ${digest}.`,
      });
      const { predicate } = await attestation(digest, `cve=${cve}`);
      expect([predicate.verdict, predicate.witnesses, predicate.sinks.unreachable]).toEqual([
        'not_reachable',
        [],
        [sink],
      ]);
    }
  });

  it('assumptions: settled conditions make the gated CVE reachable, contradicted ones not_reachable, and the VEX says under which', async () => {
    const enabled = await vexOf(demo, 'cve=CVE-2021-23337&assume=CUSTOM_REPORTS=enabled');
    expect(enabled.statement.status).toBe('affected');
    expect(enabled.statement.impact_statement).toContain(
      `is reachable in reachability graph ${demo} under the assumptions CUSTOM_REPORTS=enabled:`,
    );
    const reachable = await attestation(demo, 'cve=CVE-2021-23337&assume=CUSTOM_REPORTS=enabled');
    expect(reachable.predicate.verdict).toBe('reachable');
    expect(reachable.predicate.query).toEqual({
      type: 'cve',
      cve: 'CVE-2021-23337',
      assume: { CUSTOM_REPORTS: 'enabled' },
    });

    const q = `cve=CVE-2021-23337&assume=${encodeURIComponent('PDF_EXPORT=disabled,CUSTOM_REPORTS=disabled')}`;
    const disabled = await vexOf(demo, q);
    expect(disabled.statement).toMatchObject({
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impact_statement: `No path from an entrypoint reaches the vulnerable code of CVE-2021-23337 (lodash@4.17.20#template) in reachability graph ${demo} under the assumptions CUSTOM_REPORTS=disabled, PDF_EXPORT=disabled.`,
    });
    const pruned = await attestation(demo, q);
    expect(pruned.predicate.verdict).toBe('not_reachable');
    // Another spelling of the same assumptions is the same question: the same document.
    const reordered = await vexOf(
      demo,
      `cve=CVE-2021-23337&assume=${encodeURIComponent('CUSTOM_REPORTS=disabled, PDF_EXPORT=disabled')}`,
    );
    expect(reordered.body.equals(disabled.body)).toBe(true);
    // Different assumptions, different document.
    expect(enabled.body.equals(disabled.body)).toBe(false);
    problem(
      await get(signed, demo, 'cve=CVE-2021-23337&assume=A=1,A=2&format=openvex'),
      400,
      'ASSUME_INVALID',
      '/assume',
    );
  });

  it('unknown: under_investigation when the graph has no sink for the CVE', async () => {
    const { statement } = await vexOf(demo, 'cve=CVE-2099-0001');
    expect(statement.status).toBe('under_investigation');
    expect(statement.justification).toBeUndefined();
    const { predicate } = await attestation(demo, 'cve=CVE-2099-0001');
    expect([predicate.verdict, predicate.pathCount]).toEqual(['unknown', 0]);
  });

  it('deterministic: byte-identical VEX and statement across calls and across two service instances', async () => {
    // Computed every time (the caches would answer the same bytes whether or not computing is deterministic).
    const fresh = (app: Express, q: string) => raw(app, demo, q).set('Cache-Control', 'no-cache');
    const q = 'cve=CVE-2021-23337&format=openvex';
    const bodies = await Promise.all([fresh(signed, q), fresh(signed, q), fresh(signedTwin, q)]);
    expect(bodies.map((r) => r.headers['x-slice-source'])).toEqual(['computed', 'computed', 'computed']);
    expect(new Set(bodies.map((r) => (r.body as Buffer).toString('hex'))).size).toBe(1);
    const envelopes = await Promise.all(
      [signed, signedTwin].map((app) =>
        get(app, demo, 'cve=CVE-2021-23337&format=openvex-dsse').set('Cache-Control', 'no-cache'),
      ),
    );
    // Ed25519 signatures are deterministic too: the whole envelope is the same.
    expect(envelopes[0]?.body).toEqual(envelopes[1]?.body);
    // A service without a key (same author) answers the same VEX document.
    const plain = await fresh(unsigned, q);
    expect((plain.body as Buffer).equals(bodies[0]?.body as Buffer)).toBe(true);
  });

  it('keeps VEX answers in the slice caches: computed and signed once, then the same bytes from Redis, else slice_cache', async () => {
    // An assumption no other test makes: a query of its own, so its first answer is computed.
    const q = 'cve=CVE-2021-23337&assume=CACHE_TEST%3D1';
    const answer = async (app: Express, format: string, headers: Record<string, string> = {}) => {
      const res = await raw(app, demo, `${q}&format=${format}`).set(headers);
      expect(res.status).toBe(200);
      return {
        source: res.headers['x-slice-source'],
        body: (res.body as Buffer).toString('hex'),
        tags: [res.headers.etag, res.headers['x-slice-digest']],
      };
    };
    const first = await answer(signed, 'openvex-dsse');
    expect(first.source).toBe('computed');
    const again = await answer(signed, 'openvex-dsse');
    expect(again).toEqual({ ...first, source: 'redis' });
    // The other replica reads what this one kept.
    expect(await answer(signedTwin, 'openvex-dsse')).toEqual({ ...first, source: 'redis' });
    // The document and the envelope are kept apart.
    const vex = await answer(signed, 'openvex');
    expect(vex.source).toBe('computed');
    expect(vex.body).not.toBe(first.body);
    expect((await answer(signed, 'openvex')).source).toBe('redis');
    // Without Redis entries, the durable level answers and refills Redis.
    await cleanRedisPrefix(redis, suite.redisPrefix);
    expect(await answer(signed, 'openvex-dsse')).toEqual({ ...first, source: 'durable' });
    expect(await answer(signed, 'openvex-dsse')).toEqual({ ...first, source: 'redis' });
    // no-cache computes (the same bytes: Ed25519 is deterministic).
    expect(await answer(signed, 'openvex-dsse', { 'Cache-Control': 'no-cache' })).toEqual({
      ...first,
      source: 'computed',
    });
  });

  it('never serves a cached VEX answer made under another author, signing key or answer limits', async () => {
    const q = 'cve=CVE-2021-23337&assume=CACHE_TEST%3D2';
    const withRedis = (cfg: ServerConfig) => {
      cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
      cfg.vexAuthor = 'ReachGraph test issuer';
      cfg.signing.keyPem = pem(serviceKey.privateKey, 'pkcs8');
      cfg.signing.keyId = KEY_ID;
    };
    const withFormat = (format: string) => q + (format === 'json' ? '' : `&format=${format}`);
    for (const format of ['openvex', 'openvex-dsse', 'json']) {
      expect((await get(signed, demo, withFormat(format))).headers['x-slice-source']).toMatch(/^computed/);
      expect((await get(signed, demo, withFormat(format))).headers['x-slice-source']).toBe('redis');
    }
    const { app: otherAuthor } = await suite.start((cfg) => {
      withRedis(cfg);
      cfg.vexAuthor = 'Another issuer';
    });
    const vex = await get(otherAuthor, demo, `${q}&format=openvex`);
    expect([vex.headers['x-slice-source'], vex.body.author]).toEqual(['computed', 'Another issuer']);

    const { app: otherSigner } = await suite.start((cfg) => {
      withRedis(cfg);
      cfg.signing.keyPem = pem(otherKey.privateKey, 'pkcs8');
    });
    const signedByOther = await get(otherSigner, demo, `${q}&format=openvex-dsse`);
    expect(signedByOther.headers['x-slice-source']).toBe('computed');
    // The unsigned document does not depend on the key: it is shared.
    expect((await get(otherSigner, demo, `${q}&format=openvex`)).headers['x-slice-source']).toBe('redis');
    const otherTrusted = [{ keyId: KEY_ID, publicKeyPem: pem(otherKey.publicKey, 'spki') }];
    await expect(verifyEnvelope(signedByOther.body as DsseEnvelope, otherTrusted)).resolves.toBeDefined();

    const { app: fewerPaths } = await suite.start((cfg) => {
      withRedis(cfg);
      cfg.limits.sliceMaxPaths = 1;
    });
    for (const format of ['openvex', 'openvex-dsse', 'json']) {
      const res = await get(fewerPaths, demo, withFormat(format));
      expect([format, res.status, res.headers['x-slice-source']]).toEqual([
        format,
        200,
        expect.stringMatching(/^computed/),
      ]);
    }
  });

  it('a deleted graph answers 404 GRAPH_NOT_FOUND, not its cached VEX answers', async () => {
    const doc = disconnectedGraph();
    doc.artifact = { ...doc.artifact, name: 'svc.deleted-later' };
    const stored = await request(signed).post('/v1/reachgraphs').set('Authorization', A).send(doc);
    const digest = stored.body.digest as string;
    for (const format of ['openvex', 'openvex-dsse']) {
      await get(signed, digest, `cve=CVE-2021-23337&format=${format}`);
      expect(
        (await get(signed, digest, `cve=CVE-2021-23337&format=${format}`)).headers['x-slice-source'],
      ).toBe('redis');
    }
    expect((await request(signed).delete(`/v1/reachgraphs/${digest}`).set('Authorization', A)).status).toBe(
      204,
    );
    for (const app of [signed, signedTwin]) {
      for (const format of ['openvex', 'openvex-dsse']) {
        problem(await get(app, digest, `cve=CVE-2021-23337&format=${format}`), 404, 'GRAPH_NOT_FOUND');
      }
    }
  });

  it('304 when If-None-Match names the ETag', async () => {
    const first = await get(signed, demo, 'cve=CVE-2021-44906&format=openvex');
    const again = await get(signed, demo, 'cve=CVE-2021-44906&format=openvex').set(
      'If-None-Match',
      first.headers.etag as string,
    );
    expect(again.status).toBe(304);
  });

  it('a tampered envelope, or one checked with another key, fails verification', async () => {
    const { envelope, statement } = await attestation(demo, 'cve=CVE-2021-23337');
    const forged = structuredClone(statement) as unknown as { predicate: { verdict: string } };
    forged.predicate.verdict = 'not_reachable';
    const tampered = { ...envelope, payload: Buffer.from(canonicalize(forged)).toString('base64') };
    await expect(verifyEnvelope(tampered, trusted)).rejects.toMatchObject({
      code: 'DSSE_VERIFICATION_FAILED',
    });
    const sig = Buffer.from(envelope.signatures[0]?.sig ?? '', 'base64');
    sig[0] = (sig[0] as number) ^ 1;
    const flipped = { ...envelope, signatures: [{ keyid: KEY_ID, sig: sig.toString('base64') }] };
    await expect(verifyEnvelope(flipped, trusted)).rejects.toMatchObject({
      code: 'DSSE_VERIFICATION_FAILED',
    });
    await expect(
      verifyEnvelope(envelope, [{ keyId: KEY_ID, publicKeyPem: pem(otherKey.publicKey, 'spki') }]),
    ).rejects.toMatchObject({ code: 'DSSE_VERIFICATION_FAILED' });
  });

  it('replayable: the replayed graph has the digest the predicate names, and its slice the sliceDigest', async () => {
    const { predicate } = await attestation(demo, 'cve=CVE-2021-23337');
    const replay = await request(signed)
      .post('/v1/reachgraphs/replay')
      .set('Authorization', A)
      .send({ expectedDigest: predicate.graphDigest, inputs: ordersApiInputs() });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ match: true, computedDigest: predicate.graphDigest });
    // The inputs the predicate names are the ones the replay rebuilt from.
    expect(replay.body.inputs).toEqual(predicate.inputs);
    // A verifier's own rebuild and slice, with the query and limits the predicate records.
    const rebuilt = builtGraph();
    const graph = createGraph(rebuilt, { digest: predicate.graphDigest });
    const slice = sliceGraph(graph, predicate.query, predicate.limits);
    expect(await blake3Canonical(slice)).toBe(predicate.sliceDigest);
    expect(slice.paths?.slice(0, 20)).toEqual(predicate.witnesses);
  });

  it('400 FORMAT_INVALID: an unknown or repeated format, a non-CVE slice, paging parameters', async () => {
    problem(await get(signed, demo, 'cve=CVE-2021-23337&format=csaf'), 400, 'FORMAT_INVALID', '/format');
    problem(
      await get(signed, demo, 'cve=CVE-2021-23337&format=openvex&format=openvex'),
      400,
      'FORMAT_INVALID',
      '/format',
    );
    problem(
      await get(signed, demo, `q=${encodeURIComponent('pkg:npm/lodash@*')}&format=openvex`),
      400,
      'FORMAT_INVALID',
      '/format',
    );
    problem(await get(signed, demo, 'file=src/**&format=openvex-dsse'), 400, 'FORMAT_INVALID', '/format');
    problem(
      await get(signed, demo, 'cve=CVE-2021-23337&format=openvex&limit=1'),
      400,
      'FORMAT_INVALID',
      '/limit',
    );
    problem(
      await get(signed, demo, 'cve=CVE-2021-23337&format=openvex&cursor=x'),
      400,
      'FORMAT_INVALID',
      '/cursor',
    );
    // The slice's own checks still apply.
    problem(await get(signed, demo, 'cve=not-a-cve&format=openvex'), 400, 'CVE_INVALID');
    // format=json is the slice itself.
    const json = await get(signed, demo, 'cve=CVE-2021-23337&format=json');
    expect(json.status).toBe(200);
    validate('slice-response@v1', json.body);
  });

  it('409 SIGNING_KEY_NOT_CONFIGURED for the envelope of a service without a signing key', async () => {
    problem(
      await get(unsigned, demo, 'cve=CVE-2021-23337&format=openvex-dsse'),
      409,
      'SIGNING_KEY_NOT_CONFIGURED',
    );
  });

  it('404 GRAPH_NOT_FOUND for a missing graph and for another tenant’s graph', async () => {
    problem(
      await get(signed, `blake3:${'0'.repeat(64)}`, 'cve=CVE-2021-23337&format=openvex'),
      404,
      'GRAPH_NOT_FOUND',
    );
    problem(await get(signed, demo, 'cve=CVE-2021-23337&format=openvex', B), 404, 'GRAPH_NOT_FOUND');
    problem(await get(signed, demo, 'cve=CVE-2021-23337&format=openvex-dsse', B), 404, 'GRAPH_NOT_FOUND');
  });
});
