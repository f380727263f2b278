import dagre from '@dagrejs/dagre';
import { edgeKey, nodeLabel, packageName } from '../model/labels.js';
import type { SliceEdge, SliceNode } from '../model/types.js';

/** A node placed by the layout (x, y = centre). */
export interface PlacedNode {
  id: string;
  node: SliceNode | undefined;
  label: string;
  sublabel: string | undefined;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge routed by the layout. */
export interface PlacedEdge {
  key: string;
  edge: SliceEdge;
  points: { x: number; y: number }[];
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

/** Above this many nodes the slice is not drawn (the layout would take seconds); narrow the query. */
export const MAX_DRAWN_NODES = 1500;

export const NODE_HEIGHT = 46;
const CHAR_WIDTH = 7.4;

/** The width a label needs (estimated, so the layout runs without a DOM). */
export function nodeWidth(label: string, sublabel?: string): number {
  const chars = Math.max(label.length, (sublabel?.length ?? 0) * 0.85);
  return Math.round(Math.min(300, Math.max(90, 28 + chars * CHAR_WIDTH)));
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * A layered (Sugiyama) left-to-right layout of a slice by dagre: entrypoints towards the left, sinks
 * towards the right. Edges to nodes the slice does not carry get a placeholder node.
 */
export function layoutSlice(nodes: readonly SliceNode[], edges: readonly SliceEdge[]): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: true, directed: true });
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70, edgesep: 14, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const byId = new Map<string, PlacedNode>();
  const add = (id: string, node: SliceNode | undefined) => {
    if (byId.has(id)) return;
    const label = clip(nodeLabel(id, node), 38);
    const pkg = packageName(node?.purl);
    const sublabel = pkg ? clip(pkg, 42) : undefined;
    const placed: PlacedNode = {
      id,
      node,
      label,
      sublabel,
      x: 0,
      y: 0,
      width: nodeWidth(label, sublabel),
      height: NODE_HEIGHT,
    };
    byId.set(id, placed);
    g.setNode(id, { width: placed.width, height: placed.height });
  };
  for (const n of nodes) add(n.id, n);
  const placedEdges: PlacedEdge[] = [];
  for (const e of edges) {
    add(e.from, undefined);
    add(e.to, undefined);
    const key = edgeKey(e);
    g.setEdge(e.from, e.to, { minlen: 1 }, key);
    placedEdges.push({ key, edge: e, points: [] });
  }
  dagre.layout(g);
  for (const placed of byId.values()) {
    const laid = g.node(placed.id) as { x: number; y: number };
    placed.x = laid.x;
    placed.y = laid.y;
  }
  for (const pe of placedEdges) {
    const laid = g.edge(pe.edge.from, pe.edge.to, pe.key) as { points?: { x: number; y: number }[] };
    pe.points = (laid.points ?? []).map((p) => ({ x: p.x, y: p.y }));
  }
  const label = g.graph() as { width?: number; height?: number };
  return {
    nodes: [...byId.values()],
    edges: placedEdges,
    width: label.width ?? 0,
    height: label.height ?? 0,
  };
}

/** An SVG path through the layout's points (straight segments). */
export function edgePath(points: readonly { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}
