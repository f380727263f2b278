import { CoreError } from '../error.js';
import { createPurlMatcher, purlMatches } from './purl-match.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'NO_ERROR';
  } catch (err) {
    return err instanceof CoreError ? err.code : String(err);
  }
}

describe('purlMatches', () => {
  it.each([
    // versionless patterns match every version, and the versionless purl
    ['pkg:npm/lodash', 'pkg:npm/lodash@4.17.21', true],
    ['pkg:npm/lodash', 'pkg:npm/lodash', true],
    ['pkg:npm/lodash', 'pkg:npm/lodash-es@4.17.21', false],
    ['pkg:npm/lodash', 'pkg:npm/%40types/lodash@4.17.0', false],
    // exact and wildcard versions
    ['pkg:npm/lodash@4.17.21', 'pkg:npm/lodash@4.17.21', true],
    ['pkg:npm/lodash@4.17.21', 'pkg:npm/lodash@4.17.2', false],
    ['pkg:npm/lodash@4.*', 'pkg:npm/lodash@4.17.21', true],
    ['pkg:npm/lodash@4.*', 'pkg:npm/lodash@3.10.1', false],
    ['pkg:npm/lodash@4.*', 'pkg:npm/lodash@40.0.0', false],
    ['pkg:npm/lodash@4.*', 'pkg:npm/lodash', false],
    ['pkg:npm/lodash@*', 'pkg:npm/lodash@0.0.1', true],
    ['pkg:npm/lodash@*', 'pkg:npm/lodash', false],
    ['pkg:npm/lodash@4.%2A', 'pkg:npm/lodash@4.1.0', true],
    // namespaces, encoded or (leniently) not
    ['pkg:npm/%40babel/core', 'pkg:npm/%40babel/core@7.24.0', true],
    ['pkg:npm/@babel/core', 'pkg:npm/%40babel/core@7.24.0', true],
    ['pkg:npm/%40babel/core', 'pkg:npm/@babel/core@7.24.0', true],
    ['pkg:npm/%40babel/core', 'pkg:npm/core@7.24.0', false],
    ['pkg:npm/core', 'pkg:npm/%40babel/core@7.24.0', false],
    ['pkg:maven/org.apache.commons/io@1.*', 'pkg:maven/org.apache.commons/io@1.3.4', true],
    ['pkg:maven/org.apache.commons/io', 'pkg:maven/org.apache/io@1.3.4', false],
    ['pkg:golang/github.com/gorilla/context', 'pkg:golang/github.com/gorilla/context@v1.1.1#api', true],
    // encoded names
    ['pkg:brew/postgresql%4012', 'pkg:brew/postgresql%4012@12.17', true],
    ['pkg:brew/postgresql%4012', 'pkg:brew/postgresql@12.17', false],
    ['pkg:generic/hello%20world', 'pkg:generic/hello%20world@1.0', true],
    ['pkg:cocoapods/GoogleUtilities@7.5.2', 'pkg:cocoapods/GoogleUtilities@7.5.2#NSData+zlib', true],
    // types never cross, and each type's case rules apply to both sides
    ['pkg:npm/lodash', 'pkg:pypi/lodash@4.17.21', false],
    ['pkg:npm/lodash', 'pkg:NPM/lodash@4.17.21', true],
    ['pkg:pypi/Django_Package', 'pkg:pypi/django-package@1.11.1', true],
    ['pkg:github/Package-URL/purl-spec', 'pkg:github/package-url/purl-spec@244fd47e07d1004f0aed9c', true],
    ['pkg:npm/Lodash', 'pkg:npm/lodash@4.17.21', false],
    // qualifiers and subpath count only when the pattern has them
    ['pkg:deb/debian/curl', 'pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie', true],
    ['pkg:deb/debian/curl?arch=i386', 'pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie', true],
    ['pkg:deb/debian/curl?arch=amd64', 'pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie', false],
    ['pkg:deb/debian/curl?arch=i386', 'pkg:deb/debian/curl@7.50.3-1', false],
    [
      'pkg:golang/google.golang.org/genproto#googleapis/api',
      'pkg:golang/google.golang.org/genproto@v1#googleapis/api',
      true,
    ],
    [
      'pkg:golang/google.golang.org/genproto#googleapis/api',
      'pkg:golang/google.golang.org/genproto@v1#googleapis',
      false,
    ],
    [
      'pkg:golang/google.golang.org/genproto#googleapis/api',
      'pkg:golang/google.golang.org/genproto@v1',
      false,
    ],
    // a pattern may leave out a qualifier its type requires
    ['pkg:julia/Dates', 'pkg:julia/Dates@1.9.0?uuid=ade2ca70-3891-5945-98fb-dc099432e06a', true],
    // an invalid candidate matches nothing
    ['pkg:npm/lodash', 'npm/lodash@4.17.21', false],
    ['pkg:julia/Dates', 'pkg:julia/Dates@1.9.0', false],
  ])('%s ~ %s → %s', (pattern, purl, expected) => {
    expect(purlMatches(pattern, purl)).toBe(expected);
  });

  it('throws PURL_INVALID for an invalid pattern', () => {
    expect(codeOf(() => purlMatches('npm/lodash', 'pkg:npm/lodash@1.0.0'))).toBe('PURL_INVALID');
    expect(codeOf(() => purlMatches('pkg:npm/@4.*', 'pkg:npm/lodash@4.0.0'))).toBe('PURL_INVALID');
  });

  it('reuses one parsed pattern through createPurlMatcher', () => {
    const matches = createPurlMatcher('pkg:npm/lodash@4.*');
    const purls = ['pkg:npm/lodash@4.17.21', 'pkg:npm/lodash@3.0.0', 'pkg:npm/underscore@4.0.0', 'junk'];
    expect(purls.filter(matches)).toEqual(['pkg:npm/lodash@4.17.21']);
  });
});
