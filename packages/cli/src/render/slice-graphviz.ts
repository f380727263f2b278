import type { SliceResponse } from '@stella-ops/core';

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function edgeLabel(e: SliceResponse['edges'][number]): string {
  return [e.why.type, e.why.guard ? `[${e.why.guard}]` : ''].filter(Boolean).join(' ');
}

/** A slice as Graphviz DOT: entrypoints as boxes, sinks red, observed edges bold. */
export function renderSliceDot(slice: SliceResponse): string {
  const lines = [`digraph ${quote(slice.graphDigest)} {`, '  rankdir=LR;', '  node [shape=ellipse];'];
  for (const n of slice.nodes) {
    const attrs = [`label=${quote(n.symbol ?? n.id)}`, `tooltip=${quote(n.id)}`];
    if (n.isEntrypoint) attrs.push('shape=box');
    if (n.isSink) attrs.push('color=red', 'fontcolor=red');
    lines.push(`  ${quote(n.id)} [${attrs.join(', ')}];`);
  }
  for (const e of slice.edges) {
    const attrs = [`label=${quote(edgeLabel(e))}`];
    if (e.observed) attrs.push('style=bold');
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n');
}

/** A slice as a Mermaid flowchart (nodes renamed n0, n1, … in node order; labels keep the ids). */
export function renderSliceMermaid(slice: SliceResponse): string {
  const ids = new Map(slice.nodes.map((n, i) => [n.id, `n${i}`]));
  const label = (s: string) => `"${s.replace(/"/g, '#quot;')}"`;
  const lines = ['flowchart LR'];
  for (const n of slice.nodes) {
    const id = ids.get(n.id);
    lines.push(n.isEntrypoint ? `  ${id}[[${label(n.id)}]]` : `  ${id}(${label(n.id)})`);
  }
  for (const e of slice.edges) {
    const arrow = e.observed ? '==>' : '-->';
    lines.push(`  ${ids.get(e.from)} ${arrow}|${label(edgeLabel(e))}| ${ids.get(e.to)}`);
  }
  const sinks = slice.nodes.filter((n) => n.isSink).map((n) => ids.get(n.id));
  if (sinks.length > 0) {
    lines.push('  classDef sink stroke:#d00,color:#d00;', `  class ${sinks.join(',')} sink;`);
  }
  return lines.join('\n');
}
