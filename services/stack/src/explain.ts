import type { SlicePath, SliceResponse } from '@stella-ops/core';

type SliceNode = SliceResponse['nodes'][number];

/** A short human name for a node: its symbol, else its id. */
function nameOf(nodes: ReadonlyMap<string, SliceNode>, id: string): string {
  return nodes.get(id)?.symbol ?? id;
}

/**
 * Renders one path as an indented chain, one hop per line:
 * `main → app.listen [call, src/server.js:40] ⚑ FEATURE_X=enabled ● observed`.
 */
export function formatPath(slice: SliceResponse, path: SlicePath, indent = '  '): string[] {
  const nodes = new Map(slice.nodes.map((n) => [n.id, n]));
  const lines = [`${indent}${nameOf(nodes, path.entrypoint)}  (entrypoint)`];
  path.hops.forEach((hop, i) => {
    const details = [hop.why.type, hop.why.loc].filter(Boolean).join(', ');
    const guard = hop.why.guard ? `  if ${hop.why.guard}` : '';
    const observed = hop.observed ? '  [observed at runtime]' : '';
    lines.push(
      `${indent}${' '.repeat(2 * (i + 1))}→ ${nameOf(nodes, hop.to)}  (${details})${guard}${observed}`,
    );
  });
  return lines;
}

/** The one-paragraph answer to "why is this CVE reachable?" for a CVE slice. */
export function explainCveSlice(slice: SliceResponse, maxPaths = 3): string[] {
  const cve = slice.query.cve ?? '?';
  const paths = slice.paths ?? [];
  if (slice.verdict === 'unknown') return [`${cve}: no sink for it in this graph`];
  const gated = slice.verdict === 'gated';
  if ((slice.verdict !== 'reachable' && !gated) || paths.length === 0) {
    return [`${cve} is NOT reachable: no path from any entrypoint reaches its sinks`];
  }
  const count = `${paths.length} path${paths.length === 1 ? '' : 's'} from an entrypoint to its vulnerable code`;
  const lines = [
    gated
      ? `${cve} is REACHABLE only under conditions: ${count}, each behind a guard`
      : `${cve} is REACHABLE: ${count}`,
  ];
  for (const [i, path] of paths.slice(0, maxPaths).entries()) {
    const conditions = path.openGuards ?? path.guards ?? [];
    const guards = conditions.length > 0 ? ` — only if ${conditions.join(' and ')}` : '';
    const seen = path.hops.filter((h) => h.observed).length;
    const runtime =
      seen === path.hops.length && seen > 0
        ? ', every hop observed at runtime'
        : seen > 0
          ? `, ${seen}/${path.hops.length} hops observed at runtime`
          : ', not observed at runtime';
    lines.push('', `path ${i + 1}${guards}${runtime}:`, ...formatPath(slice, path));
  }
  if (paths.length > maxPaths) lines.push('', `(${paths.length - maxPaths} more paths in the full slice)`);
  return lines;
}
