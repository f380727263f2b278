import { gzipSync } from 'node:zlib';
import { zstdCompress } from '@stella-ops/cas';
import { canonicalize, type DsseEnvelope, sha256, verifyEnvelope } from '@stella-ops/core';
import request from 'supertest';
import { MANIFEST_PAYLOAD_TYPE, manifestPayload } from '../src/signing/manifest-signing.js';
import { callgraphRecords, HEADER, ndjson } from './fixtures.js';
import { type Harness, OTHER_TENANT, startHarness } from './harness.js';
import { opensslVerifies } from './openssl.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

async function upload(body: string | Buffer, headers: Record<string, string> = {}, tenant?: string) {
  let req = request(h.app)
    .post('/signals/callgraphs')
    .set('Authorization', await h.auth('scanner-worker', tenant ? { tenant } : {}))
    .set('Content-Type', 'application/x-ndjson');
  for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
  return req.send(body);
}

async function read(path: string, principal = 'policy-engine', tenant?: string) {
  return request(h.app)
    .get(path)
    .set('Authorization', await h.auth(principal, tenant ? { tenant } : {}))
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
      res.on('error', (e) => cb(e, null));
    });
}

const canonicalNdjson = (records: unknown[]) => `${records.map((r) => canonicalize(r)).join('\n')}\n`;

describe('POST /signals/callgraphs', () => {
  it('stores the graph, signs the manifest and answers 201 with Location', async () => {
    const records = callgraphRecords(5);
    const res = await upload(ndjson(records));
    expect(res.status).toBe(201);
    const m = res.body;
    expect(res.headers['location']).toBe(`/signals/callgraphs/${m.graphId}`);
    expect(m).toMatchObject({
      digest: sha256(canonicalNdjson(records)),
      language: 'javascript',
      source: 'stella-callgraph-node',
      tenantId: 'tenant-a',
      componentPurl: 'pkg:npm/%40acme/backend@1.2.3',
      entryPoints: ['src/index.js', 'n0'],
      nodeCount: 5,
      edgeCount: 4,
      signerKeyId: 'signals-test-2025',
    });
    expect(m.graphId).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(m.signature).toEqual(expect.any(String));
    expect(m.rekorUuid).toBeUndefined();
    expect(res.headers['server-timing']).toMatch(/validate;dur=/);

    // Exactly the contract's layout in the bucket.
    const keys = [
      `callgraphs/tenant-a/${m.graphId}.ndjson.zst`,
      `callgraphs/tenant-a/${m.graphId}.meta.json`,
      `manifests/${m.graphId}.json`,
      `manifests/${m.graphId}.json.dsse`,
    ];
    for (const key of keys) expect(await h.ctx.blobs.head(key)).not.toBeNull();
    const meta = JSON.parse((await h.ctx.blobs.getBytes(keys[1] as string)).toString());
    expect(meta).toMatchObject({ graphId: m.graphId, digest: m.digest, nodeCount: 5 });
  });

  it('signs a manifest anyone can verify offline (verifyEnvelope with the published key, and openssl)', async () => {
    const res = await upload(ndjson(callgraphRecords(3)));
    const got = await read(`/signals/callgraphs/${res.body.graphId}/manifest`);
    expect(got.status).toBe(200);
    const { manifest, envelope } = JSON.parse(got.body.toString()) as {
      manifest: typeof res.body;
      envelope: DsseEnvelope;
    };
    expect(manifest).toEqual(res.body);
    const keys = await request(h.app).get('/signals/keys');
    expect(keys.status).toBe(200);
    const key = keys.body.keys.find((k: { keyId: string }) => k.keyId === manifest.signerKeyId);
    expect(key).toMatchObject({
      algorithm: 'ECDSA-P256-SHA256',
      current: true,
      jwk: { kty: 'EC', crv: 'P-256' },
    });
    const verified = await verifyEnvelope(envelope, [{ keyId: key.keyId, publicKeyPem: key.publicKeyPem }]);
    expect(verified.payloadType).toBe(MANIFEST_PAYLOAD_TYPE);
    expect(Buffer.from(verified.payload)).toEqual(manifestPayload(manifest));
    expect(envelope.signatures[0]?.sig).toBe(manifest.signature);
    expect(opensslVerifies(envelope, key.publicKeyPem)).toBe(true);
  });

  it('accepts gzip and zstd Content-Encoding and stores the same canonical bytes', async () => {
    const text = ndjson(callgraphRecords(6));
    const plain = await upload(text);
    const gz = await upload(gzipSync(Buffer.from(text)), { 'Content-Encoding': 'gzip' });
    const zst = await upload(zstdCompress(Buffer.from(text)), { 'Content-Encoding': 'zstd' });
    expect([plain.status, gz.status, zst.status]).toEqual([201, 201, 201]);
    expect(new Set([plain.body.digest, gz.body.digest, zst.body.digest]).size).toBe(1);
    expect(new Set([plain.body.graphId, gz.body.graphId, zst.body.graphId]).size).toBe(3);
  });

  it('hashes the canonical form: key order and spacing do not change the digest', async () => {
    const records = callgraphRecords(3);
    const shuffled = records.map((r) => Object.fromEntries(Object.entries(r).reverse()));
    const a = await upload(ndjson(records));
    const b = await upload(records.map((r) => JSON.stringify(r, null, 0).replace(/,/g, ', ')).join('\n'));
    const c = await upload(ndjson(shuffled));
    expect(b.body.digest).toBe(a.body.digest);
    expect(c.body.digest).toBe(a.body.digest);
  });

  // line 0: the problem names no line.
  const bad: [string, string | Buffer, number, string, number][] = [
    [
      'malformed NDJSON (line number)',
      `${JSON.stringify(HEADER)}\n{"type":"node","id":"a"}\n{oops\n`,
      400,
      'NDJSON_INVALID',
      3,
    ],
    ['an empty upload', '', 422, 'CALLGRAPH_EMPTY', 0],
    ['no header first', ndjson([{ type: 'node', id: 'a' }, HEADER]), 422, 'CALLGRAPH_HEADER_MISSING', 1],
    [
      'two headers',
      ndjson([HEADER, { type: 'node', id: 'a' }, HEADER]),
      422,
      'CALLGRAPH_HEADER_DUPLICATE',
      3,
    ],
    ['an unknown language (§10.3)', ndjson([{ ...HEADER, language: 'cobol' }]), 422, 'LANGUAGE_UNKNOWN', 1],
    [
      'a component purl without pkg: (§10.5)',
      ndjson([{ ...HEADER, componentPurl: 'npm:left-pad' }]),
      422,
      'SCHEMA_INVALID',
      1,
    ],
    [
      'an incomplete component purl (§10.5)',
      ndjson([{ ...HEADER, componentPurl: 'pkg:npm/' }]),
      422,
      'PURL_INVALID',
      1,
    ],
    [
      'a purl the parser rejects (§10.5)',
      ndjson([{ ...HEADER, componentPurl: 'pkg:maven/only-name@1' }]),
      422,
      'PURL_INVALID',
      1,
    ],
    [
      'a node purl the parser rejects',
      ndjson([HEADER, { type: 'node', id: 'a', purl: 'pkg:maven/x@1' }]),
      422,
      'PURL_INVALID',
      2,
    ],
    [
      'a duplicate node id',
      ndjson([HEADER, { type: 'node', id: 'a' }, { type: 'node', id: 'a' }]),
      422,
      'NODE_ID_DUPLICATE',
      3,
    ],
    [
      'an edge to an undeclared node',
      ndjson([HEADER, { type: 'node', id: 'a' }, { type: 'edge', from: 'a', to: 'zz' }]),
      422,
      'EDGE_NODE_UNKNOWN',
      3,
    ],
    [
      'a record that breaks the schema',
      ndjson([HEADER, { type: 'node', id: 'a', line: -1 }]),
      422,
      'SCHEMA_INVALID',
      2,
    ],
    ['an unknown record type', ndjson([HEADER, { type: 'vertex', id: 'a' }]), 422, 'SCHEMA_INVALID', 2],
  ];
  it.each(bad)('rejects %s', async (_name, body, status, code, line) => {
    const res = await upload(body);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe(code);
    if (line > 0) expect(res.body.errors?.[0]?.line).toBe(line);
  });

  it.each([
    ['a node id', [HEADER, { type: 'node', id: 'src/a\u0000.js#f' }], '/id'],
    ['an entry point', [{ ...HEADER, entryPoints: ['src/\u0000.js'] }], '/entryPoints/0'],
    ['the source', [{ ...HEADER, source: 'scanner\u0000' }], '/source'],
  ])(
    'rejects a NUL in %s (it would be indexed as text) with 422 SCHEMA_INVALID, storing nothing',
    async (_what, records, pointer) => {
      const before = await h.ctx.pool.query<{ n: string }>('select count(*) as n from signals.callgraphs');
      const res = await upload(ndjson(records));
      expect([res.status, res.body.code]).toEqual([422, 'SCHEMA_INVALID']);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      const after = await h.ctx.pool.query<{ n: string }>('select count(*) as n from signals.callgraphs');
      expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    },
  );

  it('keeps a NUL in a symbol or file (not indexed) and lists the graph by purl', async () => {
    const res = await upload(
      ndjson([HEADER, { type: 'node', id: 'src/index.js', symbol: 'f\u0000', file: 'a\u0000' }]),
    );
    expect(res.status).toBe(201);
    const listed = await read(`/signals/callgraphs/by-purl/${encodeURIComponent(HEADER.componentPurl)}`);
    const items = JSON.parse(listed.body.toString()) as { items: { graphId: string }[] };
    expect(items.items.map((m) => m.graphId)).toContain(res.body.graphId);
  });

  it('names only the failing record kind in schema errors', async () => {
    const res = await upload(ndjson([HEADER, { type: 'node', id: 'a', line: -1, colour: 'red' }]));
    expect(res.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/colour', '/line']);
  });

  it('refuses bodies over the limit (413) and unsupported content types (415)', async () => {
    const big = `${JSON.stringify(HEADER)}\n${'{"type":"node","id":"x"}\n'.repeat(10)}`;
    const small = await startLimits();
    const res = await request(small.app)
      .post('/signals/callgraphs')
      .set('Authorization', await h.auth('scanner-worker'))
      .set('Content-Type', 'application/x-ndjson')
      .set('Content-Encoding', 'gzip')
      .send(gzipSync(Buffer.from(big.repeat(200))));
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    const json = await request(h.app)
      .post('/signals/callgraphs')
      .set('Authorization', await h.auth('scanner-worker'))
      .set('Content-Type', 'text/plain')
      .send('x');
    expect(json.status).toBe(415);
  });

  it('leaves nothing behind when validation fails (no index row, no blob)', async () => {
    const before = await h.ctx.db
      .selectFrom('callgraphs')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    await upload(ndjson([HEADER, { type: 'edge', from: 'a', to: 'b' }]));
    const after = await h.ctx.db
      .selectFrom('callgraphs')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(after?.n).toBe(before?.n);
  });
});

/** The same app with a 4 KiB upload limit. */
async function startLimits() {
  const { createApp } = await import('../src/app.js');
  const { createMetricsRegistry } = await import('@stella-ops/service-kit');
  const cfg = { ...h.cfg, limits: { ...h.cfg.limits, maxCallgraphBytes: 4096 } };
  return { app: createApp({ ...h.ctx, cfg, registry: createMetricsRegistry(false) }) };
}

describe('GET /signals/callgraphs/{graphId} and by-digest', () => {
  it('streams exactly the bytes whose digest the manifest names', async () => {
    const records = callgraphRecords(8);
    const { body: m } = await upload(ndjson(records));
    const res = await read(`/signals/callgraphs/${m.graphId}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.body.toString()).toBe(canonicalNdjson(records));
    expect(sha256(res.body)).toBe(m.digest);
    expect(res.headers['x-content-digest']).toBe(m.digest);

    const byDigest = await read(`/signals/callgraphs/by-digest/${m.digest}`, 'reachgraph-service');
    expect(byDigest.status).toBe(200);
    expect(sha256(byDigest.body)).toBe(m.digest);
  });

  it('answers 400 ULID_INVALID for a bad graph id and 400 DIGEST_INVALID for a bad digest', async () => {
    const a = await read('/signals/callgraphs/not-a-ulid');
    expect([a.status, JSON.parse(a.body.toString()).code]).toEqual([400, 'ULID_INVALID']);
    const lower = await read('/signals/callgraphs/01hwxyz123456789abcdefghjk/manifest');
    expect([lower.status, JSON.parse(lower.body.toString()).code]).toEqual([400, 'ULID_INVALID']);
    const b = await read('/signals/callgraphs/by-digest/sha256:XYZ');
    expect([b.status, JSON.parse(b.body.toString()).code]).toEqual([400, 'DIGEST_INVALID']);
    const c = await read(`/signals/callgraphs/by-digest/md5:${'a'.repeat(32)}`);
    expect(JSON.parse(c.body.toString()).code).toBe('DIGEST_INVALID');
  });

  it("answers another tenant's graph exactly like a missing one (404, no existence leak)", async () => {
    const { body: m } = await upload(ndjson(callgraphRecords(2)));
    const missing = await read(
      '/signals/callgraphs/01HWXYZ123456789ABCDEFGHJK',
      'policy-engine',
      OTHER_TENANT,
    );
    for (const path of [
      `/signals/callgraphs/${m.graphId}`,
      `/signals/callgraphs/${m.graphId}/manifest`,
      `/signals/callgraphs/by-digest/${m.digest}`,
    ]) {
      const res = await read(path, 'policy-engine', OTHER_TENANT);
      expect(res.status).toBe(404);
      const body = JSON.parse(res.body.toString());
      expect(body.code).toBe('CALLGRAPH_NOT_FOUND');
      expect(Object.keys(body).sort()).toEqual(Object.keys(JSON.parse(missing.body.toString())).sort());
    }
  });
});

describe('GET /signals/callgraphs/by-purl/{purl}', () => {
  beforeAll(async () => {
    for (const v of ['1.0.0', '1.1.0', '2.0.0']) {
      await upload(ndjson(callgraphRecords(2, { componentPurl: `pkg:npm/left-pad@${v}` })));
    }
    await upload(ndjson(callgraphRecords(2, { componentPurl: 'pkg:npm/right-pad@1.0.0' })));
    await upload(ndjson(callgraphRecords(2, { componentPurl: 'pkg:npm/left-pad@1.0.0' })), {}, OTHER_TENANT);
  });

  const list = async (purl: string, query = '') =>
    request(h.app)
      .get(`/signals/callgraphs/by-purl/${encodeURIComponent(purl)}${query}`)
      .set('Authorization', await h.auth('audit-service'));

  it('matches a versioned purl exactly and a versionless purl across versions', async () => {
    const one = await list('pkg:npm/left-pad@1.1.0');
    expect(one.status).toBe(200);
    expect(one.body.items.map((m: { componentPurl: string }) => m.componentPurl)).toEqual([
      'pkg:npm/left-pad@1.1.0',
    ]);
    const all = await list('pkg:npm/left-pad');
    expect(all.body.items.map((m: { componentPurl: string }) => m.componentPurl)).toEqual([
      'pkg:npm/left-pad@1.0.0',
      'pkg:npm/left-pad@1.1.0',
      'pkg:npm/left-pad@2.0.0',
    ]);
    const wildcard = await list('pkg:npm/left-pad@1.*');
    expect(wildcard.body.items).toHaveLength(2);
    const normalized = await list('pkg:NPM/left-pad@2.0.0');
    expect(normalized.body.items).toHaveLength(1);
  });

  it('pages with a cursor', async () => {
    const first = await list('pkg:npm/left-pad', '?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list('pkg:npm/left-pad', `?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
    expect(second.body.items[0].graphId > first.body.items[1].graphId).toBe(true);
  });

  it('accepts an unencoded purl path too', async () => {
    const res = await request(h.app)
      .get('/signals/callgraphs/by-purl/pkg:npm/left-pad@2.0.0')
      .set('Authorization', await h.auth('audit-service'));
    expect(res.body.items).toHaveLength(1);
  });

  it('answers 400 PURL_INVALID for a bad purl and QUERY_INVALID / CURSOR_INVALID for bad paging', async () => {
    expect((await list('not-a-purl')).body.code).toBe('PURL_INVALID');
    expect((await list('pkg:maven/only-name')).status).toBe(400);
    expect((await list('pkg:npm/left-pad', '?limit=0')).body.code).toBe('QUERY_INVALID');
    expect((await list('pkg:npm/left-pad', '?cursor=zzz')).body.code).toBe('CURSOR_INVALID');
  });
});

describe('tampered storage (§10.7)', () => {
  async function tamper(key: string, edit: (text: string) => string) {
    const bytes = await h.ctx.blobs.getBytes(key);
    // An attacker with write access to the bucket: content and recorded digest both replaced.
    await h.ctx.blobs.put(key, Buffer.from(edit(bytes.toString())));
  }

  it('answers 502 SIGNATURE_INVALID for a manifest envelope signed by another key', async () => {
    const { body: m } = await upload(ndjson(callgraphRecords(2)));
    await tamper(`manifests/${m.graphId}.json.dsse`, (t) => {
      const env = JSON.parse(t) as DsseEnvelope;
      const sig = Buffer.from(env.signatures[0]?.sig ?? '', 'base64');
      sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 0xff;
      return JSON.stringify({ ...env, signatures: [{ ...env.signatures[0], sig: sig.toString('base64') }] });
    });
    const res = await read(`/signals/callgraphs/${m.graphId}/manifest`);
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body.toString()).code).toBe('SIGNATURE_INVALID');
  });

  it('answers 502 ENVELOPE_INVALID for a stored envelope that is not DSSE', async () => {
    const { body: m } = await upload(ndjson(callgraphRecords(2)));
    await tamper(`manifests/${m.graphId}.json.dsse`, () => '{"payload":"!!","signatures":[]}');
    const res = await read(`/signals/callgraphs/${m.graphId}/manifest`);
    expect([res.status, JSON.parse(res.body.toString()).code]).toEqual([502, 'ENVELOPE_INVALID']);
  });

  it('answers 502 MANIFEST_INTEGRITY_FAILED for an edited manifest', async () => {
    const { body: m } = await upload(ndjson(callgraphRecords(2)));
    await tamper(`manifests/${m.graphId}.json`, (t) => JSON.stringify({ ...JSON.parse(t), nodeCount: 999 }));
    const res = await read(`/signals/callgraphs/${m.graphId}/manifest`);
    expect([res.status, JSON.parse(res.body.toString()).code]).toEqual([502, 'MANIFEST_INTEGRITY_FAILED']);
  });

  it('answers 502 BLOB_INTEGRITY_FAILED for a call graph whose bytes no longer match the index digest', async () => {
    const { body: m } = await upload(ndjson(callgraphRecords(2)));
    await tamper(`callgraphs/tenant-a/${m.graphId}.ndjson.zst`, (t) => t.replace('fn0', 'evil'));
    const res = await read(`/signals/callgraphs/${m.graphId}`);
    expect([res.status, JSON.parse(res.body.toString()).code]).toEqual([502, 'BLOB_INTEGRITY_FAILED']);
    expect(res.body.toString()).not.toContain('evil');
  });

  it('answers 502 BLOB_MISSING when the index names a blob the store lost', async () => {
    const { body: m } = await upload(ndjson(callgraphRecords(2)));
    await h.ctx.blobs.delete(`manifests/${m.graphId}.json`);
    const res = await read(`/signals/callgraphs/${m.graphId}/manifest`);
    expect([res.status, JSON.parse(res.body.toString()).code]).toEqual([502, 'BLOB_MISSING']);
  });
});
