import type { SliceHop, SliceResponse } from '@stella-ops/core';
import type { Output } from '../io/output.js';

type ReachGraphNode = SliceResponse['nodes'][number];

function where(node: ReachGraphNode | undefined): string {
  if (!node?.file) return '';
  return node.line !== undefined ? `${node.file}:${node.line}` : node.file;
}

function nodeLabel(out: Output, id: string, node: ReachGraphNode | undefined): string {
  const tags: string[] = [];
  if (node?.isEntrypoint) tags.push(out.style('cyan', 'entrypoint'));
  if (node?.isSink) tags.push(out.style('red', `sink${node.cves?.length ? ` ${node.cves.join(',')}` : ''}`));
  if (node?.observed) tags.push(out.style('green', `observed ×${node.observed.hitCount}`));
  const loc = where(node);
  return [
    out.style('bold', id),
    loc ? out.style('dim', `(${loc})`) : '',
    node?.purl ? out.style('dim', node.purl) : '',
    tags.length ? `[${tags.join(', ')}]` : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
}

function hopLabel(out: Output, hop: SliceHop, from: ReachGraphNode | undefined): string {
  const parts = [out.style('magenta', hop.why.type)];
  const loc = hop.why.loc ?? where(from);
  if (loc) parts.push(`at ${loc}`);
  if (hop.why.guard) parts.push(out.style('yellow', `guard ${hop.why.guard}`));
  if (hop.observed) parts.push(out.style('green', 'observed'));
  return parts.join('  ');
}

function header(out: Output, slice: SliceResponse): string {
  const q = slice.query;
  const subject = q.cve ?? q.purl ?? q.entrypoint ?? q.file ?? '';
  const verdict = slice.verdict
    ? ` ${out.style(slice.verdict === 'reachable' ? 'red' : slice.verdict === 'not_reachable' ? 'green' : 'yellow', slice.verdict)}`
    : '';
  const counts = `${slice.counts.nodes} nodes, ${slice.counts.edges} edges${slice.counts.paths !== undefined ? `, ${slice.counts.paths} paths` : ''}`;
  const assuming = q.assume
    ? `  assuming ${Object.entries(q.assume)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`
    : '';
  return `${out.style('bold', `${q.type} slice`)} ${subject}${verdict}${assuming}  (${counts}${slice.truncated ? ', truncated' : ''})`;
}

/**
 * A slice for people: each path entry → … → sink as an indented tree, every hop with its edge
 * type, guard and file:line; slices without paths list their edges.
 */
export function renderSliceTree(out: Output, slice: SliceResponse): string {
  const nodes = new Map(slice.nodes.map((n) => [n.id, n]));
  const lines = [header(out, slice)];
  const paths = slice.paths ?? [];
  paths.forEach((path, i) => {
    lines.push('', out.style('bold', `path ${i + 1}: ${path.entrypoint} → ${path.target}`));
    const open = [...new Set(path.openGuards ?? [])];
    if (open.length > 0) lines.push(`  ${out.style('yellow', `reachable only if ${open.join(' and ')}`)}`);
    lines.push(`  ${nodeLabel(out, path.entrypoint, nodes.get(path.entrypoint))}`);
    path.hops.forEach((hop, depth) => {
      const pad = `  ${'   '.repeat(depth)}`;
      lines.push(`${pad}└─ ${hopLabel(out, hop, nodes.get(hop.from))}`);
      lines.push(`${pad}   ${nodeLabel(out, hop.to, nodes.get(hop.to))}`);
    });
  });
  if (paths.length === 0) {
    lines.push('', out.style('bold', 'nodes'));
    for (const n of slice.nodes) lines.push(`  ${nodeLabel(out, n.id, n)}`);
    if (slice.edges.length > 0) lines.push('', out.style('bold', 'edges'));
    for (const e of slice.edges) {
      const hop: SliceHop = { from: e.from, to: e.to, why: e.why };
      lines.push(`  ${e.from} → ${e.to}  ${hopLabel(out, hop, nodes.get(e.from))}`);
    }
  }
  if (slice.sinks) {
    lines.push(
      '',
      `sinks reachable: ${slice.sinks.reachable.join(', ') || '-'}; ${
        slice.sinks.gated?.length ? `only under conditions: ${slice.sinks.gated.join(', ')}; ` : ''
      }unreachable: ${slice.sinks.unreachable.join(', ') || '-'}`,
    );
  }
  if (slice.nextCursor) lines.push('', out.style('dim', `more: --cursor ${slice.nextCursor}`));
  return lines.join('\n');
}
