import { nodeLabel, nodeLocation } from '../model/labels.js';
import type { SliceResponse } from '../model/types.js';
import { edgeLabel } from './edge-label.js';

/**
 * Text inside a quoted Mermaid label: characters Mermaid would read as syntax become entity codes
 * (`#quot;`, `#lt;`, …), line breaks `<br/>`.
 */
export function mermaidText(s: string): string {
  return s
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/[\r\n]+/g, ' ');
}

/**
 * The slice as a Mermaid flowchart (left to right): nodes get short ids `n0, n1, …` in the slice's
 * order and a label of symbol and file:line; edges are labelled with type and guard, thick (`==>`)
 * when observed at runtime. Entrypoints and sinks get classes.
 */
export function toMermaid(slice: SliceResponse): string {
  const ids = new Map<string, string>();
  const idOf = (nodeId: string) => {
    let id = ids.get(nodeId);
    if (id === undefined) {
      id = `n${ids.size}`;
      ids.set(nodeId, id);
    }
    return id;
  };
  const out = ['flowchart LR'];
  for (const node of slice.nodes) {
    const label = [nodeLabel(node.id, node), nodeLocation(node)]
      .filter((l): l is string => l !== undefined)
      .map(mermaidText)
      .join('<br/>');
    out.push(`  ${idOf(node.id)}["${label}"]`);
  }
  for (const edge of slice.edges) {
    const arrow = edge.observed ? '==>' : '-->';
    out.push(`  ${idOf(edge.from)} ${arrow}|"${mermaidText(edgeLabel(edge))}"| ${idOf(edge.to)}`);
  }
  const entry = slice.nodes.filter((n) => n.isEntrypoint).map((n) => idOf(n.id));
  const sinks = slice.nodes.filter((n) => n.isSink).map((n) => idOf(n.id));
  if (entry.length > 0)
    out.push(
      '  classDef entrypoint stroke:#175cd3,stroke-width:2px',
      `  class ${entry.join(',')} entrypoint`,
    );
  if (sinks.length > 0)
    out.push('  classDef sink stroke:#b42318,stroke-width:2px', `  class ${sinks.join(',')} sink`);
  return `${out.join('\n')}\n`;
}
