import { gzipSync } from 'node:zlib';
import { zstdCompress } from '@stella-ops/cas';
import { listen, type RunningServer } from '@stella-ops/service-kit';
import {
  answerViolations,
  CaseLedger,
  compressionBomb,
  deepJson,
  INVALID_UTF8,
  type RawAnswer,
  rawRequest,
  SQL_INJECTION,
  splice,
  TRAVERSAL,
} from '@stella-ops/testkit';
import fc from 'fast-check';
import request from 'supertest';
import { callgraphRecords, fact, ndjson } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

/**
 * Issue 10 §2: every Signals endpoint under hostile input, against the real servers (Postgres, the
 * S3 server) through a listening HTTP server. Every answer must be < 500; every rejection
 * problem+json (problem@v1) with a known code and without internals; nothing half-written.
 */

/** Every code Signals may answer a client with (README "Routes" and service-kit). */
const KNOWN = new Set([
  'UNAUTHORIZED',
  'FORBIDDEN',
  'TENANT_UNKNOWN',
  'TENANT_MISMATCH',
  'ROUTE_NOT_FOUND',
  'PATH_INVALID',
  'HEADERS_TOO_LARGE',
  'ULID_INVALID',
  'DIGEST_INVALID',
  'PURL_INVALID',
  'QUERY_INVALID',
  'CURSOR_INVALID',
  'NDJSON_INVALID',
  'JSON_INVALID',
  'BODY_ENCODING_INVALID',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'CALLGRAPH_EMPTY',
  'CALLGRAPH_HEADER_MISSING',
  'CALLGRAPH_HEADER_DUPLICATE',
  'SCHEMA_INVALID',
  'LANGUAGE_UNKNOWN',
  'NODE_ID_DUPLICATE',
  'EDGE_NODE_UNKNOWN',
  'CALLGRAPH_NOT_FOUND',
  'BATCH_NOT_FOUND',
  'PROVENANCE_HASH_MISMATCH',
  'ENVELOPE_INVALID',
  'SIGNATURE_INVALID',
  'CANONICAL_JSON_INVALID',
]);

/** fast-check runs per endpoint: ~1,900 requests in all, about a minute on the shared CI box. */
const RUNS = {
  postCallgraphs: 150,
  postRuntimeFacts: 150,
  postVerify: 120,
  byId: 100,
  byPurl: 100,
  byDigest: 80,
  feed: 120,
  unknownRoutes: 60,
  authorization: 60,
  headers: 40,
} as const;

const ledger = new CaseLedger();
let h: Harness;
let server: RunningServer;
let writer: string;
let agent: string;
let reader: string;
let graphId: string;
let batchId: string;
let digest: string;
let provenanceHash: string;
let envelope: Record<string, unknown>;
let created = 0;

beforeAll(async () => {
  // Small body limits keep compression bombs cheap; the limit logic is the same at any size.
  h = await startHarness({ settings: { Limits: { MaxCallgraphBytes: 4 * 1024 * 1024 } } });
  server = await listen(h.app, 0);
  writer = await h.auth('scanner-worker');
  agent = await h.auth('runtime-agent');
  reader = await h.auth('policy-engine');
  const g = await request(server.url)
    .post('/signals/callgraphs')
    .set('Authorization', writer)
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson(callgraphRecords(3)));
  ({ graphId, digest } = g.body);
  const b = await request(server.url)
    .post(`/signals/runtime-facts?callgraphId=${graphId}&source=seed`)
    .set('Authorization', agent)
    .set('Content-Type', 'application/x-ndjson')
    .send(ndjson([fact(1)]));
  ({ batchId, provenanceHash } = b.body.provenance);
  const m = await request(server.url)
    .get(`/signals/callgraphs/${graphId}/manifest`)
    .set('Authorization', reader);
  envelope = m.body.envelope;
});

afterAll(async () => {
  // The figures for RELIABILITY.md ("Bad input").
  process.stdout.write(`\nSignals fuzz cases per endpoint\n${ledger.table()}\n`);
  await server?.close(0);
  await h?.stop();
});

/** Records and checks one answer; throws (so fast-check shrinks) on any violation. */
function judge(
  endpoint: string,
  res: { status: number; headers: Record<string, unknown>; text: string; body: unknown },
  sent: readonly string[] = [],
): void {
  const code = (res.body as { code?: string } | undefined)?.code;
  ledger.record(endpoint, res.status, typeof code === 'string' ? code : undefined);
  const wrong = answerViolations(res, KNOWN, sent);
  if (wrong.length > 0) {
    throw new Error(`${endpoint}: ${wrong.join('; ')}\n${res.status} ${String(res.text).slice(0, 400)}`);
  }
}

/**
 * POSTs exact bytes through node:http (supertest would re-serialise a Buffer sent as JSON); a server
 * that answered before reading the whole body may reset the upload, which is fine.
 */
function post(
  path: string,
  auth: string,
  headers: Record<string, string>,
  body: Buffer | string,
): Promise<RawAnswer> {
  return rawRequest(server.port, 'POST', path, { Authorization: auth, ...headers }, Buffer.from(body));
}

const segment = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.constantFrom(...TRAVERSAL, ...SQL_INJECTION),
  fc.stringMatching(/^[0-9A-Za-z]{20,30}$/),
);
/** Path segments sent without encoding (what a hand-written client might send). */
const rawSegment = fc.constantFrom(
  '%E0%A4%A',
  '%',
  '%zz',
  '%C0%AF',
  '..%c0%af..%c0%afetc',
  '%2e%2e%2f%2e%2e%2f',
  '..',
  '...',
  '%00',
  '%ff%fe',
);
const pathSegment = fc.oneof(
  { weight: 4, arbitrary: segment.map((s) => encodeURIComponent(s)) },
  { weight: 1, arbitrary: rawSegment },
);
const queryValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(...SQL_INJECTION, ...TRAVERSAL, '', '0', '-1', '1e309', 'NaN', 'true', '9'.repeat(400)),
);
/** A query string: known names and random ones, repeated names, and raw bad percent-encoding. */
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

/** A valid NDJSON call graph, then damaged one way or another. */
type Body = { kind: string; body: Buffer; headers: Record<string, string> };
const plain = (kind: string, body: Buffer | string, headers: Record<string, string> = {}): Body => ({
  kind,
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  headers,
});

function ndjsonAttacks(valid: () => Record<string, unknown>[], limitMiB: number): fc.Arbitrary<Body> {
  const text = () => ndjson(valid());
  return fc.oneof(
    fc
      .array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 })
      .map((lines) => plain('random JSON', ndjson(lines))),
    fc
      .tuple(fc.nat(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), fc.boolean())
      .map(([i, key, value, existing]) => {
        const records = valid();
        const r = records[i % records.length] as Record<string, unknown>;
        const keys = Object.keys(r);
        r[existing ? (keys[i % keys.length] as string) : key] = value;
        return plain('wrong-typed field', ndjson(records));
      }),
    fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.string({ maxLength: 3 })).map(([at, cut, junk]) => {
      const t = text();
      const i = at % t.length;
      return plain('broken NDJSON line', t.slice(0, i) + junk + t.slice(i + cut));
    }),
    fc.tuple(fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([at, bad]) => {
      const b = Buffer.from(text());
      return plain('invalid UTF-8', splice(b, at % b.length, bad));
    }),
    fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([i, value]) => {
      const lines = text().trimEnd().split('\n');
      const k = i % lines.length;
      const line = lines[k] as string;
      const key = line.match(/^\{"([^"]+)"/)?.[1] ?? 'type';
      lines[k] = `{"${key}":${JSON.stringify(value)},${line.slice(1)}`;
      return plain('duplicate keys', `${lines.join('\n')}\n`);
    }),
    fc.tuple(fc.integer({ min: 1, max: limitMiB + 1 }), fc.nat()).map(([mib, i]) => {
      const records = valid();
      const r = records[i % records.length] as Record<string, unknown>;
      r[Object.keys(r)[1] ?? 'x'] = 'x'.repeat(mib * 1024 * 1024 - 100);
      return plain('huge string', ndjson(records));
    }),
    fc.tuple(fc.boolean(), fc.boolean()).map(([objects, wrapped]) => {
      const deep = deepJson(10_000, objects);
      const t = text();
      return plain('10,000-deep nesting', wrapped ? `{"deep":${deep},${t.slice(1)}` : `${deep}\n`);
    }),
    fc
      .tuple(
        fc.constantFrom('gzip', 'deflate', 'zstd', 'x-gzip', 'br', 'compress', 'gzip, gzip'),
        fc.uint8Array({ maxLength: 200 }),
      )
      .map(([enc, bytes]) =>
        plain('corrupt compressed body', Buffer.from(bytes), { 'Content-Encoding': enc }),
      ),
    fc
      .constantFrom('gzip', 'deflate', 'zstd')
      .map((enc) => plain('compression bomb', BOMBS[enc] as Buffer, { 'Content-Encoding': enc })),
    fc.tuple(fc.constantFrom('gzip', 'zstd'), fc.nat()).map(([enc, at]) => {
      // A valid body compressed, with one byte of the compressed stream changed.
      const packed = enc === 'gzip' ? gzipSync(text()) : zstdCompress(Buffer.from(text()));
      const i = at % packed.length;
      packed[i] = (packed[i] as number) ^ 0x5a;
      return plain('flipped compressed byte', packed, { 'Content-Encoding': enc });
    }),
  );
}

const BOMBS: Record<string, Buffer> = {};
beforeAll(() => {
  // 1 GiB of zeros in ~1 MiB (gzip, zstd: concatenated 16 MiB members/frames); deflate 64 MiB.
  BOMBS['gzip'] = compressionBomb('gzip', 1024);
  BOMBS['deflate'] = compressionBomb('deflate', 64);
  const frame = zstdCompress(Buffer.alloc(16 * 1024 * 1024), 19);
  BOMBS['zstd'] = Buffer.concat(Array.from({ length: 64 }, () => frame));
});

describe('Signals under hostile input (issue 10 §2)', () => {
  it('POST /signals/callgraphs: bad NDJSON, types, encodings, bombs and nesting are 4xx problems; nothing half-written', async () => {
    ledger.plan('POST /signals/callgraphs', RUNS.postCallgraphs);
    await fc.assert(
      fc.asyncProperty(
        ndjsonAttacks(() => callgraphRecords(3), 4),
        // Mostly NDJSON (the interesting parsing happens past the type check); now and then not.
        fc
          .nat({ max: 19 })
          .map((i) =>
            i < 16
              ? 'application/x-ndjson'
              : (['application/x-ndjson; charset=utf-8', 'application/json', 'text/plain', ''][
                  i - 16
                ] as string),
          ),
        async (attack, contentType) => {
          const headers: Record<string, string> = { ...attack.headers };
          if (contentType) headers['Content-Type'] = contentType;
          const res = await post('/signals/callgraphs', writer, headers, attack.body);
          judge('POST /signals/callgraphs', res);
          // The limit applies to the decompressed size.
          if (attack.kind === 'compression bomb' && contentType === 'application/x-ndjson')
            expect([res.status, (res.body as { code?: string }).code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
          if (res.status === 201) created++;
        },
      ),
      { numRuns: RUNS.postCallgraphs },
    );
    // Blob first, index row last: only the uploads that answered 201 (and the seed) have rows.
    const rows = await h.ctx.pool.query<{ n: string }>('SELECT count(*) AS n FROM signals.callgraphs');
    expect(Number(rows.rows[0]?.n)).toBe(created + 1);
  });

  it('POST /signals/runtime-facts: NDJSON and JSON batches, query and X-Provenance-Hash under attack', async () => {
    ledger.plan('POST /signals/runtime-facts', RUNS.postRuntimeFacts);
    const before = await h.ctx.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM signals.runtime_fact_batches',
    );
    let batches = 0;
    const facts = () => [fact(1), fact(2)] as unknown as Record<string, unknown>[];
    const target = fc.oneof(
      { weight: 3, arbitrary: fc.constant(`callgraphId=${graphId}&source=fuzz`) },
      queryOf(['callgraphId', 'source']),
      fc
        .tuple(segment, segment)
        .map(([c, s]) => new URLSearchParams({ callgraphId: c, source: s }).toString()),
    );
    const jsonBatch = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => plain('random JSON', JSON.stringify(v) ?? 'null')),
      fc
        .tuple(
          fc.constantFrom('callgraphId', 'source', 'facts', 'provenanceHash', 'extra'),
          fc.jsonValue({ maxDepth: 3 }),
        )
        .map(([k, v]) =>
          plain(
            'wrong-typed batch',
            JSON.stringify({ callgraphId: graphId, source: 'fuzz', facts: facts(), [k]: v }),
          ),
        ),
      fc.constant(
        plain('10,000-deep nesting', `{"callgraphId":"${graphId}","source":"s","facts":${deepJson(10_000)}}`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.constant('application/x-ndjson'), ndjsonAttacks(facts, 10), target),
          fc.tuple(fc.constant('application/json'), jsonBatch, fc.constant('')),
        ),
        fc.option(fc.oneof(queryValue, fc.constant(`sha256:${'a'.repeat(64)}`)), { nil: undefined, freq: 4 }),
        async ([contentType, attack, query], provenanceHeader) => {
          const headers: Record<string, string> = { ...attack.headers, 'Content-Type': contentType };
          if (provenanceHeader !== undefined && /^[\t\x20-\x7e]*$/.test(provenanceHeader))
            headers['X-Provenance-Hash'] = provenanceHeader;
          const res = await post(
            `/signals/runtime-facts${query ? `?${query}` : ''}`,
            agent,
            headers,
            attack.body,
          );
          judge('POST /signals/runtime-facts', res, [query, provenanceHeader ?? '']);
          if (res.status === 201) batches++;
        },
      ),
      { numRuns: RUNS.postRuntimeFacts },
    );
    const after = await h.ctx.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM signals.runtime_fact_batches',
    );
    expect(Number(after.rows[0]?.n) - Number(before.rows[0]?.n)).toBe(batches);
  });

  it('POST /signals/verify: random JSON, wrong-typed and mangled envelopes', async () => {
    ledger.plan('POST /signals/verify', RUNS.postVerify);
    const field = fc.constantFrom('payload', 'payloadType', 'signatures', 'keyid', 'sig');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ envelope: v })),
          fc.tuple(field, fc.jsonValue({ maxDepth: 3 })).map(([k, v]) => {
            const env = structuredClone(envelope);
            const signatures = env['signatures'] as Record<string, unknown>[];
            if (k === 'keyid' || k === 'sig') (signatures[0] as Record<string, unknown>)[k] = v;
            else env[k] = v;
            return JSON.stringify({ envelope: env });
          }),
          fc.nat().map((at) => {
            const b = Buffer.from(JSON.stringify({ envelope }));
            return splice(b, at % b.length, INVALID_UTF8[at % INVALID_UTF8.length] as Buffer);
          }),
          fc.constant(`{"envelope":${deepJson(10_000, true)}}`),
          fc.constant(`{"envelope":{"payload":"${'A'.repeat(5 * 1024 * 1024)}"}}`),
          fc.constant('{"envelope":{"payload":"e30","payload":"e31","payloadType":"x","signatures":[]}}'),
        ),
        async (body) => {
          const res = await post('/signals/verify', reader, { 'Content-Type': 'application/json' }, body);
          judge('POST /signals/verify', res);
        },
      ),
      { numRuns: RUNS.postVerify },
    );
  });

  it.each([
    ['GET /signals/callgraphs/{graphId}', (s: string) => `/signals/callgraphs/${s}`],
    ['GET /signals/callgraphs/{graphId}/manifest', (s: string) => `/signals/callgraphs/${s}/manifest`],
    ['GET /signals/runtime-facts/{batchId}', (s: string) => `/signals/runtime-facts/${s}`],
    [
      'GET /signals/runtime-facts/{batchId}/provenance',
      (s: string) => `/signals/runtime-facts/${s}/provenance`,
    ],
  ])('%s: random ids, traversal and SQL are 4xx problems', async (endpoint, path) => {
    ledger.plan(endpoint, RUNS.byId);
    await fc.assert(
      fc.asyncProperty(pathSegment, async (s) => {
        judge(endpoint, await request(server.url).get(path(s)).set('Authorization', reader), [
          s,
          decodeSafe(s),
        ]);
      }),
      { numRuns: RUNS.byId },
    );
  });

  it.each([
    ['GET /signals/callgraphs/by-digest/{digest}', (s: string) => `/signals/callgraphs/by-digest/${s}`],
    ['GET /signals/runtime-facts/by-hash/{sha256}', (s: string) => `/signals/runtime-facts/by-hash/${s}`],
  ])('%s: malformed and traversing digests are 400 DIGEST_INVALID or 404', async (endpoint, path) => {
    ledger.plan(endpoint, RUNS.byDigest);
    const digestish = fc.oneof(
      pathSegment,
      fc.stringMatching(/^sha256:[0-9a-fA-F]{60,68}$/),
      fc.constantFrom(
        `sha256:${'A'.repeat(64)}`,
        digest.toUpperCase(),
        `${digest}/..`,
        `${provenanceHash}%00`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(digestish, async (s) => {
        judge(endpoint, await request(server.url).get(path(s)).set('Authorization', reader), [
          s,
          decodeSafe(s),
        ]);
      }),
      { numRuns: RUNS.byDigest },
    );
  });

  it('GET /signals/callgraphs/by-purl/{purl}: random, traversing and injecting purls, cursors and limits', async () => {
    const endpoint = 'GET /signals/callgraphs/by-purl/{purl}';
    ledger.plan(endpoint, RUNS.byPurl);
    const purl = fc.oneof(
      pathSegment,
      fc
        .tuple(fc.constantFrom('npm', 'maven', 'pypi', 'golang', 'x'), segment, segment)
        .map(([t, n, v]) => encodeURIComponent(`pkg:${t}/${n}@${v}`)),
      fc.constantFrom(
        'pkg:npm/a/b/c/../../d',
        'pkg:npm/%2540acme%252F..%252Fbackend',
        'pkg:npm/left-pad@%25',
      ),
    );
    await fc.assert(
      fc.asyncProperty(purl, queryOf(['cursor', 'limit']), async (p, q) => {
        const res = await request(server.url)
          .get(`/signals/callgraphs/by-purl/${p}${q ? `?${q}` : ''}`)
          .set('Authorization', reader);
        judge(endpoint, res, [p, decodeSafe(p), q, decodeSafe(q)]);
      }),
      {
        numRuns: RUNS.byPurl,
        // A NUL (an encoded `%00` inside the purl) reached PostgreSQL once and came back as a 500.
        examples: [
          ['pkg%3Anpm%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd%40%2500', ''],
          ['pkg:npm/a%2500b', ''],
        ],
      },
    );
  });

  it('GET /signals/runtime-facts/ndjson: random and repeated query parameters', async () => {
    const endpoint = 'GET /signals/runtime-facts/ndjson';
    ledger.plan(endpoint, RUNS.feed);
    await fc.assert(
      fc.asyncProperty(
        queryOf(['tenant', 'callgraph_id', 'since', 'include_provenance', 'cursor']),
        async (q) => {
          const res = await request(server.url)
            .get(`/signals/runtime-facts/ndjson?${q}`)
            .set('Authorization', reader);
          judge(endpoint, res, [q, decodeSafe(q)]);
        },
      ),
      { numRuns: RUNS.feed },
    );
  });

  it('unknown routes and methods (with traversal) are 404 ROUTE_NOT_FOUND problems; /signals/keys ignores junk', async () => {
    const endpoint = 'any other route / method';
    ledger.plan(endpoint, RUNS.unknownRoutes);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('get', 'post', 'put', 'delete', 'patch', 'options') as fc.Arbitrary<
          'get' | 'post' | 'put' | 'delete' | 'patch' | 'options'
        >,
        fc.array(pathSegment, { minLength: 1, maxLength: 4 }),
        async (method, parts) => {
          const res = await request(server.url)
            [method](`/signals/${parts.join('/')}`)
            .set('Authorization', reader);
          judge(endpoint, res, [...parts, ...parts.map(decodeSafe)]);
        },
      ),
      { numRuns: RUNS.unknownRoutes },
    );
    const keys = await request(server.url).get('/signals/keys?x=%E0%A4%A&x=1');
    judge('GET /signals/keys', keys);
    expect(keys.status).toBe(200);
  });

  it('Authorization: random, oversized and malformed values are 401 problems', async () => {
    const endpoint = 'Authorization header (any route)';
    ledger.plan(endpoint, RUNS.authorization);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary-ascii', maxLength: 200 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
          fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
          fc.constantFrom(
            `Bearer ${'a'.repeat(12_000)}`,
            'Bearer ',
            'Basic dXNlcjpwYXNz',
            `Bearer ${reader.slice(7)}x`,
          ),
          fc.nat().map((i) => {
            const t = reader.slice(7).split('.');
            const part = i % 3;
            t[part] = `${(t[part] as string).slice(0, -2)}AA`;
            return `Bearer ${t.join('.')}`;
          }),
        ),
        async (auth) => {
          const res = await request(server.url)
            .get(`/signals/callgraphs/${graphId}`)
            .set('Authorization', auth);
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
        fc.constantFrom(`/signals/callgraphs/${graphId}`, '/signals/callgraphs', '/signals/keys', '/healthz'),
        fc.constantFrom('X-Junk', 'Authorization', 'Cookie', 'Content-Type', 'X-Provenance-Hash'),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 40 }),
        async (path, name, kib, copies) => {
          const headers: Record<string, string> = { Authorization: reader };
          headers[name] = 'a'.repeat(kib * 1024);
          for (let i = 0; i < copies; i++) headers[`X-Extra-${i}`] = 'b'.repeat(512);
          const res = await rawRequest(server.port, 'GET', path, headers);
          judge(endpoint, res);
          if (kib >= 16)
            expect([res.status, (res.body as { code?: string }).code]).toEqual([431, 'HEADERS_TOO_LARGE']);
        },
      ),
      { numRuns: RUNS.headers },
    );
  });

  it('stays up and consistent: /healthz and /readyz answer, the seeded data still reads and verifies', async () => {
    expect((await request(server.url).get('/healthz')).status).toBe(200);
    expect((await request(server.url).get('/readyz')).status).toBe(200);
    const g = await request(server.url).get(`/signals/callgraphs/${graphId}`).set('Authorization', reader);
    expect([g.status, g.headers['x-content-digest']]).toEqual([200, digest]);
    const p = await request(server.url)
      .get(`/signals/runtime-facts/${batchId}/provenance`)
      .set('Authorization', reader);
    expect(p.status).toBe(200);
  });
});

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
