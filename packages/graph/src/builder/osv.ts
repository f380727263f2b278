import {
  type CallgraphNodeRecord,
  formatPurl,
  isCoreError,
  type Purl,
  parsePurl,
  type VulnerableSink,
} from '@stella-ops/core';
import { fail } from '../error.js';
import { purlMatcher } from '../purl/purl-matcher.js';
import { VULNERABILITY_ID } from '../slice/check-query.js';
import type { OsvAffected, OsvDocument, OsvVulnerability } from './osv-types.js';
import { isAffectedVersion } from './osv-versions.js';

/** OSV ecosystems → purl types (https://ossf.github.io/osv-schema/#affectedpackage-field). */
const ECOSYSTEM_PURL_TYPES: Readonly<Record<string, string>> = {
  npm: 'npm',
  PyPI: 'pypi',
  Go: 'golang',
  Maven: 'maven',
  'crates.io': 'cargo',
  NuGet: 'nuget',
  RubyGems: 'gem',
  Packagist: 'composer',
  Hex: 'hex',
  Pub: 'pub',
};

/** What the vulnerability is called in `cves`: its CVE alias when it has one, else its id. */
function vulnerabilityId(v: OsvVulnerability, where: string): string {
  const cve = (v.aliases ?? [])
    .filter((a) => typeof a === 'string' && /^CVE-\d{4}-\d{4,}$/.test(a))
    .sort()[0];
  const id = cve ?? v.id;
  if (typeof id !== 'string' || !VULNERABILITY_ID.test(id))
    fail('INPUT_INVALID', `${where}: ${JSON.stringify(v.id)} is not a vulnerability id`);
  return id;
}

/** The affected package as a versionless purl, or undefined when OSV names it in a way we cannot map. */
function packagePurl(a: OsvAffected, where: string): string | undefined {
  const pkg = a.package;
  if (!pkg) return undefined;
  try {
    if (typeof pkg.purl === 'string')
      return formatPurl({ ...parsePurl(pkg.purl, { lenient: true }), version: null });
    const type = ECOSYSTEM_PURL_TYPES[pkg.ecosystem ?? ''];
    if (!type || typeof pkg.name !== 'string' || pkg.name === '') return undefined;
    const separator = type === 'maven' ? pkg.name.lastIndexOf(':') : pkg.name.lastIndexOf('/');
    return formatPurl({
      type,
      namespace: separator > 0 ? pkg.name.slice(0, separator).replaceAll(':', '/') : null,
      name: separator > 0 ? pkg.name.slice(separator + 1) : pkg.name,
    });
  } catch (cause) {
    if (isCoreError(cause, 'PURL_INVALID'))
      fail('INPUT_INVALID', `${where}: the package is not a valid purl`, cause);
    throw cause;
  }
}

/** The functions an affected entry names: `affected_functions`, or Go's `imports[].symbols`. */
function affectedFunctions(a: OsvAffected): string[] {
  const spec = a.ecosystem_specific;
  const out = new Set<string>();
  for (const f of spec?.affected_functions ?? []) if (typeof f === 'string' && f !== '') out.add(f);
  for (const imp of spec?.imports ?? [])
    for (const s of imp.symbols ?? []) if (typeof s === 'string' && s !== '') out.add(s);
  return [...out];
}

function versionOf(purl: string): string | null {
  let parsed: Purl;
  try {
    parsed = parsePurl(purl, { lenient: true });
  } catch {
    return null;
  }
  return parsed.version;
}

/** A function OSV names that no node of an affected version carries. */
export interface UnmatchedOsvFunction {
  vulnerability: string;
  purl: string;
  symbol: string;
}

/** The sinks an OSV document places on a call graph, and the functions that matched no node. */
export interface OsvSinks {
  sinks: VulnerableSink[];
  unmatched: UnmatchedOsvFunction[];
}

/**
 * Turns an OSV document into vulnerable sinks for the call graph's nodes: for each affected
 * package and each function it names, every node with that symbol whose purl is that package at
 * an affected version (see {@link isAffectedVersion}) becomes a sink `{cve, purl: <node purl>,
 * symbol}`, where `cve` is the record's CVE alias (else its id). Deterministic in the document and
 * the nodes (the builder sorts the sinks). Malformed records are INPUT_INVALID.
 */
export function sinksFromOsv(osv: OsvDocument, nodes: Iterable<CallgraphNodeRecord>): OsvSinks {
  if (osv === null || typeof osv !== 'object' || !Array.isArray(osv.vulns))
    fail('INPUT_INVALID', 'vulnerabilities must be an OSV document with a `vulns` array');
  const bySymbol = new Map<string, string[]>();
  for (const n of nodes) {
    if (n.symbol === undefined || n.purl === undefined) continue;
    const purls = bySymbol.get(n.symbol) ?? [];
    if (!purls.includes(n.purl)) purls.push(n.purl);
    bySymbol.set(n.symbol, purls);
  }
  const sinks: VulnerableSink[] = [];
  const unmatched: UnmatchedOsvFunction[] = [];
  osv.vulns.forEach((v, i) => {
    const where = `vulnerabilities.vulns[${i}]`;
    if (v === null || typeof v !== 'object') fail('INPUT_INVALID', `${where} is not an object`);
    const cve = vulnerabilityId(v, where);
    const affected: readonly OsvAffected[] = v.affected ?? [];
    if (!Array.isArray(affected)) fail('INPUT_INVALID', `${where}.affected must be an array`);
    affected.forEach((a: OsvAffected, j: number) => {
      const base = packagePurl(a, `${where}.affected[${j}]`);
      if (base === undefined) return;
      const matches = purlMatcher(base, 'INPUT_INVALID');
      for (const symbol of affectedFunctions(a)) {
        const hits = (bySymbol.get(symbol) ?? []).filter(
          (p) => matches(p) && isAffectedVersion(versionOf(p), a),
        );
        for (const purl of hits) sinks.push({ cve, purl, symbol });
        if (hits.length === 0) unmatched.push({ vulnerability: cve, purl: base, symbol });
      }
    });
  });
  return { sinks, unmatched };
}
