import { findRoute, kindOf, normalizeVulnId } from './find.js';

const graph = `blake3:${'ab'.repeat(32)}`;
const artifact = `sha256:${'cd'.repeat(32)}`;

describe('the start page’s find field', () => {
  it('takes the kind a prefix names over the chosen one, and the chosen one otherwise', () => {
    expect(kindOf(artifact, 'graph')).toBe('artifact');
    expect(kindOf('sha512:00', 'cve')).toBe('artifact');
    expect(kindOf(graph, 'artifact')).toBe('graph');
    expect(kindOf('pkg:npm/lodash@*', 'graph')).toBe('purl');
    expect(kindOf('cve-2021-23337', 'graph')).toBe('cve');
    expect(kindOf('GHSA-35jh-r3h4-6jhm', 'purl')).toBe('cve');
    expect(kindOf('not a cve', 'cve')).toBe('cve');
    expect(kindOf('lodash', 'purl')).toBe('purl');
  });

  it('spells vulnerability ids as the API does: CVE upper-case, GHSA bodies lower-case', () => {
    expect(normalizeVulnId('cve-2021-23337')).toBe('CVE-2021-23337');
    expect(normalizeVulnId('ghsa-35JH-R3H4-6JHM')).toBe('GHSA-35jh-r3h4-6jhm');
    expect(normalizeVulnId('not a cve')).toBe('not a cve');
  });

  it('opens a graph or an artifact’s graphs, and lists the graphs of a CVE or package URL', () => {
    expect(findRoute('graph', ` ${graph} `)).toEqual({
      route: { page: 'graph', digest: graph, view: 'paths', format: 'mermaid' },
    });
    expect(findRoute('graph', artifact)).toEqual({ route: { page: 'artifact', artifact } });
    expect(findRoute('graph', 'cve-2021-23337')).toEqual({
      route: { page: 'home', filter: { type: 'cve', value: 'CVE-2021-23337' } },
    });
    expect(findRoute('purl', 'pkg:npm/lodash@*')).toEqual({
      route: { page: 'home', filter: { type: 'purl', value: 'pkg:npm/lodash@*' } },
    });
    // what is not an id goes to the service as typed: its CVE_INVALID is what the user sees
    expect(findRoute('cve', 'not a cve')).toEqual({
      route: { page: 'home', filter: { type: 'cve', value: 'not a cve' } },
    });
  });

  it('asks for a value of the chosen kind when the field is empty', () => {
    expect(findRoute('cve', '  ')).toEqual({ error: 'Enter a vulnerability id (CVE-… or GHSA-…).' });
    expect(findRoute('purl', '')).toEqual({
      error: 'Enter a package URL (pkg:npm/lodash@* for any version).',
    });
    expect(findRoute('graph', '')).toHaveProperty('error');
  });
});
