import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { zstdCompress, zstdDecompress } from '@stella-ops/cas';
import { blake3 } from '@stella-ops/core';
import { listen, type RunningServer } from '@stella-ops/service-kit';
import { cleanRedisPrefix, leaksIn, rawRequest, redisTestUrl, SQL_INJECTION } from '@stella-ops/testkit';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { importPKCS8, SignJWT } from 'jose';
import pg from 'pg';
import { exampleGraph } from './fixtures.js';
import { AUDIENCE, createSuite, ISSUER, type Suite } from './helpers.js';

/**
 * Issue 10 §3 for ReachGraph, against real Postgres (as the RLS app role) and Redis: tenant
 * isolation on every read path and the caches, JWT validation and scopes, SQL injection, security
 * headers, and tampering with the stored rows.
 */

const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const jwtKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ALL = 'reachgraph:read reachgraph:write reachgraph:admin';
const MISSING = `blake3:${'0'.repeat(64)}`;
const MISSING_ARTIFACT = `sha256:${'0'.repeat(64)}`;

let suite: Suite;
let server: RunningServer;
let redis: Redis;
let owner: pg.Client;
let digest: string;
let artifactDigest: string;

async function jwt(
  claims: Record<string, unknown> = {},
  opts: { iss?: string; aud?: string; exp?: number; nbf?: number; kid?: string; key?: KeyObject } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let t = new SignJWT({ principal: 'policy-engine', tenant: 'tenant-a', scope: ALL, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? 'k1' })
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setSubject('svc-test')
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 600);
  if (opts.nbf !== undefined) t = t.setNotBefore(opts.nbf);
  return t.sign(await importPKCS8(pem(opts.key ?? jwtKey.privateKey, 'pkcs8'), 'ES256'));
}
const auth = async (claims: Record<string, unknown> = {}) => `Bearer ${await jwt(claims)}`;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function call(
  method: string,
  path: string,
  authorization?: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return rawRequest(
    server.port,
    method,
    path,
    {
      ...(authorization ? { Authorization: authorization } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  );
}

function normalised(res: { status: number; headers: Record<string, unknown>; text: string }, ids: string[]) {
  let text = res.text;
  for (const id of ids) text = text.split(id).join('<id>');
  return { status: res.status, type: res.headers['content-type'], cache: res.headers['cache-control'], text };
}

beforeAll(async () => {
  suite = await createSuite('security');
  const { app } = await suite.start((cfg) => {
    cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
    cfg.auth = {
      issuer: ISSUER,
      audience: AUDIENCE,
      publicKeys: [{ kid: 'k1', pem: pem(jwtKey.publicKey, 'spki'), alg: 'ES256' }],
    };
  });
  server = await listen(app, 0);
  redis = new Redis(redisTestUrl());
  owner = new pg.Client({ connectionString: suite.db.url });
  await owner.connect();
  const put = await call('POST', '/v1/reachgraphs', await auth(), exampleGraph());
  expect(put.status).toBe(201);
  digest = (put.body as { digest: string }).digest;
  artifactDigest = exampleGraph().artifact.digest;
  // Warm both slice caches for tenant A.
  expect((await call('GET', `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`, await auth())).status).toBe(
    200,
  );
});

afterAll(async () => {
  await owner?.end();
  await server?.close(0);
  if (redis) {
    await cleanRedisPrefix(redis, suite.redisPrefix);
    redis.disconnect();
  }
  await suite?.close();
});

describe('tenant isolation (issue 10 §3)', () => {
  const paths = () =>
    [
      ['graph', 'GET', `/v1/reachgraphs/${digest}`, `/v1/reachgraphs/${MISSING}`],
      [
        'slice (cached for tenant A)',
        'GET',
        `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`,
        `/v1/reachgraphs/${MISSING}/slice?cve=CVE-2021-23337`,
      ],
      [
        'package slice',
        'GET',
        `/v1/reachgraphs/${digest}/slice?q=pkg:npm/lodash*`,
        `/v1/reachgraphs/${MISSING}/slice?q=pkg:npm/lodash*`,
      ],
      ['DSSE envelope', 'GET', `/v1/reachgraphs/${digest}/dsse`, `/v1/reachgraphs/${MISSING}/dsse`],
      [
        'diff',
        'GET',
        `/v1/reachgraphs/${digest}/diff/${digest}?cve=CVE-2021-23337`,
        `/v1/reachgraphs/${MISSING}/diff/${digest}?cve=CVE-2021-23337`,
      ],
      [
        'evidence bundle',
        'GET',
        `/v1/reachgraphs/${digest}/bundle?cve=CVE-2021-23337&include=graph`,
        `/v1/reachgraphs/${MISSING}/bundle?cve=CVE-2021-23337&include=graph`,
      ],
      [
        'graphs by artifact',
        'GET',
        `/v1/reachgraphs/by-artifact/${artifactDigest}`,
        `/v1/reachgraphs/by-artifact/${MISSING_ARTIFACT}`,
      ],
      ['delete', 'DELETE', `/v1/reachgraphs/${digest}`, `/v1/reachgraphs/${MISSING}`],
    ] as const;

  it.each(paths().map(([name]) => [name]))(
    '%s: tenant B gets byte for byte what it gets for something that does not exist',
    async (name) => {
      const [, method, theirs, missing] = paths().find(([n]) => n === name) as readonly [
        string,
        string,
        string,
        string,
      ];
      const b = await auth({ tenant: 'tenant-b' });
      const ids = [digest, MISSING, artifactDigest, MISSING_ARTIFACT];
      const foreign = await call(method, theirs, b);
      const absent = await call(method, missing, b);
      expect(normalised(foreign, ids)).toEqual(normalised(absent, ids));
      // Tenant A still has it, and sees something else.
      const own = await call('GET', method === 'DELETE' ? theirs : theirs, await auth());
      expect(own.status).toBe(name === 'DSSE envelope' ? 404 : 200);
      expect(own.text).not.toBe(foreign.text);
    },
  );

  it('replay by expected digest alone: tenant B gets the answer for a graph that does not exist', async () => {
    const b = await auth({ tenant: 'tenant-b' });
    const foreign = await call('POST', '/v1/reachgraphs/replay', b, { expectedDigest: digest });
    const absent = await call('POST', '/v1/reachgraphs/replay', b, { expectedDigest: MISSING });
    expect(normalised(foreign, [digest, MISSING])).toEqual(normalised(absent, [digest, MISSING]));
    expect(foreign.status).toBe(404);
  });

  it('uploading the same graph as tenant A is a creation for tenant B (201), never an "already stored" (200)', async () => {
    const other = await auth({ tenant: 'tenant-c' });
    const res = await call('POST', '/v1/reachgraphs', other, exampleGraph());
    expect([res.status, (res.body as { digest: string }).digest]).toEqual([201, digest]);
    expect((await call('POST', '/v1/reachgraphs', other, exampleGraph())).status).toBe(200);
  });

  it('slice cache keys are per tenant, and metrics carry no tenant, digest or artifact', async () => {
    const keys = await redis.keys(`${suite.redisPrefix}*`);
    const sliceKeys = keys.filter((k) => k.includes(`slice:`));
    expect(sliceKeys.length).toBeGreaterThan(0);
    for (const k of sliceKeys) expect(k).toMatch(/slice:tenant-[ac]:/);
    // Tenant B asked for A's graph: it has rate-limit counters, and no slice of its own.
    expect(sliceKeys.some((k) => k.includes('tenant-b'))).toBe(false);
    const metrics = await call('GET', '/metrics');
    for (const secret of ['tenant-a', 'tenant-b', digest, artifactDigest, 'lodash'])
      expect(metrics.text).not.toContain(secret);
  });
});

describe('JWT validation and scopes (issue 10 §3)', () => {
  const routes = () =>
    [
      ['POST', '/v1/reachgraphs', 'reachgraph:write'],
      ['POST', '/v1/reachgraphs/build', 'reachgraph:write'],
      ['POST', '/v1/reachgraphs/replay', 'reachgraph:read'],
      ['GET', `/v1/reachgraphs/${digest}`, 'reachgraph:read'],
      ['GET', `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`, 'reachgraph:read'],
      ['GET', `/v1/reachgraphs/${digest}/dsse`, 'reachgraph:read'],
      ['GET', `/v1/reachgraphs/${digest}/diff/${digest}?cve=CVE-2021-23337`, 'reachgraph:read'],
      ['GET', `/v1/reachgraphs/${digest}/bundle?cve=CVE-2021-23337`, 'reachgraph:read'],
      ['GET', `/v1/reachgraphs/by-artifact/${artifactDigest}`, 'reachgraph:read'],
      ['DELETE', `/v1/reachgraphs/${MISSING}`, 'reachgraph:admin'],
    ] as const;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({
    principal: 'policy-engine',
    tenant: 'tenant-a',
    scope: ALL,
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 's',
    exp: now() + 600,
  });
  const bad: [string, () => Promise<string>][] = [
    ['wrong issuer', () => jwt({}, { iss: 'https://evil.test' })],
    ['wrong audience', () => jwt({}, { aud: 'stella-signals' })],
    ['expired (past the 30 s tolerance)', () => jwt({}, { exp: now() - 120 })],
    ['not yet valid', () => jwt({}, { nbf: now() + 3600 })],
    ['alg none', async () => `${b64({ alg: 'none', kid: 'k1' })}.${b64(claims())}.`],
    ['unknown kid', () => jwt({}, { kid: 'k9' })],
    [
      'signed by another EC key under the known kid',
      () => jwt({}, { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }),
    ],
    [
      'wrong key type: HS256 with the public key as the HMAC secret',
      async () => {
        const input = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64(claims())}`;
        return `${input}.${createHmac('sha256', pem(jwtKey.publicKey, 'spki')).update(input).digest('base64url')}`;
      },
    ],
    [
      'wrong key type: RS256 under the EC kid',
      () =>
        new SignJWT({ principal: 'policy-engine', tenant: 'tenant-a', scope: ALL })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('s')
          .setExpirationTime('10m')
          .sign(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
    ],
    [
      'payload changed after signing (tenant swapped)',
      async () => {
        const [head, , sig] = (await jwt()).split('.');
        return `${head}.${b64({ ...claims(), tenant: 'tenant-b' })}.${sig}`;
      },
    ],
    ['no tenant claim', () => jwt({ tenant: undefined })],
  ];

  it.each(bad.map(([name]) => [name]))('%s: 401 UNAUTHORIZED problem on every route', async (name) => {
    const token = await (bad.find(([n]) => n === name) as [string, () => Promise<string>])[1]();
    for (const [method, path] of routes()) {
      const res = await call(method, path, `Bearer ${token}`, method === 'POST' ? {} : undefined);
      expect([method, path, res.status, (res.body as { code?: string }).code]).toEqual([
        method,
        path,
        401,
        'UNAUTHORIZED',
      ]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('every route needs its scope: 403 FORBIDDEN with every other scope, answered with it', async () => {
    for (const [method, path, scope] of routes()) {
      const others = ALL.split(' ')
        .filter((s) => s !== scope)
        .join(' ');
      const without = await call(
        method,
        path,
        await auth({ scope: others }),
        method === 'POST' ? {} : undefined,
      );
      expect([path, without.status, (without.body as { code?: string }).code]).toEqual([
        path,
        403,
        'FORBIDDEN',
      ]);
      const withIt = await call(method, path, await auth({ scope }), method === 'POST' ? {} : undefined);
      expect([path, withIt.status]).not.toEqual([path, 403]);
      expect(withIt.status).not.toBe(401);
    }
  });
});

/** Per selector, a well-formed value that matches nothing in the example graph. */
const NOTHING: Record<string, string> = {
  q: 'pkg:npm/zz-nothing',
  cve: 'CVE-1999-0001',
  entrypoint: 'zz-nothing',
  file: 'zz/nothing.js',
};

describe('SQL injection (issue 10 §3)', () => {
  it('through slice selectors, digests and the tenant claim: no 5xx, and the answer of a harmless value', async () => {
    const a = await auth();
    const harmless = async (sel: string) =>
      normalised(
        await call(
          'GET',
          `/v1/reachgraphs/${digest}/slice?${sel}=${encodeURIComponent(NOTHING[sel] as string)}`,
          a,
          undefined,
          { 'Cache-Control': 'no-cache' },
        ),
        [],
      );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SQL_INJECTION),
        fc.constantFrom('entrypoint', 'file', 'q', 'cve'),
        async (evil, sel) => {
          const res = await call(
            'GET',
            `/v1/reachgraphs/${digest}/slice?${sel}=${encodeURIComponent(evil)}`,
            a,
            undefined,
            { 'Cache-Control': 'no-cache' },
          );
          expect(res.status).toBeLessThan(500);
          if (res.status === 200) {
            const body = res.body as { nodes?: unknown[]; counts?: unknown };
            const none = JSON.parse((await harmless(sel)).text) as { nodes?: unknown[]; counts?: unknown };
            expect(body.counts).toEqual(none.counts);
          } else {
            expect(leaksIn(JSON.stringify({ ...(res.body as object), detail: '', instance: '' }))).toEqual(
              [],
            );
          }
          for (const path of [
            `/v1/reachgraphs/${encodeURIComponent(evil)}`,
            `/v1/reachgraphs/by-artifact/${encodeURIComponent(evil)}`,
          ]) {
            const r = await call('GET', path, a);
            expect(r.status).toBeGreaterThanOrEqual(400);
            expect(r.status).toBeLessThan(500);
          }
          // The tenant claim becomes an RLS setting, never SQL: another tenant's graph stays invisible.
          const t = await call('GET', `/v1/reachgraphs/${digest}`, await auth({ tenant: evil }));
          expect([t.status, (t.body as { code?: string }).code]).toEqual([404, 'GRAPH_NOT_FOUND']);
        },
      ),
      { numRuns: SQL_INJECTION.length * 2 },
    );
  });
});

describe('security headers (issue 10 §3)', () => {
  it('sends helmet headers and no X-Powered-By on successes, errors, 404s and public routes', async () => {
    const a = await auth();
    for (const [path, token] of [
      [`/v1/reachgraphs/${digest}`, a],
      [`/v1/reachgraphs/${MISSING}`, a],
      ['/v1/reachgraphs/not-a-digest', a],
      ['/v1/reachgraphs/x', undefined],
      ['/nothing', undefined],
      ['/openapi.json', undefined],
      ['/healthz', undefined],
    ] as const) {
      const res = await call('GET', path, token);
      expect([path, res.headers['x-content-type-options']]).toEqual([path, 'nosniff']);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('tampering with stored rows (issue 10 §3)', () => {
  const tally: Record<string, { detected: number; unchanged: number }> = {};
  afterAll(() => {
    process.stdout.write(`\nReachGraph tamper flips (one byte each): ${JSON.stringify(tally)}\n`);
  });

  /** Flips one byte of a bytea column of the graph's row (as the owner, past RLS), runs `check`, restores. */
  async function withFlippedByte(
    column: 'canonical_zst' | 'binary_zst',
    at: number,
    check: () => Promise<void>,
  ) {
    const row = await owner.query(
      `select ${column} as b from reachgraph.subgraphs where tenant = 'tenant-a' and digest = $1`,
      [digest],
    );
    const original = row.rows[0].b as Buffer;
    const changed = Buffer.from(original);
    const i = at % changed.length;
    changed[i] = (changed[i] as number) ^ (1 + (at % 255));
    await owner.query(
      `update reachgraph.subgraphs set ${column} = $1 where tenant = 'tenant-a' and digest = $2`,
      [changed, digest],
    );
    try {
      await check();
    } finally {
      await owner.query(
        `update reachgraph.subgraphs set ${column} = $1 where tenant = 'tenant-a' and digest = $2`,
        [original, digest],
      );
    }
  }

  it('a row whose canonical JSON was replaced by another valid zstd document answers 502, before any byte is sent', async () => {
    const row = await owner.query(
      `select canonical_zst as b from reachgraph.subgraphs where tenant = 'tenant-a' and digest = $1`,
      [digest],
    );
    const original = row.rows[0].b as Buffer;
    const forged = zstdCompress(
      Buffer.from(zstdDecompress(original).toString().replace('renderReport', 'renderReporT')),
    );
    await owner.query(
      `update reachgraph.subgraphs set canonical_zst = $1 where tenant = 'tenant-a' and digest = $2`,
      [forged, digest],
    );
    try {
      for (const encoding of ['zstd', 'gzip', 'identity']) {
        // A fresh app: nothing remembered about the frame it served before.
        const { app } = await suite.start((cfg) => {
          cfg.auth = {
            issuer: ISSUER,
            audience: AUDIENCE,
            publicKeys: [{ kid: 'k1', pem: pem(jwtKey.publicKey, 'spki'), alg: 'ES256' }],
          };
        });
        const fresh = await listen(app, 0);
        try {
          const res = await rawRequest(fresh.port, 'GET', `/v1/reachgraphs/${digest}`, {
            Authorization: await auth(),
            'Accept-Encoding': encoding,
          });
          expect([encoding, res.status, (res.body as { code?: string }).code]).toEqual([
            encoding,
            502,
            'GRAPH_INTEGRITY_FAILED',
          ]);
          expect(res.headers['cache-control']).toBeUndefined();
          expect(res.headers.etag).toBeUndefined();
        } finally {
          await fresh.close(0);
        }
      }
      // The app that served the genuine frame before re-checks the changed one too.
      const res = await call('GET', `/v1/reachgraphs/${digest}`, await auth(), undefined, {
        'Accept-Encoding': 'zstd',
      });
      expect([res.status, (res.body as { code?: string }).code]).toEqual([502, 'GRAPH_INTEGRITY_FAILED']);
    } finally {
      await owner.query(
        `update reachgraph.subgraphs set canonical_zst = $1 where tenant = 'tenant-a' and digest = $2`,
        [original, digest],
      );
    }
    expect((await call('GET', `/v1/reachgraphs/${digest}`, await auth())).status).toBe(200);
  });

  it('a changed byte in the stored canonical JSON never reaches a client as the graph (identity, gzip and zstd)', async () => {
    const counts: Record<string, number> = {};
    tally['canonical_zst'] = counts as never;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom('identity', 'gzip', 'zstd'), async (at, encoding) => {
        await withFlippedByte('canonical_zst', at, async () => {
          const got = await fetchBytes(`/v1/reachgraphs/${digest}`, encoding);
          const key = `${encoding}: ${got.bytes ? 'unchanged' : `detected by the ${got.by}`}`;
          counts[key] = (counts[key] ?? 0) + 1;
          // The server checks before it sends anything (every encoding): never a client's job. A
          // flip the zstd decoder ignores may be served: what arrives is then the graph itself.
          if (got.bytes) expect(await blake3(got.bytes)).toBe(digest);
          else expect(got.by).toBe('server');
        });
      }),
      { numRuns: 30 },
    );
    expect(Object.keys(counts).some((k) => k.includes('detected'))).toBe(true);
  });

  it('a changed byte in the stored binary graph is detected by a slice (502, not a 500 or a wrong answer)', async () => {
    const counts = { detected: 0, unchanged: 0 };
    tally['binary_zst'] = counts;
    const expected = (
      await call('GET', `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`, await auth(), undefined, {
        'Cache-Control': 'no-cache',
      })
    ).text;
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (at) => {
        await withFlippedByte('binary_zst', at, async () => {
          // A fresh app instance: no decoded copy of the graph in memory.
          const { app } = await suite.start((cfg) => {
            cfg.auth = {
              issuer: ISSUER,
              audience: AUDIENCE,
              publicKeys: [{ kid: 'k1', pem: pem(jwtKey.publicKey, 'spki'), alg: 'ES256' }],
            };
          });
          const fresh = await listen(app, 0);
          try {
            const res = await rawRequest(
              fresh.port,
              'GET',
              `/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`,
              { Authorization: await auth(), 'Cache-Control': 'no-cache' },
            );
            if (res.status === 502) {
              expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
              expect((res.body as { code?: string }).code).toBe('GRAPH_INTEGRITY_FAILED');
              counts.detected++;
            } else {
              expect([res.status, res.text]).toEqual([200, expected]);
              counts.unchanged++;
            }
          } finally {
            await fresh.close(0);
          }
        });
      }),
      { numRuns: 15 },
    );
    expect(counts.detected).toBeGreaterThan(0);
  });
});

/**
 * The decoded body of a graph read, or who caught the change: the server (a 5xx problem, a stream cut
 * short) or the client (the body does not decode, e.g. a zstd frame checksum).
 */
async function fetchBytes(
  path: string,
  encoding: string,
): Promise<{ bytes?: Buffer; by?: 'server' | 'client' }> {
  const { request: httpRequest } = await import('node:http');
  const token = await auth();
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        headers: { Authorization: token, 'Accept-Encoding': encoding },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', () => resolve({ by: 'server' }));
        res.on('aborted', () => resolve({ by: 'server' }));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 500 || !res.complete) return resolve({ by: 'server' });
          const body = Buffer.concat(chunks);
          try {
            const enc = res.headers['content-encoding'];
            resolve({
              bytes: enc === 'gzip' ? gunzipSync(body) : enc === 'zstd' ? zstdDecompress(body) : body,
            });
          } catch {
            resolve({ by: 'client' });
          }
        });
      },
    );
    req.on('error', () => resolve({ by: 'server' }));
    req.end();
  });
}
