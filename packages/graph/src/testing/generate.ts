import type { EdgeExplanation, ReachGraph, ReachGraphEdge, ReachGraphNode } from '@stella-ops/core';
import { layoutPackages, type PackageLayout } from './packages.js';
import { Prng } from './prng.js';

/** Options of {@link generateReachGraph}. */
export interface GenerateOptions {
  /** Number of nodes. */
  nodes: number;
  /** Number of edges (distinct (from, to) pairs; a few fewer when a node has too few targets). */
  edges: number;
  /** Packages, the first being the application (default: nodes / 350, 5 … 1,000). */
  packages?: number;
  /** Entrypoints: the application's first functions (default: nodes / 1,000, at least 3). */
  entrypoints?: number;
  /** CVEs, each on 1–3 random functions of one dependency (default 20). */
  cves?: number;
  /** Share of nodes observed at runtime (default 0.1). */
  observedFraction?: number;
  /** PRNG seed (default 1). */
  seed?: number;
}

// Explanation mix: mostly static calls, some imports, a few dynamic or guarded edges.
const TYPE_WEIGHTS: readonly [EdgeExplanation['type'], number, string | undefined][] = [
  ['DirectCall', 0.8, undefined],
  ['Import', 0.08, undefined],
  ['DynamicLoad', 0.03, undefined],
  ['Reflection', 0.03, undefined],
  ['EnvGuard', 0.02, 'DEBUG=true'],
  ['FeatureFlag', 0.02, 'FEATURE_X=enabled'],
  ['PlatformArch', 0.01, 'os=linux'],
  ['LoaderRule', 0.01, 'RTLD_LAZY'],
];

/**
 * A deterministic, realistic reachgraph.min@v1 document for tests and benchmarks: an application
 * package whose top functions are the entrypoints, calling into layered dependencies (a package
 * only calls packages in deeper layers; popular packages and functions get most calls), call trees
 * inside packages with calls back up (cycles) and recursion, every edge type, CVE sinks on random
 * functions of dependencies (1–3 per CVE) and runtime observations. Nodes and edges come out sorted (ids are
 * zero-padded), so the document is already in normalised order. Same options, same document.
 */
export function generateReachGraph(options: GenerateOptions): ReachGraph {
  const rng = new Prng(options.seed ?? 1);
  const n = Math.max(2, Math.floor(options.nodes));
  const layout = layoutPackages(rng, n, options.packages ?? Math.min(1000, Math.max(5, Math.round(n / 350))));
  const batches = Array.from({ length: 4 }, () => `sha256:${rng.hex(64)}`);
  const observedFraction = options.observedFraction ?? 0.1;

  const nodes: ReachGraphNode[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const node: ReachGraphNode = {
      id: layout.nodeId(i),
      kind: 'function',
      purl: layout.purlOf(i),
      symbol: `fn${layout.localIndex(i)}`,
      file: layout.fileOf(i),
      line: 1 + rng.int(2000),
    };
    if (rng.chance(observedFraction)) {
      node.observed = { hitCount: 1 + rng.int(100_000), batches: pickBatches(rng, batches) };
    }
    nodes[i] = node;
  }
  const appSize = layout.size(0);
  const entryCount = Math.min(appSize, options.entrypoints ?? Math.max(3, Math.round(n / 1000)));
  const entryIds: string[] = [];
  for (let k = 0; k < entryCount; k++) {
    const node = nodes[k] as ReachGraphNode;
    node.isEntrypoint = true;
    entryIds.push(node.id);
  }
  const cveIds = placeCves(rng, layout, nodes, options.cves ?? 20);
  const edges = generateEdges(rng, layout, nodes, Math.floor(options.edges));
  return {
    schemaVersion: 'reachgraph.min@v1',
    artifact: { name: 'registry.example/acme/app', digest: `sha256:${rng.hex(64)}`, env: ['linux/amd64'] },
    scope: { entrypoints: entryIds, selectors: ['bench'], cves: cveIds },
    nodes,
    edges,
    provenance: {
      inputs: [{ kind: 'callgraph', digest: `sha256:${rng.hex(64)}` }],
      analyzer: { name: 'stella-graph-generator', version: '1' },
      computedAt: '2026-01-01T00:00:00Z',
    },
  };
}

function pickBatches(rng: Prng, batches: readonly string[]): string[] {
  const a = batches[rng.int(batches.length)] as string;
  const b = batches[rng.int(batches.length)] as string;
  return a === b ? [a] : [a, b].sort();
}

function placeCves(rng: Prng, layout: PackageLayout, nodes: ReachGraphNode[], count: number): string[] {
  const ids: string[] = [];
  for (let c = 0; c < count; c++) {
    const cve = `CVE-2024-${String(10000 + c)}`;
    ids.push(cve);
    const pkg = 1 + rng.int(layout.count - 1);
    const sinks = 1 + rng.int(3);
    for (let s = 0; s < sinks; s++) {
      const node = nodes[layout.start(pkg) + rng.int(layout.size(pkg))] as ReachGraphNode;
      node.isSink = true;
      node.cves = [...new Set([...(node.cves ?? []), cve])].sort();
    }
  }
  return ids;
}

function generateEdges(
  rng: Prng,
  layout: PackageLayout,
  nodes: ReachGraphNode[],
  m: number,
): ReachGraphEdge[] {
  const n = nodes.length;
  const degree = new Uint32Array(n);
  for (let e = 0; e < m; e++) {
    const u = rng.int(n);
    degree[u] = (degree[u] as number) + 1;
  }
  const edges: ReachGraphEdge[] = [];
  for (let u = 0; u < n; u++) {
    const want = degree[u] as number;
    if (want === 0) continue;
    const targets = new Set<number>();
    for (let tries = 0; targets.size < want && tries < want * 4; tries++)
      targets.add(layout.pickTarget(rng, u));
    const from = (nodes[u] as ReachGraphNode).id;
    for (const v of [...targets].sort((a, b) => a - b)) {
      const edge: ReachGraphEdge = {
        from,
        to: (nodes[v] as ReachGraphNode).id,
        why: explanation(rng, nodes[u]),
      };
      const ou = (nodes[u] as ReachGraphNode).observed;
      const ov = (nodes[v] as ReachGraphNode).observed;
      if (ou && ov && rng.chance(0.5)) edge.observed = { hitCount: 1 + rng.int(1000), batches: ov.batches };
      edges.push(edge);
    }
  }
  return edges;
}

function explanation(rng: Prng, from: ReachGraphNode | undefined): EdgeExplanation {
  let r = rng.next();
  let pick = TYPE_WEIGHTS[0] as (typeof TYPE_WEIGHTS)[number];
  for (const w of TYPE_WEIGHTS) {
    pick = w;
    r -= w[1];
    if (r < 0) break;
  }
  const why: EdgeExplanation = { type: pick[0], loc: `${from?.file ?? 'x.js'}:${1 + rng.int(3000)}` };
  if (pick[2] !== undefined) why.guard = pick[2];
  if (pick[0] === 'Reflection' || pick[0] === 'DynamicLoad') why.confidence = 0.8;
  return why;
}
