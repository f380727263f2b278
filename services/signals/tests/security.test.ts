import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listen, type RunningServer } from '@stella-ops/service-kit';
import { leaksIn, rawRequest, SQL_INJECTION } from '@stella-ops/testkit';
import fc from 'fast-check';
import { importPKCS8, SignJWT } from 'jose';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { AUDIENCE, type Harness, ISSUER, OTHER_TENANT, startHarness, TENANT } from './harness.js';

/**
 * Issue 10 §3 for Signals, against the real servers: tenant isolation on every read path, JWT
 * validation, the §3.2 table, SQL injection, security headers, and tampering with stored bytes.
 */

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });

let h: Harness;
let server: RunningServer;
let graphId: string;
let digest: string;
let batchId: string;
let provenanceHash: string;
const MISSING_ULID = '01JFA6T1Y5V7Q0J8B7C9D3E4F5';
const MISSING_SHA = `sha256:${'e'.repeat(64)}`;

type Claims = Record<string, unknown>;
/** A token signed by the configured key unless told otherwise. */
async function jwt(
  claims: Claims = {},
  opts: { iss?: string; aud?: string; exp?: number; nbf?: number; kid?: string; key?: KeyObject } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let t = new SignJWT({ principal: 'policy-engine', tenant: TENANT, scope: 'signals:read', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setSubject('svc:test')
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 600);
  if (opts.nbf !== undefined) t = t.setNotBefore(opts.nbf);
  return t.sign(await importPKCS8(pem(opts.key ?? jwtKey.privateKey, 'pkcs8'), 'ES256'));
}
const auth = async (claims: Claims = {}) => `Bearer ${await jwt(claims)}`;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

async function get(path: string, authorization?: string) {
  return rawRequest(server.port, 'GET', path, authorization ? { Authorization: authorization } : {});
}

/** The answer with the ids of the request replaced, so answers for different ids compare. */
function normalised(res: { status: number; headers: Record<string, unknown>; text: string }, ids: string[]) {
  let text = res.text;
  for (const id of ids) text = text.split(id).join('<id>').split(encodeURIComponent(id)).join('<id>');
  return { status: res.status, type: res.headers['content-type'], length: text.length, text };
}

beforeAll(async () => {
  h = await startHarness({
    settings: { Auth: { PublicKeys: [{ Kid: 'k1', Pem: pem(jwtKey.publicKey, 'spki') }] } },
  });
  server = await listen(h.app, 0);
  const g = await rawRequest(
    server.port,
    'POST',
    '/signals/callgraphs',
    {
      Authorization: await auth({ principal: 'scanner-worker', scope: 'signals:write' }),
      'Content-Type': 'application/x-ndjson',
    },
    Buffer.from(ndjson(callgraphRecords(3))),
  );
  ({ graphId, digest } = g.body as { graphId: string; digest: string });
  const b = await rawRequest(
    server.port,
    'POST',
    `/signals/runtime-facts?callgraphId=${graphId}&source=agent`,
    {
      Authorization: await auth({ principal: 'runtime-agent', scope: 'signals:write' }),
      'Content-Type': 'application/x-ndjson',
    },
    Buffer.from(ndjson([fact(1), fact(2)])),
  );
  ({ batchId, provenanceHash } = (
    b.body as { provenance: { batchId: string; provenanceHash: string } }
  ).provenance);
});

afterAll(async () => {
  await server?.close(0);
  await h?.stop();
});

describe('tenant isolation (issue 10 §3)', () => {
  /** Each read path: tenant A's resource and a resource that exists nowhere, same shape. */
  const paths = () =>
    [
      ['call graph by id', `/signals/callgraphs/${graphId}`, `/signals/callgraphs/${MISSING_ULID}`],
      ['manifest', `/signals/callgraphs/${graphId}/manifest`, `/signals/callgraphs/${MISSING_ULID}/manifest`],
      [
        'call graph by digest',
        `/signals/callgraphs/by-digest/${digest}`,
        `/signals/callgraphs/by-digest/${MISSING_SHA}`,
      ],
      [
        'call graphs by purl',
        `/signals/callgraphs/by-purl/${encodeURIComponent('pkg:npm/@acme/backend')}`,
        `/signals/callgraphs/by-purl/${encodeURIComponent('pkg:npm/@nobody/nothing')}`,
      ],
      ['batch by id', `/signals/runtime-facts/${batchId}`, `/signals/runtime-facts/${MISSING_ULID}`],
      [
        'batch by hash',
        `/signals/runtime-facts/by-hash/${provenanceHash}`,
        `/signals/runtime-facts/by-hash/${MISSING_SHA}`,
      ],
      [
        'provenance',
        `/signals/runtime-facts/${batchId}/provenance`,
        `/signals/runtime-facts/${MISSING_ULID}/provenance`,
      ],
      [
        'feed of a graph',
        `/signals/runtime-facts/ndjson?callgraph_id=${graphId}`,
        `/signals/runtime-facts/ndjson?callgraph_id=${MISSING_ULID}`,
      ],
      [
        'feed naming the tenant',
        `/signals/runtime-facts/ndjson?tenant=${TENANT}`,
        '/signals/runtime-facts/ndjson?tenant=nobody',
      ],
    ] as const;

  it.each(paths().map(([name]) => [name]))(
    '%s: tenant B gets byte for byte what it gets for something that does not exist',
    async (name) => {
      const [, theirs, missing] = paths().find(([n]) => n === name) as readonly [string, string, string];
      const b = await auth({ tenant: OTHER_TENANT });
      const ids = [graphId, digest, batchId, provenanceHash, MISSING_ULID, MISSING_SHA, TENANT, 'nobody'];
      const foreign = await get(theirs, b);
      const absent = await get(missing, b);
      expect(normalised(foreign, ids)).toEqual(normalised(absent, ids));
      expect(foreign.text).not.toContain('fn0');
      // …while tenant A does see it (so the comparison is not between two failures of the test).
      const own = await get(theirs, await auth());
      expect(own.status).toBe(200);
      expect(own.text).not.toBe(foreign.text);
    },
  );

  it("tenant B cannot report facts against tenant A's call graph: the same 404 as for a missing graph", async () => {
    const agentB = await auth({ tenant: OTHER_TENANT, principal: 'runtime-agent', scope: 'signals:write' });
    const post = (id: string) =>
      rawRequest(
        server.port,
        'POST',
        `/signals/runtime-facts?callgraphId=${id}&source=x`,
        { Authorization: agentB, 'Content-Type': 'application/x-ndjson' },
        Buffer.from(ndjson([fact(3)])),
      );
    expect(normalised(await post(graphId), [graphId, MISSING_ULID])).toEqual(
      normalised(await post(MISSING_ULID), [graphId, MISSING_ULID]),
    );
    expect((await post(graphId)).status).toBe(404);
  });

  it("tenant B's feed is empty and its by-purl list never names tenant A's graphs", async () => {
    const b = await auth({ tenant: OTHER_TENANT });
    const feed = await get('/signals/runtime-facts/ndjson', b);
    expect([feed.status, feed.text]).toEqual([200, '']);
    const list = await get(
      `/signals/callgraphs/by-purl/${encodeURIComponent('pkg:npm/@acme/backend@1.2.3')}`,
      b,
    );
    expect(list.body).toEqual({ items: [] });
  });

  it('metrics carry tenant ids only as contract §8.1 labels: no graph ids, digests, batch ids or purls', async () => {
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    for (const secret of [graphId, digest, batchId, provenanceHash, 'acme', 'fn0']) {
      expect(metrics.text).not.toContain(secret);
    }
    const tenantLabels = [...metrics.text.matchAll(/tenant="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(tenantLabels)).toEqual(new Set([TENANT]));
  });
});

describe('JWT validation (issue 10 §3)', () => {
  const routes = () =>
    [
      ['POST', '/signals/callgraphs'],
      ['POST', `/signals/runtime-facts?callgraphId=${graphId}&source=a`],
      ['GET', `/signals/callgraphs/${graphId}`],
      ['GET', `/signals/callgraphs/${graphId}/manifest`],
      ['GET', '/signals/callgraphs/by-purl/pkg%3Anpm%2Fleft-pad'],
      ['GET', `/signals/callgraphs/by-digest/${digest}`],
      ['GET', `/signals/runtime-facts/${batchId}`],
      ['GET', `/signals/runtime-facts/by-hash/${provenanceHash}`],
      ['GET', `/signals/runtime-facts/${batchId}/provenance`],
      ['GET', '/signals/runtime-facts/ndjson'],
      ['POST', '/signals/verify'],
    ] as const;

  const now = () => Math.floor(Date.now() / 1000);
  const bad: [string, () => Promise<string>][] = [
    ['wrong issuer', () => jwt({}, { iss: 'https://evil.test' })],
    ['wrong audience', () => jwt({}, { aud: 'stella-reachgraph' })],
    ['expired (past the 30 s tolerance)', () => jwt({}, { exp: now() - 120 })],
    ['not yet valid', () => jwt({}, { nbf: now() + 3600 })],
    [
      'alg none',
      async () =>
        `${b64({ alg: 'none', kid: 'k1' })}.${b64({ principal: 'policy-engine', tenant: TENANT, scope: 'signals:read', iss: ISSUER, aud: AUDIENCE, sub: 's', exp: now() + 600 })}.`,
    ],
    ['unknown kid', () => jwt({}, { kid: 'k9' })],
    [
      'signed by another EC key under the known kid',
      () => jwt({}, { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }),
    ],
    [
      'wrong key type: HS256 with the public key as the HMAC secret',
      async () => {
        const input = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64({ principal: 'policy-engine', tenant: TENANT, scope: 'signals:read', iss: ISSUER, aud: AUDIENCE, sub: 's', exp: now() + 600 })}`;
        const sig = createHmac('sha256', pem(jwtKey.publicKey, 'spki')).update(input).digest('base64url');
        return `${input}.${sig}`;
      },
    ],
    [
      'wrong key type: RS256 under the EC kid',
      async () => {
        const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return new SignJWT({ principal: 'policy-engine', tenant: TENANT, scope: 'signals:read' })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('s')
          .setExpirationTime('10m')
          .sign(rsa.privateKey);
      },
    ],
    [
      'payload changed after signing (tenant swapped)',
      async () => {
        const [head, , sig] = (await jwt()).split('.');
        return `${head}.${b64({ principal: 'policy-engine', tenant: OTHER_TENANT, scope: 'signals:read', iss: ISSUER, aud: AUDIENCE, sub: 's', exp: now() + 600 })}.${sig}`;
      },
    ],
    [
      'no exp',
      () =>
        new SignJWT({ principal: 'policy-engine', tenant: TENANT, scope: 'signals:read' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('s')
          .sign(jwtKey.privateKey),
    ],
    ['no tenant claim', () => jwt({ tenant: undefined })],
    ['no principal claim', () => jwt({ principal: '' })],
  ];

  it.each(bad.map(([name]) => [name]))('%s: 401 UNAUTHORIZED problem on every route', async (name) => {
    const token = await (bad.find(([n]) => n === name) as [string, () => Promise<string>])[1]();
    for (const [method, path] of routes()) {
      const res = await rawRequest(
        server.port,
        method,
        path,
        { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        method === 'POST' ? Buffer.from('{}') : undefined,
      );
      expect([method, path, res.status, (res.body as { code?: string }).code]).toEqual([
        method,
        path,
        401,
        'UNAUTHORIZED',
      ]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('a valid token with every scope but a principal outside §3.2 is 403 on every route', async () => {
    const token = await auth({ principal: 'web-console', scope: 'signals:read signals:write signals:admin' });
    for (const [method, path] of routes()) {
      const res = await rawRequest(
        server.port,
        method,
        path,
        { Authorization: token, 'Content-Type': 'application/json' },
        method === 'POST' ? Buffer.from('{}') : undefined,
      );
      expect([path, res.status, (res.body as { code?: string }).code]).toEqual([path, 403, 'FORBIDDEN']);
    }
  });
});

describe('SQL injection (issue 10 §3)', () => {
  it('through purls, cursors, feed parameters and source: no 5xx, and the answer of a harmless value', async () => {
    const reader = await auth();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SQL_INJECTION), async (evil) => {
        const e = encodeURIComponent(evil);
        const purl = await get(
          `/signals/callgraphs/by-purl/${encodeURIComponent(`pkg:npm/${evil}`)}`,
          reader,
        );
        const harmless = await get(
          `/signals/callgraphs/by-purl/${encodeURIComponent('pkg:npm/zzz-nothing')}`,
          reader,
        );
        expect(purl.status).toBeLessThan(500);
        // A LIKE wildcard must not widen a purl match to other packages.
        if (purl.status === 200) expect(purl.body).toEqual(harmless.body);
        for (const path of [
          `/signals/callgraphs/by-purl/pkg%3Anpm%2Fleft-pad?cursor=${e}`,
          `/signals/runtime-facts/ndjson?cursor=${e}`,
          `/signals/runtime-facts/ndjson?since=${e}`,
          `/signals/runtime-facts/ndjson?callgraph_id=${e}`,
          `/signals/callgraphs/${e}`,
          `/signals/callgraphs/by-digest/${e}`,
        ]) {
          const res = await get(path, reader);
          expect([path, res.status]).toEqual([path, 400]);
          expect(leaksIn(JSON.stringify({ ...(res.body as object), detail: '', instance: '' }))).toEqual([]);
        }
        // In the token: a tenant claim is looked up, never spliced into SQL.
        const tenantClaim = await get(`/signals/callgraphs/${graphId}`, await auth({ tenant: evil }));
        expect([tenantClaim.status, (tenantClaim.body as { code?: string }).code]).toEqual([
          403,
          'TENANT_UNKNOWN',
        ]);
      }),
      { numRuns: SQL_INJECTION.length * 2 },
    );
  });

  it('stores a hostile source verbatim and reads it back', async () => {
    const source = "agent'); DROP TABLE signals.callgraphs; --";
    const res = await rawRequest(
      server.port,
      'POST',
      `/signals/runtime-facts?callgraphId=${graphId}&source=${encodeURIComponent(source)}`,
      {
        Authorization: await auth({ principal: 'runtime-agent', scope: 'signals:write' }),
        'Content-Type': 'application/x-ndjson',
      },
      Buffer.from(ndjson([fact(9)])),
    );
    expect(res.status).toBe(201);
    const id = (res.body as { provenance: { batchId: string } }).provenance.batchId;
    const prov = await get(`/signals/runtime-facts/${id}/provenance`, await auth());
    expect((prov.body as { provenance: { source: string } }).provenance.source).toBe(source);
    expect((await get(`/signals/callgraphs/${graphId}`, await auth())).status).toBe(200);
  });
});

describe('security headers and limits (issue 10 §3)', () => {
  it('sends helmet headers and no X-Powered-By on successes, errors, 404s and public routes', async () => {
    const reader = await auth();
    for (const [path, a] of [
      [`/signals/callgraphs/${graphId}`, reader],
      [`/signals/callgraphs/${MISSING_ULID}`, reader],
      ['/signals/callgraphs/not-a-ulid', reader],
      ['/signals/nothing-here', reader],
      ['/signals/callgraphs', undefined],
      ['/signals/keys', undefined],
      ['/healthz', undefined],
    ] as const) {
      const res = await get(path, a);
      expect([path, res.headers['x-content-type-options']]).toEqual([path, 'nosniff']);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

/** Stored objects as files of the local S3 server (key → path), or undefined for an external one. */
async function objectFiles(): Promise<Map<string, string> | undefined> {
  const dir = h.s3.dataDir;
  if (!dir) return undefined;
  const root = join(dir, h.bucket);
  const out = new Map<string, string>();
  for (const entry of await readdir(root, { recursive: true })) {
    const rel = String(entry);
    if (rel.endsWith('._S3rver_object')) out.set(rel.slice(0, -'._S3rver_object'.length), join(root, rel));
  }
  return out;
}

describe('tampering with stored bytes (issue 10 §3)', () => {
  /** Flips one byte of an object as stored, runs `check`, restores the object. */
  async function withFlippedByte(key: string, at: number, check: () => Promise<void>): Promise<void> {
    const files = await objectFiles();
    const file = files?.get(key);
    if (file) {
      const original = await readFile(file);
      const changed = Buffer.from(original);
      const i = at % changed.length;
      changed[i] = (changed[i] as number) ^ (1 + (at % 255));
      await writeFile(file, changed);
      try {
        await check();
      } finally {
        await writeFile(file, original);
      }
      return;
    }
    // An external S3 server (CI's MinIO): flip a byte through the store, as a writer to the bucket could.
    const original = await h.ctx.blobs.getBytes(key);
    const changed = Buffer.from(original);
    const i = at % changed.length;
    changed[i] = (changed[i] as number) ^ (1 + (at % 255));
    await h.ctx.blobs.put(key, changed);
    try {
      await check();
    } finally {
      await h.ctx.blobs.put(key, original);
    }
  }

  /** A read "detects" a change when it fails (5xx problem or a cut stream), never when it serves changed bytes. */
  async function readDetects(path: string, original: string): Promise<'detected' | 'unchanged'> {
    let res: Awaited<ReturnType<typeof get>>;
    try {
      res = await get(path, await auth());
    } catch {
      return 'detected'; // the stream was cut short of its Content-Length
    }
    if (res.status >= 500) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(leaksIn(res.text)).toEqual([]);
      return 'detected';
    }
    if (
      res.status === 200 &&
      res.headers['content-length'] !== undefined &&
      Buffer.byteLength(res.text) < Number(res.headers['content-length'])
    ) {
      return 'detected';
    }
    expect([res.status, res.text]).toEqual([200, original]);
    return 'unchanged';
  }

  const tally: Record<string, { detected: number; unchanged: number }> = {};
  afterAll(() => {
    process.stdout.write(`\nSignals tamper flips (one byte each): ${JSON.stringify(tally)}\n`);
  });

  it.each([
    [
      'call graph blob',
      () => `callgraphs/${TENANT}/${graphId}.ndjson.zst`,
      () => `/signals/callgraphs/${graphId}`,
    ],
    ['manifest', () => `manifests/${graphId}.json`, () => `/signals/callgraphs/${graphId}/manifest`],
    [
      'manifest envelope',
      () => `manifests/${graphId}.json.dsse`,
      () => `/signals/callgraphs/${graphId}/manifest`,
    ],
    [
      'runtime-fact blob',
      () => `runtime-facts/${TENANT}/${batchId}.ndjson.zst`,
      () => `/signals/runtime-facts/${batchId}`,
    ],
    [
      'provenance record',
      () => `runtime-facts/${TENANT}/${batchId}.provenance.json`,
      () => `/signals/runtime-facts/${batchId}/provenance`,
    ],
    [
      'attestation',
      () => `attestations/${batchId}.dsse`,
      () => `/signals/runtime-facts/${batchId}/provenance`,
    ],
  ])('a changed byte anywhere in the %s is detected on read', async (name, key, path) => {
    const original = (await get(path(), await auth())).text;
    const counts = { detected: 0, unchanged: 0 };
    tally[name] = counts;
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (at) => {
        await withFlippedByte(key(), at, async () => {
          counts[await readDetects(path(), original)]++;
        });
      }),
      { numRuns: 12 },
    );
    // Restored: reads as before.
    expect((await get(path(), await auth())).text).toBe(original);
    expect(counts.detected).toBeGreaterThan(0);
  });

  it('a changed byte in a stored envelope is detected by POST /signals/verify', async () => {
    const manifest = (await get(`/signals/callgraphs/${graphId}/manifest`, await auth())).body as {
      envelope: { payload: string };
    };
    const reader = await auth();
    const ok = await rawRequest(
      server.port,
      'POST',
      '/signals/verify',
      { Authorization: reader, 'Content-Type': 'application/json' },
      Buffer.from(JSON.stringify({ envelope: manifest.envelope })),
    );
    expect(ok.status).toBe(200);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const text = JSON.stringify({ envelope: manifest.envelope });
        const bytes = Buffer.from(text);
        const i = at % bytes.length;
        bytes[i] = (bytes[i] as number) ^ x;
        const res = await rawRequest(
          server.port,
          'POST',
          '/signals/verify',
          { Authorization: reader, 'Content-Type': 'application/json' },
          bytes,
        );
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) {
          // Only a change that leaves the envelope's meaning intact (JSON whitespace, escapes) may verify.
          expect((res.body as { payload: unknown }).payload).toEqual(
            (ok.body as { payload: unknown }).payload,
          );
        }
      }),
      { numRuns: 60 },
    );
  });

  it('an index row edited in Postgres (digest of another graph) is detected on read', async () => {
    const other = `sha256:${'1'.repeat(64)}`;
    await h.ctx.pool.query('update signals.callgraphs set digest = $1 where graph_id = $2', [other, graphId]);
    try {
      const cut = { status: 599, headers: {} as Record<string, unknown>, text: '', body: undefined };
      const res = await get(`/signals/callgraphs/${graphId}`, await auth()).catch(() => cut);
      expect(
        res.status === 599 ||
          res.status >= 500 ||
          Buffer.byteLength(res.text) < Number(res.headers['content-length'] ?? 0),
      ).toBe(true);
      const manifest = await get(`/signals/callgraphs/${graphId}/manifest`, await auth());
      expect([manifest.status, (manifest.body as { code?: string }).code]).toEqual([
        502,
        'MANIFEST_INTEGRITY_FAILED',
      ]);
    } finally {
      await h.ctx.pool.query('update signals.callgraphs set digest = $1 where graph_id = $2', [
        digest,
        graphId,
      ]);
    }
  });
});
