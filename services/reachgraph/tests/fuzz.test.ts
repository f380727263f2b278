import { zstdCompress } from '@stella-ops/cas';
import { schemaIssues } from '@stella-ops/core';
import { listen, type RunningServer } from '@stella-ops/service-kit';
import {
  answerViolations,
  CaseLedger,
  cleanRedisPrefix,
  compressionBomb,
  deepJson,
  INVALID_UTF8,
  type RawAnswer,
  rawRequest,
  redisTestUrl,
  SQL_INJECTION,
  splice,
  TRAVERSAL,
} from '@stella-ops/testkit';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { exampleGraph, ordersApiInputs } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

/**
 * Issue 10 §2: every ReachGraph endpoint under hostile input, against real Postgres (as the RLS app
 * role) and Redis through a listening HTTP server. Every answer < 500; every rejection problem+json
 * (problem@v1) with a known code and no internals; nothing half-written.
 */

/** Every code ReachGraph may answer a client with (README "API" and service-kit). */
const KNOWN = new Set([
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'ROUTE_NOT_FOUND',
  'PATH_INVALID',
  'HEADERS_TOO_LARGE',
  'ASSET_NOT_FOUND',
  'JSON_INVALID',
  'DIGEST_INVALID',
  'BODY_ENCODING_INVALID',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'SCHEMA_INVALID',
  'GRAPH_INVALID',
  'DIGEST_MISMATCH',
  'SIGNATURE_INVALID',
  'GRAPH_NOT_FOUND',
  'SIGNATURES_NOT_FOUND',
  'QUERY_INVALID',
  'DEPTH_OUT_OF_RANGE',
  'LIMIT_OUT_OF_RANGE',
  'GLOB_INVALID',
  'PURL_INVALID',
  'CVE_INVALID',
  'CURSOR_INVALID',
  'INPUT_INVALID',
  'INPUT_UNRESOLVABLE',
  'INPUT_NOT_FOUND',
  'INPUT_MISMATCH',
  'CANONICAL_JSON_INVALID',
  'FORMAT_INVALID',
  'SIGNING_KEY_NOT_CONFIGURED',
  'ASSUME_INVALID',
]);

/** fast-check runs per endpoint: ~1,300 requests, under a minute on the shared CI box. */
const RUNS = {
  upsert: 150,
  getGraph: 80,
  slice: 200,
  dsse: 60,
  bundle: 60,
  deleteGraph: 60,
  byArtifact: 60,
  byArtifactPage: 60,
  list: 80,
  replay: 120,
  build: 60,
  publicRoutes: 80,
  authorization: 40,
  headers: 30,
} as const;

const ledger = new CaseLedger();
let suite: Suite;
let server: RunningServer;
let redis: Redis;
let A: string;
let digest: string;
let owner: pg.Client;

beforeAll(async () => {
  suite = await createSuite('fuzz');
  const { app } = await suite.start((cfg) => {
    cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
    // Small body limits keep compression bombs cheap; the limit logic is the same at any size.
    cfg.limits.maxUpsertBytes = 4 * 1024 * 1024;
    cfg.limits.maxReplayBytes = 4 * 1024 * 1024;
  });
  server = await listen(app, 0);
  redis = new Redis(redisTestUrl());
  A = await token({ tenant: 'tenant-a' });
  const put = await request(server.url).post('/v1/reachgraphs').set('Authorization', A).send(exampleGraph());
  digest = put.body.digest;
  owner = new pg.Client({ connectionString: suite.db.url });
  await owner.connect();
});

afterAll(async () => {
  // The figures for RELIABILITY.md ("Bad input").
  process.stdout.write(`\nReachGraph fuzz cases per endpoint\n${ledger.table()}\n`);
  await owner?.end();
  await server?.close(0);
  if (redis) {
    await cleanRedisPrefix(redis, suite.redisPrefix);
    redis.disconnect();
  }
  await suite?.close();
});

type Answer = { status: number; headers: Record<string, unknown>; text: string; body: unknown };

/** Records and checks one answer; throws (so fast-check shrinks) on any violation. */
function judge(endpoint: string, res: Answer, sent: readonly string[] = []): void {
  const code = (res.body as { code?: unknown } | undefined)?.code;
  ledger.record(endpoint, res.status, typeof code === 'string' ? code : undefined);
  const wrong = answerViolations(res, KNOWN, sent);
  if (wrong.length > 0) {
    throw new Error(`${endpoint}: ${wrong.join('; ')}\n${res.status} ${String(res.text).slice(0, 400)}`);
  }
}

/** POSTs exact bytes through node:http (supertest would re-serialise a Buffer sent as JSON). */
function post(path: string, headers: Record<string, string>, body: Buffer): Promise<RawAnswer> {
  return rawRequest(server.port, 'POST', path, { Authorization: A, ...headers }, body);
}

/** A bomb (and nothing else) must hit the decompressed-size limit. */
function bombIs413(attack: Body, res: RawAnswer): void {
  if (attack.kind === 'compression bomb') {
    expect([res.status, (res.body as { code?: string }).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  }
}

const segment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(...TRAVERSAL, ...SQL_INJECTION),
  fc.stringMatching(/^(blake3|sha256|sha512):[0-9a-fA-F]{60,70}$/),
);
const rawSegment = fc.constantFrom(
  '%E0%A4%A',
  '%',
  '%zz',
  '%C0%AF',
  '..%c0%af..',
  '%2e%2e%2f',
  '..',
  '%00',
  '%ff',
);
const pathSegment = fc.oneof(
  { weight: 4, arbitrary: segment.map((s) => encodeURIComponent(s)) },
  { weight: 1, arbitrary: rawSegment },
);
const queryValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    ...SQL_INJECTION,
    ...TRAVERSAL,
    '',
    '0',
    '-1',
    '11',
    '1e309',
    'NaN',
    'true',
    '9'.repeat(400),
    '**/*',
    '[',
    '{a,b',
    'pkg:npm/*',
    'pkg:*',
    'CVE-2021-23337',
    'CVE-0000-0',
  ),
);
function queryOf(names: readonly string[]): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), queryValue);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.array(pair, { maxLength: 5 }).map((pairs) => new URLSearchParams(pairs).toString()),
    },
    { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => `${n}=%E0%A4%A&${n}=%zz`) },
  );
}
const decoded = (s: string) => {
  try {
    return decodeURIComponent(s.replaceAll('+', ' '));
  } catch {
    return s;
  }
};

type Body = { kind: string; body: Buffer; headers: Record<string, string> };
const plain = (kind: string, body: Buffer | string, headers: Record<string, string> = {}): Body => ({
  kind,
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  headers,
});

const BOMBS: Record<string, Buffer> = {};
beforeAll(() => {
  BOMBS['gzip'] = compressionBomb('gzip', 1024);
  BOMBS['deflate'] = compressionBomb('deflate', 64);
  const frame = zstdCompress(Buffer.alloc(16 * 1024 * 1024), 19);
  BOMBS['zstd'] = Buffer.concat(Array.from({ length: 64 }, () => frame));
});

/** Attacks on a JSON document body, starting from a valid `doc()`. */
function jsonAttacks(doc: () => Record<string, unknown>): fc.Arbitrary<Body> {
  const text = () => JSON.stringify(doc());
  /** A path to some value inside the document (by index choices). */
  const mutate = (choices: number[], value: unknown): Record<string, unknown> => {
    const root = doc();
    let node: unknown = root;
    for (let i = 0; i < choices.length; i++) {
      if (!node || typeof node !== 'object') break;
      const keys = Object.keys(node as object);
      if (keys.length === 0) break;
      const key = keys[(choices[i] as number) % keys.length] as string;
      const child = (node as Record<string, unknown>)[key];
      if (i === choices.length - 1 || !child || typeof child !== 'object') {
        (node as Record<string, unknown>)[key] = value;
        break;
      }
      node = child;
    }
    return root;
  };
  return fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => plain('random JSON', JSON.stringify(v) ?? 'null')),
    fc
      .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }))
      .map(([path, v]) => plain('wrong-typed field', JSON.stringify(mutate(path, v)))),
    fc
      .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 5 }))
      .map(([path, mib]) =>
        plain('huge string', JSON.stringify(mutate(path, 'x'.repeat(mib * 1024 * 1024 - 200)))),
      ),
    fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.boolean()).map(([path, objects]) => {
      const marker = '"__deep__"';
      return plain(
        '10,000-deep nesting',
        JSON.stringify(mutate(path, '__deep__')).replace(marker, deepJson(10_000, objects)),
      );
    }),
    fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.string({ maxLength: 3 })).map(([at, cut, junk]) => {
      const t = text();
      const i = at % t.length;
      return plain('broken JSON', t.slice(0, i) + junk + t.slice(i + cut));
    }),
    fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([at, bad]) => {
      const b = Buffer.from(text());
      return plain('invalid UTF-8', splice(b, at % b.length, bad));
    }),
    fc.jsonValue({ maxDepth: 2 }).map((v) => {
      const t = text();
      const key = t.match(/^\{"([^"]+)"/)?.[1] ?? 'x';
      return plain('duplicate keys', `{"${key}":${JSON.stringify(v)},${t.slice(1)}`);
    }),
    fc
      .tuple(
        fc.constantFrom('gzip', 'deflate', 'zstd', 'br', 'gzip, gzip'),
        fc.uint8Array({ maxLength: 200 }),
      )
      .map(([enc, bytes]) =>
        plain('corrupt compressed body', Buffer.from(bytes), { 'Content-Encoding': enc }),
      ),
    fc
      .constantFrom('gzip', 'deflate', 'zstd')
      .map((enc) => plain('compression bomb', BOMBS[enc] as Buffer, { 'Content-Encoding': enc })),
  );
}

const SLICE_PARAMS = [
  'q',
  'cve',
  'entrypoint',
  'file',
  'depth',
  'direction',
  'sinksOnly',
  'observed',
  'limit',
  'cursor',
  'format',
] as const;

/** A slice query with one selector (sometimes a real one of the example graph) and odd options. */
const sliceQuery = fc
  .tuple(
    fc.oneof(
      fc.tuple(
        fc.constant('q'),
        fc.oneof(
          fc.constantFrom('pkg:npm/lodash@4.17.20', 'pkg:npm/lodash*', 'pkg:npm/%40acme/*', '*'),
          queryValue,
        ),
      ),
      fc.tuple(fc.constant('cve'), fc.oneof(fc.constant('CVE-2021-23337'), queryValue)),
      fc.tuple(fc.constant('entrypoint'), fc.oneof(fc.constant('src/server.js:main'), queryValue)),
      fc.tuple(
        fc.constant('file'),
        fc.oneof(fc.constantFrom('src/*.js', '**/*', 'node_modules/**', '[a-', '{{{'), queryValue),
      ),
    ),
    // At most two options, usually with a sensible value (most combinations are still refused).
    fc.array(
      fc.oneof(
        fc.tuple(fc.constant('depth'), fc.integer({ min: -1, max: 11 }).map(String)),
        fc.tuple(fc.constant('direction'), fc.constantFrom('upstream', 'downstream', 'both', 'sideways')),
        fc.tuple(fc.constant('limit'), fc.integer({ min: 0, max: 1001 }).map(String)),
        fc.tuple(fc.constant('observed'), fc.constantFrom('true', 'false', 'maybe')),
        fc.tuple(fc.constant('format'), fc.constantFrom('json', 'openvex', 'openvex-dsse', 'csaf')),
        fc.tuple(fc.constantFrom('depth', 'limit', 'cursor', 'sinksOnly'), queryValue),
      ),
      { maxLength: 2 },
    ),
  )
  .map(([selector, options]) => new URLSearchParams([selector, ...options]).toString());

const digestish = fc.oneof(
  pathSegment,
  fc.stringMatching(/^blake3:[0-9a-f]{64}$/),
  fc.constantFrom(`blake3:${'0'.repeat(64)}`, `blake3:${'A'.repeat(64)}`, `sha256:${'0'.repeat(64)}`),
);

describe('ReachGraph under hostile input (issue 10 §2)', () => {
  it('POST /v1/reachgraphs: bad JSON, types, encodings, bombs, nesting and expected digests; nothing half-written', async () => {
    const endpoint = 'POST /v1/reachgraphs';
    ledger.plan(endpoint, RUNS.upsert);
    let stored = 0;
    const graphs = async () =>
      Number((await owner.query('select count(*) as n from reachgraph.subgraphs')).rows[0].n);
    const before = await graphs();
    await fc.assert(
      fc.asyncProperty(
        jsonAttacks(() => exampleGraph() as unknown as Record<string, unknown>),
        fc
          .nat({ max: 9 })
          .map((i) =>
            i < 8 ? 'application/json' : (['text/plain', 'application/x-ndjson'][i - 8] as string),
          ),
        fc.option(fc.oneof(queryValue, fc.constant(digest)), { nil: undefined, freq: 4 }),
        async (attack, contentType, expected) => {
          const q = expected === undefined ? '' : `?${new URLSearchParams({ digest: expected })}`;
          const res = await post(
            `/v1/reachgraphs${q}`,
            { 'Content-Type': contentType, ...attack.headers },
            attack.body,
          );
          judge(endpoint, res, [expected ?? '']);
          if (contentType === 'application/json' && expected === undefined) bombIs413(attack, res);
          if (res.status === 201) stored++;
        },
      ),
      { numRuns: RUNS.upsert },
    );
    expect((await graphs()) - before).toBe(stored);
    // Every stored graph has its artifact lookup (written in the same transaction).
    const orphans = await owner.query(
      `select count(*) as n from reachgraph.subgraphs s
        where not exists (select 1 from reachgraph.artifact_index a where a.tenant = s.tenant and a.digest = s.digest)`,
    );
    expect(Number(orphans.rows[0].n)).toBe(0);
  });

  it('GET /v1/reachgraphs/{digest}: random digests, traversal, Accept-Encoding and If-None-Match', async () => {
    const endpoint = 'GET /v1/reachgraphs/{digest}';
    ledger.plan(endpoint, RUNS.getGraph);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: digestish }, { weight: 1, arbitrary: fc.constant(digest) }),
        fc.constantFrom(
          'zstd',
          'gzip',
          'identity',
          'br;q=1, *;q=0',
          '*;q=0',
          'gzip;q=abc',
          '',
          'x'.repeat(2000),
        ),
        fc.option(fc.oneof(queryValue, fc.constant(`"${digest}"`)), { nil: undefined }),
        async (d, enc, inm) => {
          const headers: Record<string, string> = { Authorization: A, 'Accept-Encoding': enc };
          if (inm !== undefined && /^[\t\x20-\x7e]*$/.test(inm)) headers['If-None-Match'] = inm;
          // Raw: the body may be zstd, which supertest would try to decode.
          const res = await rawRequest(server.port, 'GET', `/v1/reachgraphs/${d}`, headers);
          judge(endpoint, res, [d, decoded(d)]);
        },
      ),
      { numRuns: RUNS.getGraph },
    );
  });

  it('GET /v1/reachgraphs/{digest}/slice: random and repeated selectors, depths, limits, cursors, globs', async () => {
    const endpoint = 'GET /v1/reachgraphs/{digest}/slice';
    ledger.plan(endpoint, RUNS.slice);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 1, arbitrary: digestish }, { weight: 4, arbitrary: fc.constant(digest) }),
        fc.oneof({ weight: 3, arbitrary: sliceQuery }, { weight: 1, arbitrary: queryOf([...SLICE_PARAMS]) }),
        fc.boolean(),
        async (d, q, noCache) => {
          let req = request(server.url).get(`/v1/reachgraphs/${d}/slice?${q}`).set('Authorization', A);
          if (noCache) req = req.set('Cache-Control', 'no-cache');
          judge(endpoint, await req, [d, decoded(d), q, decoded(q)]);
        },
      ),
      { numRuns: RUNS.slice },
    );
  });

  it('GET /v1/reachgraphs/{digest}/dsse and /by-artifact/{artifactDigest}: random digests and traversal', async () => {
    for (const [endpoint, path, runs] of [
      ['GET /v1/reachgraphs/{digest}/dsse', (d: string) => `/v1/reachgraphs/${d}/dsse`, RUNS.dsse],
      [
        'GET /v1/reachgraphs/by-artifact/{artifactDigest}',
        (d: string) => `/v1/reachgraphs/by-artifact/${d}`,
        RUNS.byArtifact,
      ],
    ] as const) {
      ledger.plan(endpoint, runs);
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(digestish, fc.stringMatching(/^sha(256|512):[0-9a-f]{64,128}$/)),
          async (d) => {
            judge(endpoint, await request(server.url).get(path(d)).set('Authorization', A), [d, decoded(d)]);
          },
        ),
        { numRuns: runs },
      );
    }
  });

  it('GET /v1/reachgraphs/{digest}/bundle: random digests, CVEs, assumptions and include values', async () => {
    const endpoint = 'GET /v1/reachgraphs/{digest}/bundle';
    ledger.plan(endpoint, RUNS.bundle);
    const bundleQuery = fc
      .array(
        fc.oneof(
          fc.tuple(fc.constant('cve'), fc.oneof(fc.constant('CVE-2021-23337'), queryValue)),
          fc.tuple(
            fc.constant('assume'),
            fc.oneof(fc.constantFrom('os=linux', 'os=linux,os=darwin', '=', ','), queryValue),
          ),
          fc.tuple(fc.constant('include'), fc.oneof(fc.constantFrom('graph', 'all'), queryValue)),
          fc.tuple(fc.constantFrom('q', 'limit', 'format'), queryValue),
        ),
        { maxLength: 3 },
      )
      .map((pairs) => new URLSearchParams(pairs).toString());
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 1, arbitrary: digestish }, { weight: 3, arbitrary: fc.constant(digest) }),
        bundleQuery,
        async (d, q) => {
          const res = await request(server.url)
            .get(`/v1/reachgraphs/${d}/bundle?${q}`)
            .set('Authorization', A);
          judge(endpoint, res, [d, decoded(d), q, decoded(q)]);
        },
      ),
      { numRuns: RUNS.bundle },
    );
  });

  it('GET /v1/reachgraphs: random, injected and repeated filters, limits and cursors', async () => {
    const endpoint = 'GET /v1/reachgraphs';
    ledger.plan(endpoint, RUNS.list);
    const listQuery = fc
      .array(
        fc.oneof(
          fc.tuple(fc.constant('cve'), fc.oneof(fc.constant('CVE-2021-23337'), queryValue)),
          fc.tuple(
            fc.constant('purl'),
            fc.oneof(fc.constantFrom('pkg:npm/lodash@*', 'pkg:npm/%25_@*'), queryValue),
          ),
          fc.tuple(fc.constantFrom('artifactDigest', 'artifactName', 'cursor', 'limit'), queryValue),
          fc.tuple(fc.constantFrom('limit'), fc.constantFrom('1', '500', '501', '-1', '1e2')),
          fc.tuple(fc.constantFrom('q', 'tenant', '__proto__'), queryValue),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => new URLSearchParams(pairs).toString());
    await fc.assert(
      fc.asyncProperty(listQuery, async (q) => {
        const res = await request(server.url).get(`/v1/reachgraphs?${q}`).set('Authorization', A);
        judge(endpoint, res, [q, decoded(q)]);
        if (res.status === 200) expect(schemaIssues('reachgraph.list@v1', res.body)).toEqual([]);
      }),
      { numRuns: RUNS.list },
    );
  });

  it('GET /v1/reachgraphs/by-artifact/{artifactDigest}: random, repeated and foreign page parameters', async () => {
    const endpoint = 'GET /v1/reachgraphs/by-artifact/{artifactDigest}?limit&cursor';
    ledger.plan(endpoint, RUNS.byArtifactPage);
    const artifact = exampleGraph().artifact.digest;
    const pageQuery = fc
      .array(
        fc.oneof(
          fc.tuple(fc.constantFrom('limit', 'cursor'), queryValue),
          fc.tuple(fc.constant('limit'), fc.constantFrom('1', '500', '501', '0', '1e2')),
          fc.tuple(fc.constantFrom('cve', 'artifactDigest', 'tenant', '__proto__'), queryValue),
        ),
        { maxLength: 3 },
      )
      .map((pairs) => new URLSearchParams(pairs).toString());
    await fc.assert(
      fc.asyncProperty(pageQuery, async (q) => {
        const res = await request(server.url)
          .get(`/v1/reachgraphs/by-artifact/${artifact}?${q}`)
          .set('Authorization', A);
        judge(endpoint, res, [q, decoded(q)]);
        if (res.status === 200) expect(res.body.artifactDigest).toBe(artifact);
      }),
      { numRuns: RUNS.byArtifactPage },
    );
  });

  it('DELETE /v1/reachgraphs/{digest}: random digests delete nothing', async () => {
    const endpoint = 'DELETE /v1/reachgraphs/{digest}';
    ledger.plan(endpoint, RUNS.deleteGraph);
    await fc.assert(
      fc.asyncProperty(digestish, async (d) => {
        judge(endpoint, await request(server.url).delete(`/v1/reachgraphs/${d}`).set('Authorization', A), [
          d,
          decoded(d),
        ]);
      }),
      { numRuns: RUNS.deleteGraph },
    );
    expect(
      (
        await request(server.url)
          .get(`/v1/reachgraphs/${digest}/slice?cve=CVE-2021-23337`)
          .set('Authorization', A)
      ).status,
    ).toBe(200);
  });

  it('POST /v1/reachgraphs/replay: random, wrong-typed, deep and mangled replay requests', async () => {
    const endpoint = 'POST /v1/reachgraphs/replay';
    ledger.plan(endpoint, RUNS.replay);
    const valid = () =>
      ({ expectedDigest: digest, inputs: structuredClone(ordersApiInputs()) }) as unknown as Record<
        string,
        unknown
      >;
    await fc.assert(
      fc.asyncProperty(jsonAttacks(valid), async (attack) => {
        const res = await post(
          '/v1/reachgraphs/replay',
          { 'Content-Type': 'application/json', ...attack.headers },
          attack.body,
        );
        judge(endpoint, res);
        bombIs413(attack, res);
      }),
      { numRuns: RUNS.replay },
    );
  });

  it('POST /v1/reachgraphs/build: random and wrong-typed build requests (no Signals configured)', async () => {
    const endpoint = 'POST /v1/reachgraphs/build';
    ledger.plan(endpoint, RUNS.build);
    const valid = () => ({
      callgraphId: '01HWXYZ123456789ABCDEFGHJK',
      runtimeFactBatchIds: ['01HWXYZ123456789ABCDEFGHJN'],
      sinks: [{ cve: 'CVE-2021-23337', purl: 'pkg:npm/lodash@4.17.20', symbol: 'template' }],
      artifact: { name: 'acme/orders-api', digest: `sha256:${'7'.repeat(64)}` },
    });
    await fc.assert(
      fc.asyncProperty(jsonAttacks(valid), async (attack) => {
        const res = await post(
          '/v1/reachgraphs/build',
          { 'Content-Type': 'application/json', ...attack.headers },
          attack.body,
        );
        judge(endpoint, res);
        bombIs413(attack, res);
      }),
      { numRuns: RUNS.build },
    );
  });

  it('documents in /openapi.json every code it may answer here', async () => {
    const openapi = JSON.stringify((await request(server.url).get('/openapi.json')).body);
    const undocumented = [...KNOWN, 'GRAPH_INTEGRITY_FAILED'].filter((code) => !openapi.includes(code));
    expect(undocumented).toEqual([]);
  });

  it('public routes and unknown paths (/ui traversal, /openapi.json, /metrics, any method): no 5xx, problems for errors', async () => {
    const endpoint = 'public and unknown routes';
    ledger.plan(endpoint, RUNS.publicRoutes);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
        fc.constantFrom(
          '/ui/',
          '/ui/assets/',
          '/v1/reachgraphs/',
          '/',
          '/openapi.json/',
          '/docs/',
          '/metrics/',
        ),
        fc.array(pathSegment, { maxLength: 3 }),
        async (method, prefix, parts) => {
          const path = `${prefix}${parts.join('/')}`;
          const res = await rawRequest(server.port, method, path, {});
          // HEAD answers have no body to judge.
          if (method === 'HEAD') {
            ledger.record(endpoint, res.status);
            expect(res.status).toBeLessThan(500);
          } else judge(endpoint, res, [...parts, ...parts.map(decoded)]);
          if (prefix.startsWith('/ui') && method === 'GET')
            expect(res.text).not.toMatch(/root:|\[extensions\]|"dependencies"/);
        },
      ),
      { numRuns: RUNS.publicRoutes },
    );
  });

  it('Authorization: random and malformed values are 401 problems', async () => {
    const endpoint = 'Authorization header (any route)';
    ledger.plan(endpoint, RUNS.authorization);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary-ascii', maxLength: 200 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
          fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
          fc.constantFrom(`Bearer ${'a'.repeat(12_000)}`, 'Bearer ', `${A}x`, `${A.slice(0, -3)}AAA`),
        ),
        async (auth) => {
          const res = await request(server.url).get(`/v1/reachgraphs/${digest}`).set('Authorization', auth);
          judge(endpoint, res, [auth]);
          expect([res.status, res.body.code]).toEqual([401, 'UNAUTHORIZED']);
        },
      ),
      { numRuns: RUNS.authorization },
    );
  });

  it('oversized and numerous headers: 431 HEADERS_TOO_LARGE (or the route answer) as problem+json', async () => {
    const endpoint = 'oversized headers (any route)';
    ledger.plan(endpoint, RUNS.headers);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(`/v1/reachgraphs/${digest}`, '/v1/reachgraphs', '/healthz', '/ui/'),
        fc.constantFrom('X-Junk', 'Authorization', 'Cookie', 'X-Expected-Digest', 'Accept-Encoding'),
        fc.integer({ min: 1, max: 64 }),
        async (path, name, kib) => {
          const headers: Record<string, string> = { Authorization: A };
          headers[name] = 'a'.repeat(kib * 1024);
          const res = await rawRequest(server.port, 'GET', path, headers);
          judge(endpoint, res);
          if (kib >= 16)
            expect([res.status, (res.body as { code?: string }).code]).toEqual([431, 'HEADERS_TOO_LARGE']);
        },
      ),
      { numRuns: RUNS.headers },
    );
  });

  it('stays up and consistent: /healthz and /readyz answer, the seeded graph still reads', async () => {
    expect((await request(server.url).get('/healthz')).status).toBe(200);
    expect((await request(server.url).get('/readyz')).status).toBe(200);
    const g = await request(server.url).get(`/v1/reachgraphs/${digest}`).set('Authorization', A);
    expect([g.status, g.headers.etag]).toEqual([200, `"${digest}"`]);
  });
});
