import { attachmentName, createClient, listQueryString } from './client.js';
import { ApiError } from './problem.js';

const graph = `blake3:${'ab'.repeat(32)}`;
const listing = {
  schemaVersion: 'reachgraph.list@v1',
  query: { cve: 'CVE-2021-23337', limit: 25 },
  graphs: [
    {
      digest: graph,
      artifact: { name: 'acme/orders-api', digest: `sha256:${'0'.repeat(64)}` },
      counts: { nodes: 11, edges: 11 },
      sizes: { canonicalBytes: 100, binaryBytes: 80 },
      signatures: [],
      createdAt: '2026-11-20T09:30:00.123456Z',
      href: `/v1/reachgraphs/${graph}`,
    },
  ],
  nextCursor: 'next-1',
};

/** Replaces fetch for one test, recording what was asked. */
function stubFetch(answer: () => Response): { calls: { url: string; init: RequestInit | undefined }[] } {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  globalThis.fetch = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    return answer();
  }) as typeof fetch;
  return { calls };
}

describe('the console’s API client', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('takes a download’s file name from Content-Disposition', () => {
    expect(attachmentName('attachment; filename="reachgraph-2f0a-CVE-1.bundle.json"')).toBe(
      'reachgraph-2f0a-CVE-1.bundle.json',
    );
    expect(attachmentName('attachment')).toBeUndefined();
    expect(attachmentName(null)).toBeUndefined();
  });

  it('writes a listing’s parameters in a fixed order, leaving out those not given', () => {
    expect(listQueryString({})).toBe('');
    expect(listQueryString({ cursor: 'c/1', limit: 25, purl: 'pkg:npm/lodash@*', cve: 'CVE-1' })).toBe(
      'cve=CVE-1&purl=pkg%3Anpm%2Flodash%40*&limit=25&cursor=c%2F1',
    );
    expect(listQueryString({ artifactName: 'acme/a b', artifactDigest: 'sha256:00', cve: '' })).toBe(
      'artifactDigest=sha256%3A00&artifactName=acme%2Fa+b',
    );
  });

  it('lists graphs with GET /v1/reachgraphs and its filters, sending the bearer token, and returns the page', async () => {
    const { calls } = stubFetch(
      () => new Response(JSON.stringify(listing), { headers: { 'content-type': 'application/json' } }),
    );
    const client = createClient('tok', 'http://svc.test');
    const page = await client.listGraphs({ cve: 'CVE-2021-23337', limit: 25, cursor: 'c1' });
    expect(page).toEqual(listing);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://svc.test/v1/reachgraphs?cve=CVE-2021-23337&limit=25&cursor=c1');
    expect(calls[0]?.init?.headers).toEqual({ accept: 'application/json', authorization: 'Bearer tok' });
    expect(calls[0]?.init?.credentials).toBe('omit');
  });

  it('asks for the most recent graphs with no query string at all', async () => {
    const { calls } = stubFetch(() => new Response(JSON.stringify({ ...listing, graphs: [] })));
    await createClient(undefined).listGraphs({});
    expect(calls[0]?.url).toBe('/v1/reachgraphs');
    expect(calls[0]?.init?.headers).toEqual({ accept: 'application/json' });
  });

  it('throws the service’s problem (code and detail) when a listing is refused', async () => {
    const problem = {
      type: 'about:blank',
      title: 'Bad request',
      status: 400,
      code: 'CVE_INVALID',
      detail: '?cve is invalid',
    };
    stubFetch(
      () =>
        new Response(JSON.stringify(problem), {
          status: 400,
          headers: { 'content-type': 'application/problem+json' },
        }),
    );
    const err = await createClient('tok')
      .listGraphs({ cve: 'NOT A CVE' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).problem).toEqual({
      status: 400,
      title: 'Bad request',
      detail: '?cve is invalid',
      code: 'CVE_INVALID',
    });
  });
});
