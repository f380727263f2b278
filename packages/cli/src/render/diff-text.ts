import type { ReachGraphDiff, SlicePath } from '@stella-ops/core';
import type { Output } from '../io/output.js';

/** `a → b → c`, and the guards it depends on when it has open ones. */
function route(path: SlicePath): string {
  const ids = [path.entrypoint, ...path.hops.map((h) => h.to)].join(' → ');
  const open = (path as SlicePath & { openGuards?: string[] }).openGuards ?? [];
  return open.length > 0 ? `${ids}  [only if ${open.join(', ')}]` : ids;
}

/** The listed path to `sink`, unconditional ones first (lists are sorted, so the first is the shortest). */
function pathTo(paths: readonly SlicePath[], sink: string): SlicePath | undefined {
  const mine = paths.filter((p) => p.target === sink);
  return mine.find((p) => ((p as { openGuards?: string[] }).openGuards ?? []).length === 0) ?? mine[0];
}

function short(digest: string): string {
  return `${digest.slice(0, 'blake3:'.length + 12)}…`;
}

/**
 * A diff for people: the verdicts, then one line per sink that changed (`+` newly reachable, `-`
 * no longer reachable, `~` gated changes) with the route that explains it, `·` the other status
 * changes (e.g. a sink that appeared unreachable), then the path counts.
 */
export function renderDiffText(out: Output, diff: ReachGraphDiff): string {
  const q = diff.query;
  const subject = q.type === 'cve' ? (q.cve ?? '') : `file ${q.file ?? ''}`;
  const colour = (v: string) =>
    out.style(v === 'reachable' ? 'red' : v === 'not_reachable' ? 'green' : 'yellow', v);
  const lines = [
    `${out.style('bold', subject)}: ${colour(diff.verdict.base)} → ${colour(diff.verdict.head)}  ${out.style('dim', `(base ${short(diff.baseDigest)}, head ${short(diff.digest)})`)}`,
  ];
  const via = (paths: readonly SlicePath[], sink: string, prefix: string) => {
    const p = pathTo(paths, sink);
    return p ? ` ${prefix} ${route(p)}` : '';
  };
  const { sinks, paths } = diff;
  for (const s of sinks.newlyReachable)
    lines.push(out.style('red', `+ newly reachable: ${s}${via(paths.added, s, 'via')}`));
  for (const s of sinks.newlyGated)
    lines.push(out.style('yellow', `~ newly gated: ${s}${via(paths.added, s, 'via')}`));
  for (const s of sinks.noLongerReachable)
    lines.push(out.style('green', `- no longer reachable: ${s}${via(paths.removed, s, 'was via')}`));
  for (const s of sinks.noLongerGated)
    lines.push(out.style('green', `~ no longer gated: ${s}${via(paths.removed, s, 'was via')}`));
  const quiet = (c: { base: string; head: string }) =>
    ![c.base, c.head].some((status) => status === 'reachable' || status === 'gated');
  for (const c of sinks.changed.filter(quiet)) lines.push(`· ${c.node}: ${c.base} → ${c.head}`);
  if (sinks.changed.length === 0) lines.push('no sink changed');
  if (sinks.stillReachable.length > 0) lines.push(`= still reachable: ${sinks.stillReachable.join(', ')}`);
  const c = diff.counts;
  lines.push(
    out.style(
      'dim',
      `paths: +${c.pathsAdded} -${c.pathsRemoved} (base ${c.basePaths}, head ${c.headPaths})${diff.truncated ? ', truncated: a limit cut a slice or the path lists' : ''}`,
    ),
  );
  return lines.join('\n');
}
