import { listedGraphRoute, listFilterOf, listFilterQuery, listParams } from './list-filter.js';

const digest = `blake3:${'ab'.repeat(32)}`;

describe('start page listings (CVE or package URL)', () => {
  it('reads ?cve or ?purl from the query, the CVE first, and nothing from other or empty parameters', () => {
    expect(listFilterOf(new URLSearchParams('cve=CVE-2021-23337'))).toEqual({
      type: 'cve',
      value: 'CVE-2021-23337',
    });
    expect(listFilterOf(new URLSearchParams('purl=pkg%3Anpm%2Flodash%40*'))).toEqual({
      type: 'purl',
      value: 'pkg:npm/lodash@*',
    });
    expect(listFilterOf(new URLSearchParams('purl=pkg%3Anpm%2Fx&cve=CVE-1'))).toEqual({
      type: 'cve',
      value: 'CVE-1',
    });
    expect(listFilterOf(new URLSearchParams('cve=&q=pkg%3Anpm%2Fx'))).toBeUndefined();
  });

  it('writes a filter under the list API’s parameter name and asks the API with it', () => {
    expect(listFilterQuery({ type: 'purl', value: 'pkg:npm/lodash@*' })).toBe('purl=pkg%3Anpm%2Flodash%40*');
    expect(listParams({ type: 'cve', value: 'CVE-1' })).toEqual({ cve: 'CVE-1' });
    expect(listParams({ type: 'purl', value: 'pkg:npm/x@*' })).toEqual({ purl: 'pkg:npm/x@*' });
    expect(listParams(undefined)).toEqual({});
  });

  it('opens a graph found by a CVE at that CVE’s slice, and one found by a package at the package’s slice', () => {
    expect(listedGraphRoute(digest, { type: 'cve', value: 'CVE-2020-8203' })).toEqual({
      page: 'graph',
      digest,
      view: 'paths',
      format: 'mermaid',
      search: { type: 'cve', value: 'CVE-2020-8203' },
    });
    expect(listedGraphRoute(digest, { type: 'purl', value: 'pkg:npm/lodash@*' })).toMatchObject({
      search: { type: 'package', value: 'pkg:npm/lodash@*' },
    });
    expect(listedGraphRoute(digest, undefined)).toEqual({
      page: 'graph',
      digest,
      view: 'paths',
      format: 'mermaid',
    });
  });
});
