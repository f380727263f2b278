import fc from 'fast-check';
import { CoreError } from '../error.js';
import { formatPurl, isPurl, normalizePurl, parsePurl } from './purl.js';
import type { PurlComponents } from './purl-model.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'NO_ERROR';
  } catch (err) {
    return err instanceof CoreError ? err.code : String(err);
  }
}

describe('parsePurl', () => {
  it('parses the contract example (§4.2 componentPurl)', () => {
    expect(parsePurl('pkg:npm/%40acme/backend@1.2.3')).toStrictEqual({
      type: 'npm',
      namespace: '@acme',
      name: 'backend',
      version: '1.2.3',
      qualifiers: null,
      subpath: null,
    });
  });

  it('accepts an unregistered type with the generic rules', () => {
    expect(parsePurl('pkg:bintray/apache/couchdb/couchdb-mac@2.3.0')).toMatchObject({
      type: 'bintray',
      namespace: 'apache/couchdb',
      name: 'couchdb-mac',
    });
    expect(normalizePurl('pkg:My.Type-2/Foo@1')).toBe('pkg:my.type-2/Foo@1');
  });

  it('returns qualifiers as a plain object with sorted keys, dropping empty values', () => {
    const purl = parsePurl('pkg:deb/debian/curl@7.50.3-1?distro=jessie&arch=i386&empty=');
    expect(Object.keys(purl.qualifiers ?? {})).toEqual(['arch', 'distro']);
    expect(Object.getPrototypeOf(purl.qualifiers)).toBe(Object.prototype);
  });

  it('decodes UTF-8 and keeps + as a plus sign', () => {
    expect(parsePurl('pkg:generic/%C3%BCber+alles@1.0%2B2').name).toBe('über+alles');
    expect(parsePurl('pkg:generic/%C3%BCber+alles@1.0%2B2').version).toBe('1.0+2');
  });

  it.each([
    ['no scheme', 'npm/lodash@4.17.21'],
    ['another scheme', 'http:npm/lodash'],
    ['no name', 'pkg:npm/'],
    ['no type', 'pkg:/lodash'],
    ['an empty name before the version', 'pkg:swift/github.com/Alamofire/@5.4.3'],
    ['an invalid percent escape', 'pkg:npm/lo%zzdash'],
    ['a truncated UTF-8 sequence', 'pkg:npm/lo%E0%A4dash'],
    ['an encoded / in a namespace segment', 'pkg:npm/a%2Fb/c'],
    ['an encoded / in a subpath segment', 'pkg:npm/a#b%2Fc'],
    ['a name that is an encoded /', 'pkg:p/%2F'],
    ['a name ending in an encoded /', 'pkg:generic/a%2F'],
    ['a name starting with an encoded /', 'pkg:generic/%2Fa@1'],
    ['an upper-case qualifier key', 'pkg:npm/a?Arch=x86'],
    ['a qualifier key starting with a digit', 'pkg:npm/a?1x=y'],
    ['a percent-encoded qualifier key', 'pkg:npm/a?a%62=y'],
    ['a repeated qualifier key', 'pkg:npm/a?arch=x86&arch=arm'],
    ['a prohibited namespace', 'pkg:cargo/rust-lang/rand@0.7.2'],
    ['a missing required namespace', 'pkg:maven/commons-io@2.0'],
    ['a missing required qualifier', 'pkg:swid/Fedora@29'],
    ['a name outside the permitted characters', 'pkg:chrome-extension/ZZZZgalgnefjeiefhmpklpfiohadpglk'],
    ['a cpan module name', 'pkg:cpan/Moose::Role'],
    ['a git purl without a repository path', 'pkg:git/codeberg.org'],
    ['an encoded NUL in the version', 'pkg:npm/a@%00'],
    ['an encoded NUL in the name', 'pkg:npm/a%00b'],
    ['a raw NUL in a namespace segment', 'pkg:generic/x\u0000y/z'],
    ['an encoded NUL in a qualifier value', 'pkg:npm/a?arch=x%00'],
    ['an encoded NUL in the subpath', 'pkg:npm/a#b%00'],
  ])('rejects %s with PURL_INVALID', (_what, s) => {
    expect(codeOf(() => parsePurl(s))).toBe('PURL_INVALID');
    expect(isPurl(s)).toBe(false);
  });

  it('rejects non-strings with PURL_INVALID, and isPurl says false', () => {
    expect(codeOf(() => parsePurl(42 as unknown as string))).toBe('PURL_INVALID');
    expect(isPurl(undefined)).toBe(false);
  });

  it('is lenient only when asked', () => {
    // Strictly, the last '@' separates the version: fine with a version, not without one.
    expect(normalizePurl('pkg:npm/@babel/core@7.24.0')).toBe('pkg:npm/%40babel/core@7.24.0');
    expect(codeOf(() => parsePurl('pkg:npm/@babel/core'))).toBe('PURL_INVALID');
    expect(normalizePurl('pkg:npm/@babel/core', { lenient: true })).toBe('pkg:npm/%40babel/core');
    expect(codeOf(() => parsePurl('pkg:gem/jruby-launcher@1.1.2?Platform=java'))).toBe('PURL_INVALID');
    expect(parsePurl('pkg:gem/jruby-launcher@1.1.2?Platform=java', { lenient: true }).qualifiers).toEqual({
      platform: 'java',
    });
    expect(isPurl('pkg:gem/x?Platform=java', { lenient: true })).toBe(true);
  });
});

describe('formatPurl', () => {
  it('builds the canonical form, normalising like the parser', () => {
    expect(
      formatPurl({ type: 'PyPI', name: 'Django_Package', version: '1.0', qualifiers: { B: '2', a: '1' } }),
    ).toBe('pkg:pypi/django-package@1.0?a=1&b=2');
    expect(formatPurl({ type: 'npm', namespace: '@angular', name: 'core', subpath: '/./a/../b/' })).toBe(
      'pkg:npm/%40angular/core#a/b',
    );
  });

  it('encodes non-ASCII as UTF-8 octets and never encodes the colon', () => {
    expect(
      formatPurl({ type: 'generic', name: 'ünï code', version: 'sha256:ab', qualifiers: { u: 'a/b,c' } }),
    ).toBe('pkg:generic/%C3%BCn%C3%AF%20code@sha256:ab?u=a%2Fb%2Cc');
  });

  it('writes a git repository path after the host unencoded', () => {
    expect(formatPurl({ type: 'git', namespace: 'gitlab.gnome.org', name: 'GNOME/adwaita-fonts' })).toBe(
      'pkg:git/gitlab.gnome.org/GNOME/adwaita-fonts',
    );
  });

  it.each([
    ['no type', { name: 'x' }],
    ['an empty name', { type: 'npm', name: '' }],
    ['a name of slashes', { type: 'npm', name: '//' }],
    ['a non-string version', { type: 'npm', name: 'x', version: 1 }],
    ['a non-string qualifier value', { type: 'npm', name: 'x', qualifiers: { a: 1 } }],
    ['qualifier keys equal after lower-casing', { type: 'npm', name: 'x', qualifiers: { a: '1', A: '2' } }],
    ['a qualifier key with a space', { type: 'npm', name: 'x', qualifiers: { 'in production': 'true' } }],
    ['a lone surrogate', { type: 'npm', name: 'x\uD800' }],
    ['a NUL in the name', { type: 'npm', name: 'x\u0000' }],
    ['not an object', null],
  ])('rejects %s with PURL_INVALID', (_what, components) => {
    expect(codeOf(() => formatPurl(components as unknown as PurlComponents))).toBe('PURL_INVALID');
  });
});

// Arbitrary decoded components for types whose rules keep every value as is (any Unicode but NUL).
const text = (constraints: { minLength?: number; maxLength?: number }) =>
  fc.string({ unit: 'binary', ...constraints }).filter((s) => !s.includes('\u0000'));
const segment = text({ minLength: 1, maxLength: 8 }).filter((s) => !s.includes('/'));
const components = fc.record({
  type: fc.constantFrom('generic', 'npm', 'stella-test'),
  namespace: fc.option(fc.array(segment, { minLength: 1, maxLength: 3 }).map((a) => a.join('/'))),
  name: text({ minLength: 1, maxLength: 12 }).filter((s) => !/^\/|\/$/.test(s)),
  version: fc.option(text({ minLength: 1, maxLength: 8 })),
  qualifiers: fc.option(
    fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9._-]{0,6}$/), text({ minLength: 1 }), {
      minKeys: 1,
      maxKeys: 4,
    }),
  ),
  subpath: fc.option(
    fc
      .array(
        segment.filter((s) => s !== '.' && s !== '..'),
        { minLength: 1, maxLength: 3 },
      )
      .map((a) => a.join('/')),
  ),
});

// Strings made of the characters that matter to a purl parser.
const purlish = fc
  .string({ unit: fc.constantFrom(...'pkg:/@?=&#%2F0aAzZ.-_~+ \u00e9'), maxLength: 40 })
  .map((s) => (s.startsWith('pkg:') ? s : `pkg:${s}`));

describe('purl properties', () => {
  it('format then parse gives the components back, in a canonical ASCII string', () => {
    fc.assert(
      fc.property(components, (c) => {
        const s = formatPurl(c);
        expect(s).toMatch(/^[A-Za-z0-9.\-_~%:/@?=&#]+$/);
        const parsed = parsePurl(s);
        expect(parsed).toEqual({ ...c, qualifiers: c.qualifiers ? { ...c.qualifiers } : null });
        expect(normalizePurl(s)).toBe(s);
      }),
    );
  });

  it('parsing any string either throws PURL_INVALID or gives a fixed point of normalisation', () => {
    fc.assert(
      fc.property(purlish, fc.boolean(), (s, lenient) => {
        let canonical: string;
        try {
          canonical = normalizePurl(s, { lenient });
        } catch (err) {
          expect(err instanceof CoreError && err.code).toBe('PURL_INVALID');
          return;
        }
        expect(normalizePurl(canonical)).toBe(canonical);
        expect(parsePurl(canonical)).toEqual(parsePurl(s, { lenient }));
        expect(formatPurl(parsePurl(canonical))).toBe(canonical);
      }),
      { numRuns: 2000 },
    );
  });
});
