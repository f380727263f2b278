import { type ReachGraph, type ReachGraphEdge, reachGraphDigest, validate } from '@stella-ops/core';
import { cleanRedisPrefix, redisTestUrl } from '@stella-ops/testkit';
import type { Express } from 'express';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import request from 'supertest';
import { createSuite, type Suite, token } from './helpers.js';

const LODASH = 'node_modules/lodash/lodash.js';

/** An orders service: the server reaches lodash.template, the CLI reaches minimist's setKey. */
function ordersGraph(edges: ReachGraphEdge[]): ReachGraph {
  const fn = (id: string, file: string, extra: object = {}) => ({
    id,
    kind: 'function' as const,
    file,
    ...extra,
  });
  return {
    schemaVersion: 'reachgraph.min@v1',
    artifact: { name: 'acme/orders', digest: `sha256:${'4f'.repeat(32)}` },
    scope: {},
    nodes: [
      fn('app:main', 'src/server.js', { isEntrypoint: true }),
      fn('app:cli', 'src/cli.js', { isEntrypoint: true }),
      fn('app:report', 'src/report.js'),
      fn('app:parse', 'src/cli.js'),
      fn('lodash:template', LODASH, { isSink: true, cves: ['CVE-2021-23337'] }),
      fn('lodash:zipObjectDeep', LODASH, { isSink: true, cves: ['CVE-2020-8203'] }),
      fn('minimist:setKey', 'node_modules/minimist/index.js', { isSink: true, cves: ['CVE-2021-44906'] }),
    ],
    edges,
    provenance: { inputs: [], analyzer: { name: 'test', version: '1' } },
  };
}

const call = (from: string, to: string): ReachGraphEdge => ({ from, to, why: { type: 'DirectCall' } });
const BASE_EDGES = [
  call('app:main', 'app:report'),
  call('app:report', 'lodash:template'),
  call('app:cli', 'app:parse'),
  call('app:parse', 'minimist:setKey'),
];
/** The report now also calls zipObjectDeep: CVE-2020-8203 becomes reachable. */
const ADDED_EDGES = [...BASE_EDGES, call('app:report', 'lodash:zipObjectDeep')];
/** The report calls zipObjectDeep only when a feature flag is on: CVE-2020-8203 becomes gated. */
const GUARDED_EDGES = [
  ...BASE_EDGES,
  {
    from: 'app:report',
    to: 'lodash:zipObjectDeep',
    why: { type: 'FeatureFlag' as const, guard: 'ZIP=enabled' },
  },
];
/** The CLI no longer parses with minimist: CVE-2021-44906's only path is gone. */
const REMOVED_EDGES = BASE_EDGES.filter((e) => e.to !== 'minimist:setKey');

describe('GET /v1/reachgraphs/{digest}/diff/{baseDigest}', () => {
  let suite: Suite;
  let app: Express;
  let redis: Redis;
  let A: string;
  let B: string;
  let readOnly: string;
  let base: string;
  let added: string;
  let removed: string;
  let guarded: string;

  beforeAll(async () => {
    suite = await createSuite('diff');
    ({ app } = await suite.start((cfg) => {
      cfg.redis = { url: redisTestUrl(), prefix: suite.redisPrefix };
    }));
    redis = new Redis(redisTestUrl());
    A = await token({ tenant: 'tenant-a' });
    B = await token({ tenant: 'tenant-b' });
    readOnly = await token({ tenant: 'tenant-a', scopes: ['reachgraph:read'] });
    const store = async (edges: ReachGraphEdge[]) => {
      const res = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(ordersGraph(edges));
      expect(res.status).toBe(201);
      expect(res.body.digest).toBe(await reachGraphDigest(ordersGraph(edges)));
      return res.body.digest as string;
    };
    base = await store(BASE_EDGES);
    added = await store(ADDED_EDGES);
    removed = await store(REMOVED_EDGES);
    guarded = await store(GUARDED_EDGES);
  });

  afterAll(async () => {
    await cleanRedisPrefix(redis, suite.redisPrefix);
    redis.disconnect();
    await suite.close();
  });

  const diff = (head: string, from: string, q: string, auth = A) =>
    request(app).get(`/v1/reachgraphs/${head}/diff/${from}?${q}`).set('Authorization', auth);

  const problem = (res: request.Response, status: number, code: string) => {
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.type).toBe('application/problem+json');
    validate('problem@v1', res.body);
  };

  it('reports the sink a new edge makes reachable, with the added path (reachgraph.diff@v1)', async () => {
    const res = await diff(added, base, 'cve=CVE-2020-8203', readOnly);
    expect(res.status).toBe(200);
    expect(res.get('cache-control')).toBe('private, no-cache');
    validate('reachgraph.diff@v1', res.body);
    expect(res.body).toMatchObject({
      digest: added,
      baseDigest: base,
      query: { type: 'cve', cve: 'CVE-2020-8203' },
      verdict: { base: 'not_reachable', head: 'reachable' },
      sinks: {
        newlyReachable: ['lodash:zipObjectDeep'],
        noLongerReachable: [],
        changed: [{ node: 'lodash:zipObjectDeep', base: 'unreachable', head: 'reachable' }],
      },
      paths: { removed: [], truncated: false },
      counts: { pathsAdded: 1, pathsRemoved: 0 },
      truncated: false,
    });
    expect(res.body.paths.added[0].hops.map((h: { from: string; to: string }) => [h.from, h.to])).toEqual([
      ['app:main', 'app:report'],
      ['app:report', 'lodash:zipObjectDeep'],
    ]);
  });

  it('reports a sink whose path disappeared as no longer reachable, and the reverse diff as newly reachable', async () => {
    const gone = await diff(removed, base, 'cve=CVE-2021-44906');
    expect(gone.status).toBe(200);
    expect(gone.body.verdict).toEqual({ base: 'reachable', head: 'not_reachable' });
    expect(gone.body.sinks.noLongerReachable).toEqual(['minimist:setKey']);
    expect(gone.body.paths.removed.map((p: { target: string }) => p.target)).toEqual(['minimist:setKey']);
    const back = await diff(base, removed, 'cve=CVE-2021-44906');
    expect(back.body.sinks.newlyReachable).toEqual(['minimist:setKey']);
    expect(back.body.paths.added).toEqual(gone.body.paths.removed);
  });

  it('is empty for a CVE whose reachability did not change, and for a graph compared with itself', async () => {
    for (const res of [
      await diff(added, base, 'cve=CVE-2021-23337'),
      await diff(base, base, 'cve=CVE-2021-44906'),
    ]) {
      expect(res.status).toBe(200);
      expect(res.body.sinks.changed).toEqual([]);
      expect(res.body.paths).toEqual({ added: [], removed: [], truncated: false });
    }
    expect((await diff(added, base, 'cve=CVE-2021-23337')).body.sinks.stillReachable).toEqual([
      'lodash:template',
    ]);
  });

  it('diffs a file glob: the nodes in matching files are the sinks', async () => {
    const res = await diff(added, base, `file=${encodeURIComponent('node_modules/lodash/**')}`);
    expect(res.status).toBe(200);
    validate('reachgraph.diff@v1', res.body);
    expect(res.body.query).toEqual({ type: 'file', file: 'node_modules/lodash/**' });
    expect(res.body.sinks).toMatchObject({
      newlyReachable: ['lodash:zipObjectDeep'],
      stillReachable: ['lodash:template'],
      changed: [{ node: 'lodash:zipObjectDeep', base: 'unreachable', head: 'reachable' }],
    });
    const cli = await diff(removed, base, `file=${encodeURIComponent('src/*.js')}`);
    expect(cli.body.sinks.changed).toEqual([]);
  });

  describe('conditional reachability', () => {
    it('reports a sink reached only behind an open guard as newly gated, not newly reachable', async () => {
      const res = await diff(guarded, base, 'cve=CVE-2020-8203');
      expect(res.status).toBe(200);
      validate('reachgraph.diff@v1', res.body);
      expect(res.body.verdict).toEqual({ base: 'not_reachable', head: 'gated' });
      expect(res.body.sinks).toMatchObject({ newlyReachable: [], newlyGated: ['lodash:zipObjectDeep'] });
      expect(res.body.paths.added[0].openGuards).toEqual(['ZIP=enabled']);
    });

    it('applies ?assume to both graphs: satisfied, the sink is newly reachable; contradicted, nothing changed', async () => {
      const on = await diff(guarded, base, 'cve=CVE-2020-8203&assume=ZIP%3Denabled');
      expect(on.status).toBe(200);
      expect(on.body.query).toEqual({ type: 'cve', cve: 'CVE-2020-8203', assume: { ZIP: 'enabled' } });
      expect(on.body.sinks.newlyReachable).toEqual(['lodash:zipObjectDeep']);
      const off = await diff(guarded, base, 'cve=CVE-2020-8203&assume=ZIP%3Ddisabled');
      expect(off.body.verdict).toEqual({ base: 'not_reachable', head: 'not_reachable' });
      expect(off.body.sinks.changed).toEqual([]);
    });

    it('reports gated → reachable (the guard was dropped) as newly reachable and no longer gated', async () => {
      const res = await diff(added, guarded, 'cve=CVE-2020-8203');
      expect(res.body.sinks).toMatchObject({
        newlyReachable: ['lodash:zipObjectDeep'],
        noLongerGated: ['lodash:zipObjectDeep'],
        changed: [{ node: 'lodash:zipObjectDeep', base: 'gated', head: 'reachable' }],
      });
    });

    it.each([
      ['a key that starts with a digit', '1ZIP%3Denabled'],
      ['a key given twice', 'ZIP%3Don,ZIP%3Doff'],
      ['a pair without a value', 'ZIP'],
    ])('answers 400 ASSUME_INVALID for %s', async (_what, assume) => {
      problem(await diff(guarded, base, `cve=CVE-2020-8203&assume=${assume}`), 400, 'ASSUME_INVALID');
    });
  });

  it("answers 404 GRAPH_NOT_FOUND for another tenant's graph exactly as for a missing one", async () => {
    const missing = `blake3:${'0'.repeat(64)}`;
    problem(await diff(missing, base, 'cve=CVE-2020-8203'), 404, 'GRAPH_NOT_FOUND');
    problem(await diff(added, missing, 'cve=CVE-2020-8203'), 404, 'GRAPH_NOT_FOUND');
    problem(await diff(added, base, 'cve=CVE-2020-8203', B), 404, 'GRAPH_NOT_FOUND');
    // tenant-b stores the base graph too: its head is still tenant-a's alone.
    await request(app)
      .post('/v1/reachgraphs')
      .set('Authorization', B)
      .send(ordersGraph(BASE_EDGES))
      .expect(201);
    const foreign = await diff(added, base, 'cve=CVE-2020-8203', B);
    const absent = await diff(missing, base, 'cve=CVE-2020-8203', B);
    problem(foreign, 404, 'GRAPH_NOT_FOUND');
    expect(foreign.body.detail).toBe(`no reachgraph ${added}`);
    expect(absent.body.detail).toBe(`no reachgraph ${missing}`);
    expect((await diff(base, base, 'cve=CVE-2020-8203', B)).status).toBe(200);
  });

  it.each([
    ['neither cve nor file', 'observed=only', 'QUERY_INVALID'],
    ['both cve and file', 'cve=CVE-2020-8203&file=src/**', 'QUERY_INVALID'],
    ['a repeated cve', 'cve=CVE-2020-8203&cve=CVE-2021-23337', 'QUERY_INVALID'],
    ['an unknown parameter', 'cve=CVE-2020-8203&limit=5', 'QUERY_INVALID'],
    ['a paging cursor', 'cve=CVE-2020-8203&cursor=abc', 'QUERY_INVALID'],
    ['a malformed CVE id', 'cve=not-a-cve', 'CVE_INVALID'],
    ['an unbalanced glob', 'file=src/%7Ba', 'GLOB_INVALID'],
    ['an observed filter that does not exist', 'cve=CVE-2020-8203&observed=maybe', 'QUERY_INVALID'],
  ])('answers 400 for %s', async (_what, q, code) => {
    problem(await diff(added, base, q), 400, code);
  });

  it('validates both digests like every other route (400 DIGEST_INVALID)', async () => {
    problem(await diff('blake3:XYZ', base, 'cve=CVE-2020-8203'), 400, 'DIGEST_INVALID');
    const res = await diff(added, `sha256:${'a'.repeat(64)}`, 'cve=CVE-2020-8203');
    problem(res, 400, 'DIGEST_INVALID');
    expect(res.body.errors).toEqual([{ pointer: '/baseDigest', message: 'not a blake3 digest' }]);
  });

  it('needs a token with the read scope', async () => {
    problem(
      await request(app).get(`/v1/reachgraphs/${added}/diff/${base}?cve=CVE-2020-8203`),
      401,
      'UNAUTHORIZED',
    );
    const writeOnly = await token({ tenant: 'tenant-a', scopes: ['reachgraph:write'] });
    problem(await diff(added, base, 'cve=CVE-2020-8203', writeOnly), 403, 'FORBIDDEN');
  });

  it('compares whole slices up to the configured path limit, and says when that limit cut one', async () => {
    const { app: small } = await suite.start((cfg) => {
      cfg.limits.sliceMaxPaths = 1;
    });
    const res = await request(small)
      .get(`/v1/reachgraphs/${added}/diff/${removed}?file=${encodeURIComponent('**')}`)
      .set('Authorization', A);
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(true);
    expect(res.body.paths.added.length + res.body.paths.removed.length).toBeLessThanOrEqual(2);
  });

  it('counts against the read limit', async () => {
    const { app: limited } = await suite.start((cfg) => {
      cfg.limits.readsPerMinute = 1;
    });
    const once = () =>
      request(limited)
        .get(`/v1/reachgraphs/${added}/diff/${base}?cve=CVE-2020-8203`)
        .set('Authorization', readOnly);
    expect((await once()).status).toBe(200);
    problem(await once(), 429, 'RATE_LIMITED');
  });

  it('answers random query strings with 200 or a 400 of a known code, never anything else', async () => {
    const CODES = ['QUERY_INVALID', 'CVE_INVALID', 'GLOB_INVALID', 'ASSUME_INVALID'];
    const value = fc.oneof(
      fc.constantFrom(
        'CVE-2020-8203',
        'src/**',
        '{a',
        'ZIP=enabled',
        'ZIP',
        '1X=y',
        'only',
        '',
        '%00',
        '%ZZ',
      ),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const pair = fc.tuple(fc.constantFrom('cve', 'file', 'assume', 'observed', 'limit', 'q', 'cve'), value);
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { maxLength: 4 }), async (pairs) => {
        const q = pairs.map(([k, v]) => `${k}=${v}`).join('&');
        const res = await diff(added, base, q);
        if (res.status === 200) validate('reachgraph.diff@v1', res.body);
        else {
          expect({ q, status: res.status }).toEqual({ q, status: 400 });
          expect(CODES.concat(['PATH_INVALID', 'REQUEST_INVALID'])).toContain(res.body.code);
          validate('problem@v1', res.body);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('counts diffs by query type and outcome in /metrics', async () => {
    const metrics = (await request(app).get('/metrics')).text;
    expect(metrics).toMatch(/reachgraph_diffs_total\{type="cve",outcome="newly_reachable"\} [1-9]/);
    expect(metrics).toMatch(/reachgraph_diffs_total\{type="file",outcome="unchanged"\} [1-9]/);
  });

  it('is documented in /openapi.json with its schema and error codes', async () => {
    const openapi = (await request(app).get('/openapi.json')).body;
    const op = openapi.paths['/v1/reachgraphs/{digest}/diff/{baseDigest}'].get;
    expect(op.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ReachGraphDiff',
    });
    expect(openapi.components.schemas.ReachGraphDiff.$id).toBe(
      'https://stella-ops.org/schemas/reachgraph-diff.v1.schema.json',
    );
    for (const code of ['DIGEST_INVALID', 'QUERY_INVALID', 'GLOB_INVALID', 'CVE_INVALID', 'ASSUME_INVALID']) {
      expect(op.responses['400'].description).toContain(code);
    }
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual([
      'digest',
      'baseDigest',
      'cve',
      'file',
      'assume',
      'observed',
    ]);
  });
});
