import fc from 'fast-check';
import {
  diffQueryString,
  hashLinkHref,
  parseRoute,
  type Route,
  routeHref,
  type Search,
  sliceQueryString,
  withoutCursor,
} from './route.js';

const digest = `blake3:${'ab'.repeat(32)}`;

function reparse(route: Route): Route {
  const url = new URL(routeHref(route), 'http://console.test');
  return parseRoute(url.pathname, url.search);
}

describe('console routes (URL state)', () => {
  it('parses the start page, an artifact and a graph with its search, view, node and format', () => {
    expect(parseRoute('/ui/', '')).toEqual({ page: 'home' });
    expect(parseRoute('/ui', '')).toEqual({ page: 'home' });
    expect(parseRoute('/ui/artifacts/sha256:00ff', '')).toEqual({
      page: 'artifact',
      artifact: 'sha256:00ff',
    });
    expect(
      parseRoute(
        `/ui/graphs/${digest}`,
        '?cve=CVE-2021-23337&observed=only&view=graph&node=a%23b&format=dot',
      ),
    ).toEqual({
      page: 'graph',
      digest,
      search: { type: 'cve', value: 'CVE-2021-23337', observed: 'only' },
      view: 'graph',
      node: 'a#b',
      format: 'dot',
    });
  });

  it('keeps the start page’s CVE or package listing in its URL, under the list API’s names', () => {
    expect(parseRoute('/ui/', '?cve=CVE-2020-8203')).toEqual({
      page: 'home',
      filter: { type: 'cve', value: 'CVE-2020-8203' },
    });
    const purl: Route = { page: 'home', filter: { type: 'purl', value: 'pkg:npm/lodash@*' } };
    expect(routeHref(purl)).toBe('/ui/?purl=pkg%3Anpm%2Flodash%40*');
    expect(parseRoute('/ui', '?purl=pkg%3Anpm%2Flodash%40*')).toEqual(purl);
    // the slice API's ?q is a graph page parameter, not a listing
    expect(parseRoute('/ui/', '?q=pkg%3Anpm%2Fx&cve=')).toEqual({ page: 'home' });
    expect(routeHref({ page: 'home' })).toBe('/ui/');
  });

  it('reads ?q as a package search and keeps the page cursor', () => {
    const route = parseRoute(`/ui/graphs/${digest}`, '?q=pkg%3Anpm%2Flodash%40*&cursor=abc');
    expect(route).toMatchObject({ search: { type: 'package', value: 'pkg:npm/lodash@*', cursor: 'abc' } });
  });

  it('falls back to defaults for unknown views, formats and observed filters', () => {
    expect(
      parseRoute(`/ui/graphs/${digest}`, '?file=src%2F*.js&view=nope&format=svg&observed=maybe'),
    ).toEqual({
      page: 'graph',
      digest,
      search: { type: 'file', value: 'src/*.js' },
      view: 'paths',
      format: 'mermaid',
    });
  });

  it('gives not-found for paths outside the console, unknown sections and broken escapes', () => {
    for (const path of [
      '/v1/reachgraphs',
      '/ui/graphs',
      '/ui/graphs/a/b',
      '/ui/settings/x',
      '/ui/graphs/%E0%A4%A',
    ]) {
      expect(parseRoute(path, '')).toEqual({ page: 'not-found', path });
    }
  });

  it('leaves defaults out of links, so one view has one permalink', () => {
    expect(routeHref({ page: 'graph', digest, view: 'paths', format: 'mermaid' })).toBe(
      `/ui/graphs/${digest}`,
    );
    expect(
      routeHref({
        page: 'graph',
        digest,
        view: 'export',
        format: 'json',
        search: { type: 'entrypoint', value: 'app:src/server.js#main' },
      }),
    ).toBe(`/ui/graphs/${digest}?entrypoint=app%3Asrc%2Fserver.js%23main&view=export&format=json`);
  });

  it('builds the slice API query of a search with the API parameter names', () => {
    const search: Search = { type: 'package', value: 'pkg:npm/lodash@*', observed: 'exclude', cursor: 'c1' };
    expect(sliceQueryString(search)).toBe('q=pkg%3Anpm%2Flodash%40*&observed=exclude&cursor=c1');
  });

  it('keeps the assumptions of a search in its permalink and in the slice API query', () => {
    const route = parseRoute(
      `/ui/graphs/${digest}`,
      '?cve=CVE-2021-23337&assume=CUSTOM_REPORTS%3Denabled&view=vex',
    );
    expect(route).toEqual({
      page: 'graph',
      digest,
      search: { type: 'cve', value: 'CVE-2021-23337', assume: 'CUSTOM_REPORTS=enabled' },
      view: 'vex',
      format: 'mermaid',
    });
    expect(routeHref(route)).toBe(
      `/ui/graphs/${digest}?cve=CVE-2021-23337&assume=CUSTOM_REPORTS%3Denabled&view=vex`,
    );
    const search: Search = { type: 'cve', value: 'CVE-1', assume: 'a=1,b=2', cursor: 'c' };
    expect(sliceQueryString(search)).toBe('cve=CVE-1&assume=a%3D1%2Cb%3D2&cursor=c');
    expect(withoutCursor(search)).toEqual({ type: 'cve', value: 'CVE-1', assume: 'a=1,b=2' });
    expect(parseRoute(`/ui/graphs/${digest}`, '?cve=X&assume=')).toEqual({
      page: 'graph',
      digest,
      search: { type: 'cve', value: 'X' },
      view: 'paths',
      format: 'mermaid',
    });
  });

  it('parses a diff of a head graph against a base graph, with its CVE or file and assumptions', () => {
    const base = `blake3:${'cd'.repeat(32)}`;
    expect(parseRoute(`/ui/graphs/${digest}/diff`, '')).toEqual({ page: 'diff', digest });
    expect(parseRoute(`/ui/graphs/${digest}/diff/${base}`, '?file=src%2F*.js&assume=os%3Dlinux')).toEqual({
      page: 'diff',
      digest,
      base,
      search: { type: 'file', value: 'src/*.js', assume: 'os=linux' },
    });
    const route: Route = { page: 'diff', digest, base, search: { type: 'cve', value: 'CVE-2020-8203' } };
    expect(routeHref(route)).toBe(`/ui/graphs/${digest}/diff/${base}?cve=CVE-2020-8203`);
    expect(diffQueryString({ type: 'cve', value: 'CVE-1', assume: 'a=1' })).toBe('cve=CVE-1&assume=a%3D1');
    // the diff API has no ?q, ?entrypoint or ?observed: those are not diff searches
    expect(parseRoute(`/ui/graphs/${digest}/diff/${base}`, '?q=pkg%3Anpm%2Fx')).toEqual({
      page: 'diff',
      digest,
      base,
    });
    for (const path of [
      `/ui/graphs/${digest}/diff/${base}/x`,
      `/ui/graphs/${digest}/other/${base}`,
      `/ui/artifacts/a/diff/b`,
    ])
      expect(parseRoute(path, '')).toEqual({ page: 'not-found', path });
    expect(hashLinkHref(`#/graphs/${digest}/diff/${base}?cve=CVE-1`)).toBe(
      `/ui/graphs/${digest}/diff/${base}?cve=CVE-1`,
    );
  });

  it('turns hash-style links into the path-style URL they mean', () => {
    expect(hashLinkHref(`#/graph/${digest}?cve=CVE-2021-23337`)).toBe(
      `/ui/graphs/${digest}?cve=CVE-2021-23337`,
    );
    expect(hashLinkHref(`#/graphs/${digest}`)).toBe(`/ui/graphs/${digest}`);
    expect(hashLinkHref('#/artifact/sha256:00')).toBe('/ui/artifacts/sha256:00');
    for (const hash of ['', '#', '#/', '#/graph/', '#/settings/x', '#main'])
      expect(hashLinkHref(hash)).toBeUndefined();
  });

  it('reads back every route it writes (property)', () => {
    const text = fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' });
    // A path segment of `.` or `..` is a dot-segment to every URL parser; digests never are.
    const segment = text.filter((s) => s !== '.' && s !== '..');
    const search = fc.record(
      {
        type: fc.constantFrom('cve' as const, 'package' as const, 'entrypoint' as const, 'file' as const),
        value: text,
        observed: fc.constantFrom('only' as const, 'exclude' as const),
        assume: text,
        cursor: fc.string({ minLength: 1, maxLength: 20 }),
      },
      { requiredKeys: ['type', 'value'] },
    );
    const graph = fc.record(
      {
        page: fc.constant('graph' as const),
        digest: segment,
        view: fc.constantFrom(
          'paths' as const,
          'graph' as const,
          'export' as const,
          'vex' as const,
          'evidence' as const,
        ),
        format: fc.constantFrom('json' as const, 'dot' as const, 'mermaid' as const),
        search,
        node: text,
      },
      { requiredKeys: ['page', 'digest', 'view', 'format'] },
    );
    const artifact = fc.record({ page: fc.constant('artifact' as const), artifact: segment });
    const diff = fc.record(
      {
        page: fc.constant('diff' as const),
        digest: segment,
        base: segment,
        search: fc.record(
          { type: fc.constantFrom('cve' as const, 'file' as const), value: text, assume: text },
          { requiredKeys: ['type', 'value'] },
        ),
      },
      { requiredKeys: ['page', 'digest'] },
    );
    const home = fc.record(
      {
        page: fc.constant('home' as const),
        filter: fc.record({ type: fc.constantFrom('cve' as const, 'purl' as const), value: text }),
      },
      { requiredKeys: ['page'] },
    );
    fc.assert(
      fc.property(fc.oneof(graph, artifact, diff, home), (route) => {
        expect(reparse(route as Route)).toEqual(route);
      }),
    );
  });
});
