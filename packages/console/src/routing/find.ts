import type { Route } from './route.js';

/** What the start page's one field is taken as. */
export type FindKind = 'graph' | 'artifact' | 'cve' | 'purl';

/**
 * The kind a typed value names when its prefix says so (`sha256:`/`sha512:` an artifact, `blake3:` a
 * graph, `pkg:` a package URL, `CVE-`/`GHSA-` a vulnerability); otherwise the kind the user chose.
 */
export function kindOf(value: string, chosen: FindKind): FindKind {
  if (/^sha(256|512):/i.test(value)) return 'artifact';
  if (/^blake3:/i.test(value)) return 'graph';
  if (/^pkg:/i.test(value)) return 'purl';
  if (/^(cve|ghsa)-/i.test(value)) return 'cve';
  return chosen;
}

/** A vulnerability id as the API spells it: `CVE-…` upper-case, `GHSA-…` with a lower-case body. */
export function normalizeVulnId(value: string): string {
  if (/^cve-/i.test(value)) return value.toUpperCase();
  if (/^ghsa-/i.test(value)) return `GHSA-${value.slice(5).toLowerCase()}`;
  return value;
}

const EMPTY: Record<FindKind, string> = {
  graph: 'Enter a graph digest (blake3:…) or an artifact digest (sha256:…).',
  artifact: 'Enter a graph digest (blake3:…) or an artifact digest (sha256:…).',
  cve: 'Enter a vulnerability id (CVE-… or GHSA-…).',
  purl: 'Enter a package URL (pkg:npm/lodash@* for any version).',
};

/**
 * Where the start page's field leads: a graph, an artifact's graphs, or the graphs listed by a
 * vulnerability or package. The service checks ids and package URLs (its problem is shown there).
 */
export function findRoute(chosen: FindKind, raw: string): { route: Route } | { error: string } {
  const value = raw.trim();
  if (!value) return { error: EMPTY[chosen] };
  const kind = kindOf(value, chosen);
  switch (kind) {
    case 'graph':
      return { route: { page: 'graph', digest: value, view: 'paths', format: 'mermaid' } };
    case 'artifact':
      return { route: { page: 'artifact', artifact: value } };
    case 'cve':
      return { route: { page: 'home', filter: { type: 'cve', value: normalizeVulnId(value) } } };
    case 'purl':
      return { route: { page: 'home', filter: { type: 'purl', value } } };
  }
}
