import { addQualifier, type PurlDraft, purlInvalid, segmentsOf } from './purl-draft.js';
import { percentDecode } from './purl-encoding.js';

/**
 * Splits a purl string into decoded parts, right to left, as the purl-spec "How to parse"
 * algorithm does: subpath after the last `#`, qualifiers after the last `?`, the `pkg:` scheme,
 * the type up to the first `/`, the version after the last `@`, the name after the last `/`.
 * An empty name (`pkg:maven/@1.3.4`, `pkg:swift/github.com/Alamofire/@5.4.3`) is an error.
 * `lenient` folds qualifier keys to lower case and takes a version only from the last segment.
 */
export function splitPurl(input: string, lenient: boolean): PurlDraft {
  if (typeof input !== 'string') throw purlInvalid('a purl must be a string');
  let rest = input;
  let subpath: string[] = [];
  const hash = rest.lastIndexOf('#');
  if (hash >= 0) {
    subpath = subpathSegments(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  const qualifiers = new Map<string, string>();
  const question = rest.lastIndexOf('?');
  if (question >= 0) {
    for (const pair of rest.slice(question + 1).split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const key = eq >= 0 ? pair.slice(0, eq) : pair;
      const value = eq >= 0 ? pair.slice(eq + 1) : '';
      addQualifier(qualifiers, lenient ? key.toLowerCase() : key, percentDecode(value, `qualifier ${key}`));
    }
    rest = rest.slice(0, question);
  }
  const colon = rest.indexOf(':');
  if (colon < 0 || rest.slice(0, colon).toLowerCase() !== 'pkg') throw purlInvalid('a purl starts with pkg:');
  rest = rest.slice(colon + 1).replace(/^\/+/, '');
  const slash = rest.indexOf('/');
  if (slash < 0) throw purlInvalid('a purl needs a type and a name');
  const type = rest.slice(0, slash);
  rest = rest.slice(slash + 1);

  let version: string | null = null;
  const at = rest.lastIndexOf('@');
  if (at >= 0 && (!lenient || at > rest.lastIndexOf('/'))) {
    version = percentDecode(rest.slice(at + 1), 'version') || null;
    rest = rest.slice(0, at);
  }
  const lastSlash = rest.lastIndexOf('/');
  const name = percentDecode(rest.slice(lastSlash + 1), 'name');
  // Building a purl strips a name's outer slashes, so one with an encoded outer / cannot round-trip.
  if (name.startsWith('/') || name.endsWith('/'))
    throw purlInvalid('the name begins or ends with an encoded /');
  const namespace = segmentsOf(lastSlash >= 0 ? rest.slice(0, lastSlash) : '').map((s) => {
    const segment = percentDecode(s, 'namespace');
    if (segment.includes('/')) throw purlInvalid('a namespace segment contains an encoded /');
    return segment;
  });
  return { type, namespace, name, version, qualifiers, subpath };
}

function subpathSegments(subpath: string): string[] {
  const out: string[] = [];
  for (const raw of subpath.split('/')) {
    const segment = percentDecode(raw, 'subpath');
    if (segment.includes('/')) throw purlInvalid('a subpath segment contains an encoded /');
    if (segment !== '' && segment !== '.' && segment !== '..') out.push(segment);
  }
  return out;
}
