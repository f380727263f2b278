// A brute-force reference for the slice engine: plain adjacency lists built from the JSON document,
// BFS/DFS on them, and exhaustive simple-path enumeration. Written for clarity, not speed; used on
// small random graphs only.
import type { ReachGraph, ReachGraphEdge, ReachGraphNode } from '@stella-ops/core';

export interface RefGraph {
  nodes: ReachGraphNode[]; // sorted by id
  index: Map<string, number>;
  edges: { from: number; to: number; raw: ReachGraphEdge }[];
  out: number[][]; // edge numbers by source
  into: number[][]; // edge numbers by target
}

export interface RefAdmission {
  node: (i: number) => boolean;
  edge: (e: number) => boolean;
}

const str = (a: string | undefined, b: string | undefined) =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1;

export function refGraph(d: ReachGraph): RefGraph {
  const nodes = [...d.nodes].sort((a, b) => str(a.id, b.id));
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const edges = d.edges.map((raw) => ({
    from: index.get(raw.from) as number,
    to: index.get(raw.to) as number,
    raw,
  }));
  const out: number[][] = nodes.map(() => []);
  const into: number[][] = nodes.map(() => []);
  edges.forEach((e, k) => {
    out[e.from]?.push(k);
    into[e.to]?.push(k);
  });
  return { nodes, index, edges, out, into };
}

/** The specified edge order: (from id, to id, type, guard, loc, confidence). */
export function compareEdges(a: ReachGraphEdge, b: ReachGraphEdge): number {
  return (
    str(a.from, b.from) ||
    str(a.to, b.to) ||
    str(a.why.type, b.why.type) ||
    str(a.why.guard, b.why.guard) ||
    str(a.why.loc, b.why.loc) ||
    (a.why.confidence ?? -1) - (b.why.confidence ?? -1)
  );
}

export type RefAssume = Record<string, string> | undefined;

/**
 * How an edge's guard stands under assumptions, read the long way: only EnvGuard, FeatureFlag and
 * PlatformArch guards of the form KEY=v, KEY!=v or KEY=a|b count; values compare case-insensitively.
 */
export function refGuardStatus(
  e: ReachGraphEdge,
  assume: RefAssume,
): 'none' | 'open' | 'satisfied' | 'contradicted' {
  const guard = e.why.guard;
  if (guard === undefined || !['EnvGuard', 'FeatureFlag', 'PlatformArch'].includes(e.why.type)) return 'none';
  const negated = guard.includes('!=');
  const [left, right, ...more] = guard.split(negated ? '!=' : '=');
  if (left === undefined || right === undefined || more.length > 0) return 'none';
  const key = left.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) || key.length > 128 || right.includes(',')) return 'none';
  const values = right.split('|').map((v) => v.trim().toLowerCase());
  if (values.includes('')) return 'none';
  if (assume === undefined || !Object.keys(assume).includes(key)) return 'open';
  const assumed = (assume[key] as string).trim().toLowerCase();
  const holds = negated ? !values.includes(assumed) : values.includes(assumed);
  return holds ? 'satisfied' : 'contradicted';
}

export function refAdmission(g: RefGraph, observed?: 'only' | 'exclude', assume?: RefAssume): RefAdmission {
  const kept = (k: number) =>
    refGuardStatus((g.edges[k] as RefGraph['edges'][number]).raw, assume) !== 'contradicted';
  if (observed === undefined) return { node: () => true, edge: kept };
  const want = observed === 'only';
  const node = (i: number) => (g.nodes[i]?.observed !== undefined) === want;
  const edge = (k: number) => {
    const e = g.edges[k] as RefGraph['edges'][number];
    return node(e.from) && node(e.to) && (want || e.raw.observed === undefined) && kept(k);
  };
  return { node, edge };
}

/** `a` without the edges whose guard is open under `assume`. */
export function refWithoutOpen(g: RefGraph, a: RefAdmission, assume: RefAssume): RefAdmission {
  return {
    node: a.node,
    edge: (k) =>
      a.edge(k) && refGuardStatus((g.edges[k] as RefGraph['edges'][number]).raw, assume) !== 'open',
  };
}

/** BFS distances from `seeds` (admitted, inside `within` when given). */
export function reach(
  g: RefGraph,
  seeds: number[],
  forward: boolean,
  maxDepth: number,
  a: RefAdmission,
  within?: Set<number>,
): Map<number, number> {
  const dist = new Map<number, number>();
  const queue: number[] = [];
  for (const s of seeds) {
    if (!dist.has(s)) {
      dist.set(s, 0);
      queue.push(s);
    }
  }
  while (queue.length > 0) {
    const u = queue.shift() as number;
    const d = (dist.get(u) as number) + 1;
    if (d > maxDepth) continue;
    for (const k of (forward ? g.out : g.into)[u] ?? []) {
      const e = g.edges[k] as RefGraph['edges'][number];
      const v = forward ? e.to : e.from;
      if (dist.has(v) || !a.edge(k) || !a.node(v) || (within && !within.has(v))) continue;
      dist.set(v, d);
      queue.push(v);
    }
  }
  return dist;
}

export const entrypoints = (g: RefGraph, a: RefAdmission) =>
  g.nodes.map((n, i) => (n.isEntrypoint === true && a.node(i) ? i : -1)).filter((i) => i >= 0);

export const isSink = (n: ReachGraphNode) => n.isSink === true || (n.cves?.length ?? 0) > 0;

/** Every simple path s → t over admitted edges, as node sequences (parallel edges collapse). */
export function simplePaths(g: RefGraph, s: number, t: number, a: RefAdmission): number[][] {
  const out: number[][] = [];
  const walk = (path: number[]) => {
    const u = path[path.length - 1] as number;
    if (u === t) {
      out.push([...path]);
      return;
    }
    const next = new Set<number>();
    for (const k of g.out[u] ?? []) if (a.edge(k)) next.add((g.edges[k] as RefGraph['edges'][number]).to);
    for (const v of next) {
      if (path.includes(v)) continue;
      path.push(v);
      walk(path);
      path.pop();
    }
  };
  if (a.node(s) && a.node(t)) walk([s]);
  return out.sort((x, y) => x.length - y.length || lex(x, y));
}

function lex(x: number[], y: number[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++)
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/**
 * The edge a hop u→v is explained by: an unguarded admitted one if any, else one whose guard is not
 * open under `assume`, else the first in edge order.
 */
export function hopEdge(
  g: RefGraph,
  u: number,
  v: number,
  a: RefAdmission,
  assume?: RefAssume,
): ReachGraphEdge {
  const candidates = (g.out[u] ?? [])
    .filter((k) => a.edge(k) && (g.edges[k] as RefGraph['edges'][number]).to === v)
    .map((k) => (g.edges[k] as RefGraph['edges'][number]).raw)
    .sort(compareEdges);
  return (candidates.find((e) => e.why.guard === undefined) ??
    candidates.find((e) => refGuardStatus(e, assume) !== 'open') ??
    candidates[0]) as ReachGraphEdge;
}

/** Paths to targets as the engine orders them: by target, entrypoint, then (length, node order). */
export function refPaths(g: RefGraph, entries: number[], targets: number[], a: RefAdmission, k: number) {
  const out: { nodes: number[] }[] = [];
  for (const t of targets)
    for (const e of entries) for (const p of simplePaths(g, e, t, a).slice(0, k)) out.push({ nodes: p });
  return out;
}

/** Nodes on some entrypoint→target path (forward from entries ∩ backward from targets). */
export function onPath(g: RefGraph, entries: number[], targets: number[], a: RefAdmission): Set<number> {
  const fwd = reach(g, entries, true, Number.POSITIVE_INFINITY, a);
  const bwd = reach(
    g,
    targets.filter((t) => a.node(t)),
    false,
    Number.POSITIVE_INFINITY,
    a,
  );
  return new Set([...fwd.keys()].filter((v) => bwd.has(v)));
}

/** Admitted edges between nodes of `set`, in output order. */
export function inducedEdges(g: RefGraph, set: Set<number>, a: RefAdmission): ReachGraphEdge[] {
  return g.edges
    .map((e, k) => ({ e, k }))
    .filter(({ e, k }) => set.has(e.from) && set.has(e.to) && a.edge(k))
    .map(({ e }) => e.raw)
    .sort(compareEdges);
}

/** The ids of `set`, sorted. */
export const idsOf = (g: RefGraph, set: Iterable<number>) =>
  [...set].sort((x, y) => x - y).map((i) => (g.nodes[i] as ReachGraphNode).id);

/** Entrypoint resolution: a node id, else entrypoint nodes whose symbol or file equals the string. */
export function resolveEntry(g: RefGraph, s: string, a: RefAdmission): number[] {
  const byId = g.index.get(s);
  if (byId !== undefined) return a.node(byId) ? [byId] : [];
  return entrypoints(g, a).filter((i) => g.nodes[i]?.symbol === s || g.nodes[i]?.file === s);
}
