import { readFileSync } from 'node:fs';
import { formatPurl, normalizePurl, parsePurl } from './purl.js';
import type { Purl } from './purl-model.js';

interface LegacyCase {
  description: string;
  purl: string;
  canonical_purl: string | null;
  type: string | null;
  namespace: string | null;
  name: string | null;
  version: string | null;
  qualifiers: Record<string, string> | null;
  subpath: string | null;
  is_invalid: boolean;
}

const cases = JSON.parse(
  readFileSync(new URL('../../vectors/purl/legacy/test-suite-data.json', import.meta.url), 'utf8'),
) as LegacyCase[];

function attempt<T>(fn: () => T): T | { error: string } {
  try {
    return fn();
  } catch (err) {
    return { error: (err as { code?: string }).code ?? String(err) };
  }
}

/** What the implementation does with one legacy case, in one comparable value. */
function outcome(c: LegacyCase) {
  const components = {
    type: c.type,
    namespace: c.namespace,
    name: c.name,
    version: c.version,
    qualifiers: c.qualifiers,
    subpath: c.subpath,
  };
  return {
    parsed: attempt(() => parsePurl(c.purl)),
    canonical: attempt(() => normalizePurl(c.purl)),
    built: attempt(() => formatPurl(components as unknown as Purl)),
  };
}

type Result = unknown;
interface Expectation {
  parsed: Result;
  canonical: Result;
  built: Result;
}
const FAILS = { error: 'PURL_INVALID' };

/** The outcome the legacy file asks for. */
function expected(c: LegacyCase, valid = !c.is_invalid): Expectation {
  if (!valid) return { parsed: FAILS, canonical: FAILS, built: FAILS };
  const parsed = {
    type: c.type,
    namespace: c.namespace || null,
    name: c.name,
    version: c.version || null,
    qualifiers: c.qualifiers,
    subpath: c.subpath || null,
  };
  return { parsed, canonical: c.canonical_purl, built: c.canonical_purl };
}

/** The current rules percent-encode `/` in qualifier values; the legacy file left it raw. */
const slashEncoded = (s: Result) => (s as string).replace(/\?.*$/, (q) => q.replaceAll('/', '%2F'));
const encodeSlashes = (e: Expectation): Expectation => ({
  ...e,
  canonical: typeof e.canonical === 'string' ? slashEncoded(e.canonical) : e.canonical,
  built: slashEncoded(e.built),
});
/** Upper-case qualifier keys: the current suite requires parsing to fail (gem, rpm tests). */
const strictKeys = (e: Expectation): Expectation => ({ ...e, parsed: FAILS, canonical: FAILS });
const withSubpath = (subpath: string) => (e: Expectation) => ({
  ...e,
  parsed: { ...(e.parsed as object), subpath },
});

/**
 * Legacy cases the newer purl-spec suite and type definitions supersede (vectors README §3:
 * prefer tests/ where the two disagree), with what the implementation does instead.
 */
const SUPERSEDED: Record<number, { why: string; adjust: (e: Expectation, c: LegacyCase) => Expectation }> = {
  4: { why: "'..' segments are discarded (how-to-parse)", adjust: withSubpath('googleapis/api/annotations') },
  5: { why: "'.' segments are discarded (how-to-parse)", adjust: withSubpath('googleapis/api/annotations') },
  10: { why: 'upper-case qualifier key (gem-test.json)', adjust: strictKeys },
  11: { why: 'upper-case qualifier key; `/` encoded', adjust: (e) => strictKeys(encodeSlashes(e)) },
  12: { why: 'upper-case qualifier key; `/` encoded', adjust: (e) => strictKeys(encodeSlashes(e)) },
  17: { why: 'upper-case qualifier keys (rpm-test.json)', adjust: strictKeys },
  29: {
    why: 'conan namespace without channel is valid (conan-test.json)',
    adjust: (_e, c) => expected(c, true),
  },
  30: {
    why: 'conan channel without namespace is valid (conan-test.json)',
    adjust: (_e, c) => expected(c, true),
  },
  34: { why: 'cran version is optional (cran-definition.json)', adjust: (_e, c) => expected(c, true) },
  38: { why: 'swift version is optional (swift-definition.json)', adjust: (_e, c) => expected(c, true) },
  41: {
    why: 'huggingface namespace is required (huggingface-definition.json)',
    adjust: (_e, c) => expected(c, false),
  },
  42: { why: '`/` in qualifier values is percent-encoded (huggingface-test.json)', adjust: encodeSlashes },
  44: { why: '`/` in qualifier values is percent-encoded (mlflow-test.json)', adjust: encodeSlashes },
  45: { why: '`/` in qualifier values is percent-encoded (mlflow-test.json)', adjust: encodeSlashes },
  46: { why: '`/` in qualifier values is percent-encoded (mlflow-test.json)', adjust: encodeSlashes },
  49: {
    why: "a cpan name with '::' is a module name (cpan-test.json)",
    adjust: (_e, c) => expected(c, false),
  },
  50: { why: 'cpan names are distribution names such as Perl-Version', adjust: (_e, c) => expected(c, true) },
  55: {
    why: 'the string is malformed but its components are valid, so building succeeds',
    adjust: (e) => ({ ...e, built: 'pkg:maven/org.apache.commons/io' }),
  },
};

describe('purl-spec legacy test-suite-data.json', () => {
  it.each(
    cases.map(
      (c, i) => [`#${i} ${c.is_invalid ? '(invalid) ' : ''}${c.description} | ${c.purl}`, i, c] as const,
    ),
  )('%s', (_name, i, c) => {
    const superseded = SUPERSEDED[i];
    const want = superseded ? superseded.adjust(expected(c), c) : expected(c);
    // A superseded case must still disagree with the legacy file, or it should leave the list.
    if (superseded) expect(outcome(c)).not.toEqual(expected(c));
    expect(outcome(c)).toEqual(want);
  });
});
