import { nodeLabel, nodeLocation } from '../model/labels.js';
import type { SliceNode, SliceResponse } from '../model/types.js';
import { edgeLabel } from './edge-label.js';

/** A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\n`. */
export function dotString(s: string): string {
  return `"${s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r?\n|\r/g, '\\n')}"`;
}

function nodeLine(node: SliceNode): string {
  const lines = [nodeLabel(node.id, node), node.purl, nodeLocation(node)].filter(
    (l): l is string => l !== undefined,
  );
  const attrs = [`label=${dotString(lines.join('\n'))}`];
  if (node.isSink) attrs.push('color="#b42318"', 'penwidth=2');
  else if (node.isEntrypoint) attrs.push('color="#175cd3"', 'penwidth=2');
  if (node.observed) attrs.push('style="rounded,bold"');
  return `  ${dotString(node.id)} [${attrs.join(', ')}];`;
}

/**
 * The slice as a Graphviz digraph: every node (label = symbol, purl, file:line; entrypoints blue,
 * sinks red) and every edge (label = type and guard; dashed when guarded, bold when observed).
 */
export function toDot(slice: SliceResponse): string {
  const out = [
    'digraph slice {',
    '  rankdir=LR;',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const node of slice.nodes) out.push(nodeLine(node));
  for (const edge of slice.edges) {
    const attrs = [`label=${dotString(edgeLabel(edge))}`];
    if (edge.why.guard) attrs.push('style=dashed');
    if (edge.observed) attrs.push('penwidth=2');
    out.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
