import type { RuntimeObservation, SliceEdge, SliceNode, SliceResponse } from './types.js';

/** The short name of a node: its symbol, else the part of its id after `#`, else the id. */
export function nodeLabel(id: string, node?: SliceNode): string {
  if (node?.symbol) return node.symbol;
  const hash = id.lastIndexOf('#');
  return hash >= 0 && hash < id.length - 1 ? id.slice(hash + 1) : id;
}

/** `file:line` of a node (just `file` without a line), or undefined. */
export function nodeLocation(node?: SliceNode): string | undefined {
  if (!node?.file) return undefined;
  return node.line === undefined ? node.file : `${node.file}:${node.line}`;
}

/** `name@version` of a package URL (`pkg:npm/%40acme/api@1.2.0` → `@acme/api@1.2.0`). */
export function packageName(purl?: string): string | undefined {
  if (!purl) return undefined;
  const body = purl.replace(/^pkg:[^/]+\//, '').replace(/[?#].*$/, '');
  try {
    return decodeURIComponent(body);
  } catch {
    return body;
  }
}

/** The slice's nodes by id. */
export function indexNodes(nodes: readonly SliceNode[]): Map<string, SliceNode> {
  return new Map(nodes.map((n) => [n.id, n]));
}

/** The key of an edge: ends, type and guard (the same pair can be joined by several explained edges). */
export function edgeKey(e: Pick<SliceEdge, 'from' | 'to' | 'why'>): string {
  return `${e.from}\u0000${e.to}\u0000${e.why.type}\u0000${e.why.guard ?? ''}`;
}

/** The runtime observation of the slice edge a hop follows, when the slice carries one. */
export function hopObservation(
  slice: Pick<SliceResponse, 'edges'>,
  hop: Pick<SliceEdge, 'from' | 'to' | 'why'>,
): RuntimeObservation | undefined {
  const key = edgeKey(hop);
  return slice.edges.find((e) => edgeKey(e) === key)?.observed;
}

/** A readable one-line chain: `main → app.listen → … → template`. */
export function chainText(ids: readonly string[], nodes: Map<string, SliceNode>): string {
  return ids.map((id) => nodeLabel(id, nodes.get(id))).join(' → ');
}

/** The node ids a path visits, entrypoint first. */
export function pathNodeIds(path: { entrypoint: string; hops: readonly { to: string }[] }): string[] {
  return [path.entrypoint, ...path.hops.map((h) => h.to)];
}

/** How many hex digits of a digest a list shows: enough to tell graphs apart at a glance. */
const SHORT_HEX = 12;

/** A digest cut for display: its algorithm and first hex digits (`blake3:2f0a9c1d5e6b`), and the rest. */
export function splitDigest(digest: string): { head: string; rest: string } {
  const cut = digest.indexOf(':') + 1 + SHORT_HEX;
  return { head: digest.slice(0, cut), rest: digest.slice(cut) };
}

/** `2026-11-20 09:30:00 UTC` of an RFC 3339 time; the text as given when it is not one. */
export function storedAt(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
