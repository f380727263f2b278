import { type Purl, parsePurl } from '@stella-ops/core';

/** The index key of a package regardless of version: `["type","namespace","name"]`. */
export function purlKey(p: Purl): string {
  return JSON.stringify([p.type, p.namespace ?? '', p.name]);
}

/** The index columns of a component purl (parsed strictly: it was validated at upload). */
export function purlColumns(purl: string): { purl_key: string; purl_version: string | null } {
  const p = parsePurl(purl);
  return { purl_key: purlKey(p), purl_version: p.version };
}
