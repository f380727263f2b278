import { type ReachGraph, validate } from '@stella-ops/core';
import type { Express } from 'express';
import pg from 'pg';
import request from 'supertest';
import { exampleGraph } from './fixtures.js';
import { createSuite, type Suite, token } from './helpers.js';

const ARTIFACT_1 = `sha256:${'1'.repeat(64)}`;
const ARTIFACT_2 = `sha256:${'2'.repeat(64)}`;

/** The schema example as another graph: its artifact, lodash version, CVE and an extra package. */
function variant(opts: {
  name: string;
  artifact: string;
  lodash?: string;
  cve?: string;
  extraPurl?: string;
}): ReachGraph {
  const g = exampleGraph();
  g.artifact = { ...g.artifact, name: opts.name, digest: opts.artifact };
  const sink = g.nodes.find((n) => n.id === 'lodash:template');
  if (sink) {
    sink.purl = `pkg:npm/lodash@${opts.lodash ?? '4.17.20'}`;
    sink.cves = [opts.cve ?? 'CVE-2021-23337'];
  }
  g.scope = { ...g.scope, cves: [opts.cve ?? 'CVE-2021-23337'] };
  if (opts.extraPurl) {
    g.nodes.push({ id: `extra:${opts.name}`, kind: 'function', purl: opts.extraPurl, symbol: 'f' });
  }
  return g;
}

describe('GET /v1/reachgraphs (listing)', () => {
  let suite: Suite;
  let app: Express;
  let A: string;
  let B: string;
  /** Tenant A's graphs by name, in upload order (so the newest is last). */
  const digests = new Map<string, string>();

  beforeAll(async () => {
    suite = await createSuite('list');
    ({ app } = await suite.start());
    A = await token({ tenant: 'tenant-a' });
    B = await token({ tenant: 'tenant-b' });
    const uploads: [string, ReachGraph][] = [
      ['one', variant({ name: 'svc.one', artifact: ARTIFACT_1 })],
      ['two', variant({ name: 'svc.two', artifact: ARTIFACT_1, lodash: '4.17.21', cve: 'CVE-2020-8203' })],
      ['three', variant({ name: 'svc.three', artifact: ARTIFACT_2, extraPurl: 'pkg:npm/a_b%25c@1.0.0' })],
      ['four', variant({ name: 'svc.four', artifact: ARTIFACT_2, extraPurl: 'pkg:npm/aXbY25c@1.0.0' })],
    ];
    for (const [name, g] of uploads) {
      const res = await request(app).post('/v1/reachgraphs').set('Authorization', A).send(g);
      expect(res.status).toBe(201);
      digests.set(name, res.body.digest);
    }
    const other = await request(app)
      .post('/v1/reachgraphs')
      .set('Authorization', B)
      .send(variant({ name: 'svc.other-tenant', artifact: ARTIFACT_1 }));
    expect(other.status).toBe(201);
  });

  afterAll(async () => {
    await suite.close();
  });

  const list = (q: string, auth = A) =>
    request(app)
      .get(`/v1/reachgraphs${q ? `?${q}` : ''}`)
      .set('Authorization', auth);
  const names = (res: request.Response) =>
    (res.body.graphs as { artifact: { name: string } }[]).map((g) => g.artifact.name.replace('svc.', ''));

  const problem = (res: request.Response, status: number, code: string) => {
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.type).toBe('application/problem+json');
    validate('problem@v1', res.body);
  };

  it("lists the tenant's graphs newest first as reachgraph.list@v1, and none of another tenant's", async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    validate('reachgraph.list@v1', res.body);
    expect(res.body.query).toEqual({ limit: 50 });
    expect(names(res)).toEqual(['four', 'three', 'two', 'one']);
    expect(res.body.nextCursor).toBeUndefined();
    const [first] = res.body.graphs;
    expect(first).toMatchObject({
      digest: digests.get('four'),
      href: `/v1/reachgraphs/${digests.get('four')}`,
      counts: { nodes: 4, edges: 2 },
    });
    const other = await list('', B);
    expect(names(other)).toEqual(['other-tenant']);
  });

  it('filters by artifact digest and name, exact purl, every version of a package, and CVE; filters combine', async () => {
    const cases: [string, string[]][] = [
      [`artifactDigest=${ARTIFACT_1}`, ['two', 'one']],
      ['artifactName=svc.three', ['three']],
      [`purl=${encodeURIComponent('pkg:npm/lodash@4.17.21')}`, ['two']],
      [`purl=${encodeURIComponent('pkg:npm/lodash@*')}`, ['four', 'three', 'two', 'one']],
      [`purl=${encodeURIComponent('pkg:npm/lodash@4.17.2')}`, []],
      ['cve=CVE-2020-8203', ['two']],
      ['cve=CVE-2021-23337', ['four', 'three', 'one']],
      [`cve=CVE-2021-23337&artifactDigest=${ARTIFACT_1}`, ['one']],
      [`cve=CVE-2020-8203&purl=${encodeURIComponent('pkg:npm/lodash@4.17.20')}`, []],
      // LIKE's wildcards in a purl are matched as themselves.
      [`purl=${encodeURIComponent('pkg:npm/a_b%25c@*')}`, ['three']],
      [`purl=${encodeURIComponent('pkg:npm/a_b%25c@1.0.0')}`, ['three']],
    ];
    for (const [q, expected] of cases) {
      const res = await list(q);
      expect([q, res.status, names(res)]).toEqual([q, 200, expected]);
      validate('reachgraph.list@v1', res.body);
    }
  });

  it('pages with nextCursor: every graph once, in order, also when graphs share a timestamp to the microsecond', async () => {
    const walk = async (q: string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const res = await list(`${q}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        validate('reachgraph.list@v1', res.body);
        seen.push(...names(res));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      return seen;
    };
    expect(await walk('limit=3')).toEqual(['four', 'three', 'two', 'one']);
    expect(await walk(`limit=1&artifactDigest=${ARTIFACT_2}`)).toEqual(['four', 'three']);

    // The same instant for every graph: the digest orders them, and no page repeats or skips one.
    const owner = new pg.Client({ connectionString: suite.db.url });
    await owner.connect();
    try {
      await owner.query(`update reachgraph.subgraphs set created_at = '2026-12-06T08:00:00.123456Z'`);
    } finally {
      await owner.end();
    }
    const byDigest = [...digests.entries()].sort((a, b) => (a[1] < b[1] ? 1 : -1)).map(([name]) => name);
    expect(await walk('limit=1')).toEqual(byDigest);
    expect(await walk('limit=2')).toEqual(byDigest);
  });

  it.each([
    ['nope=1', 'QUERY_INVALID'],
    ['cve=CVE-2021-23337&cve=CVE-2020-8203', 'QUERY_INVALID'],
    ['artifactName=', 'QUERY_INVALID'],
    ['artifactDigest=sha256:abc', 'DIGEST_INVALID'],
    ['purl=lodash', 'PURL_INVALID'],
    ['cve=not-a-cve', 'CVE_INVALID'],
    ['limit=0', 'LIMIT_OUT_OF_RANGE'],
    ['limit=501', 'LIMIT_OUT_OF_RANGE'],
    ['limit=ten', 'LIMIT_OUT_OF_RANGE'],
    ['cursor=bm9wZQ', 'CURSOR_INVALID'],
  ])('?%s → 400 %s', async (q, code) => {
    problem(await list(q), 400, code);
  });

  it('refuses a cursor of other filters (400 CURSOR_INVALID), but not one of another page size', async () => {
    const first = await list('limit=1&cve=CVE-2021-23337');
    const cursor = encodeURIComponent(first.body.nextCursor as string);
    problem(await list(`limit=1&cursor=${cursor}`), 400, 'CURSOR_INVALID');
    problem(await list(`limit=1&cve=CVE-2020-8203&cursor=${cursor}`), 400, 'CURSOR_INVALID');
    expect((await list(`limit=2&cve=CVE-2021-23337&cursor=${cursor}`)).status).toBe(200);
  });

  it('needs reachgraph:read (403 FORBIDDEN) and a token (401 UNAUTHORIZED)', async () => {
    const writeOnly = await token({ tenant: 'tenant-a', scopes: ['reachgraph:write'] });
    problem(await list('', writeOnly), 403, 'FORBIDDEN');
    problem(await request(app).get('/v1/reachgraphs'), 401, 'UNAUTHORIZED');
  });
});

describe('GET /v1/reachgraphs/by-artifact/{artifactDigest} (paged)', () => {
  let suite: Suite;
  let app: Express;
  let A: string;

  beforeAll(async () => {
    suite = await createSuite('by-artifact');
    ({ app } = await suite.start());
    A = await token({ tenant: 'tenant-a' });
    for (const name of ['a', 'b', 'c']) {
      const res = await request(app)
        .post('/v1/reachgraphs')
        .set('Authorization', A)
        .send(variant({ name: `svc.${name}`, artifact: ARTIFACT_1 }));
      expect(res.status).toBe(201);
    }
    const elsewhere = await request(app)
      .post('/v1/reachgraphs')
      .set('Authorization', A)
      .send(variant({ name: 'svc.elsewhere', artifact: ARTIFACT_2 }));
    expect(elsewhere.status).toBe(201);
  });

  afterAll(async () => {
    await suite.close();
  });

  const byArtifact = (artifact: string, q = '') =>
    request(app)
      .get(`/v1/reachgraphs/by-artifact/${artifact}${q ? `?${q}` : ''}`)
      .set('Authorization', A);
  const digestsOf = (res: request.Response) => (res.body.graphs as { digest: string }[]).map((g) => g.digest);

  it('answers every graph of the artifact, newest first, in one page by default', async () => {
    const res = await byArtifact(ARTIFACT_1);
    expect(res.status).toBe(200);
    expect(res.body.artifactDigest).toBe(ARTIFACT_1);
    expect(res.body.graphs.map((g: { artifact: { name: string } }) => g.artifact.name)).toEqual([
      'svc.c',
      'svc.b',
      'svc.a',
    ]);
    expect(res.body.nextCursor).toBeUndefined();
  });

  it('pages with ?limit and nextCursor: each graph once, in the same order', async () => {
    const all = digestsOf(await byArtifact(ARTIFACT_1));
    const first = await byArtifact(ARTIFACT_1, 'limit=2');
    expect(digestsOf(first)).toEqual(all.slice(0, 2));
    const cursor = encodeURIComponent(first.body.nextCursor as string);
    const second = await byArtifact(ARTIFACT_1, `limit=2&cursor=${cursor}`);
    expect(digestsOf(second)).toEqual(all.slice(2));
    expect(second.body.nextCursor).toBeUndefined();
    // the same listing as GET /v1/reachgraphs?artifactDigest=: its cursors serve both
    const listed = await request(app)
      .get(`/v1/reachgraphs?artifactDigest=${ARTIFACT_1}&limit=2&cursor=${cursor}`)
      .set('Authorization', A);
    expect(digestsOf(listed)).toEqual(all.slice(2));
  });

  it.each([
    ['limit=0', 'LIMIT_OUT_OF_RANGE'],
    ['limit=501', 'LIMIT_OUT_OF_RANGE'],
    ['cursor=bm9wZQ', 'CURSOR_INVALID'],
    ['cve=CVE-2021-23337', 'QUERY_INVALID'],
    ['limit=1&limit=2', 'QUERY_INVALID'],
  ])('?%s → 400 %s', async (q, code) => {
    const res = await byArtifact(ARTIFACT_1, q);
    expect([res.status, res.body.code]).toEqual([400, code]);
    validate('problem@v1', res.body);
  });

  it("refuses another artifact's cursor (400 CURSOR_INVALID)", async () => {
    const first = await byArtifact(ARTIFACT_1, 'limit=1');
    const cursor = encodeURIComponent(first.body.nextCursor as string);
    const res = await byArtifact(ARTIFACT_2, `cursor=${cursor}`);
    expect([res.status, res.body.code]).toEqual([400, 'CURSOR_INVALID']);
  });
});
