// Hand-written to match schemas/reachgraph-min.v1.schema.json (+ common.v1) exactly. They are to be
// replaced by types generated from the schema: keep the names.

/** Why an edge exists (ReachGraph spec, Edge Explainability). `DirectCall` is a plain static call. */
export type EdgeType =
  | 'DirectCall'
  | 'Import'
  | 'DynamicLoad'
  | 'Reflection'
  | 'EnvGuard'
  | 'FeatureFlag'
  | 'PlatformArch'
  | 'LoaderRule';

/** What a node is. */
export type ReachGraphNodeKind = 'function' | 'method' | 'module' | 'package' | 'file' | 'binary';

/** What kind of input a graph was built from. */
export type ReachGraphInputKind = 'callgraph' | 'runtime-facts' | 'sinks' | 'sbom' | 'vex' | 'osv';

/** The explanation every edge carries: its type, where it is, and the condition it depends on. */
export interface EdgeExplanation {
  type: EdgeType;
  /** Source location of the call or load, `file:line` or `file:line:column`. */
  loc?: string;
  /** The condition the edge depends on, e.g. `DEBUG=true`, `os=linux`, `FEATURE_X=enabled`. */
  guard?: string;
  /** How certain the analyzer is that the edge exists, 0..1. */
  confidence?: number;
}

/** Present when a node or edge was observed at runtime (`common.v1` `runtimeObservation`). */
export interface ReachGraphObservation {
  hitCount: number;
  /** `sha256:` provenance hashes of the runtime-fact batches that saw it (a set). */
  batches: string[];
}

/** A node of the graph. */
export interface ReachGraphNode {
  /** Stable, unique inside one graph. */
  id: string;
  kind: ReachGraphNodeKind;
  /** The package the node belongs to. */
  purl?: string;
  symbol?: string;
  file?: string;
  line?: number;
  isEntrypoint?: boolean;
  isSink?: boolean;
  /** The vulnerabilities a sink carries (a set). */
  cves?: string[];
  observed?: ReachGraphObservation;
}

/** A directed edge `from` → `to` with its explanation. */
export interface ReachGraphEdge {
  from: string;
  to: string;
  why: EdgeExplanation;
  observed?: ReachGraphObservation;
}

/** The artifact the graph describes. */
export interface ReachGraphArtifact {
  name: string;
  /** `sha256:`, `sha512:` or `blake3:` digest of the artifact. */
  digest: string;
  /** Platforms the artifact runs on, e.g. `linux/amd64` (a set). */
  env?: string[];
}

/** What the graph covers (every list is a set). */
export interface ReachGraphScope {
  entrypoints?: string[];
  selectors?: string[];
  cves?: string[];
}

/** One input the graph was built from, by digest. */
export interface ReachGraphInput {
  kind: ReachGraphInputKind;
  digest: string;
  /** The producer's identifier for the input (callgraph graphId, runtime-fact batchId). */
  id?: string;
}

/** The analyzer that computed the graph. */
export interface ReachGraphAnalyzer {
  name: string;
  version: string;
}

/** Where the graph comes from. */
export interface ReachGraphProvenance {
  inputs: ReachGraphInput[];
  analyzer: ReachGraphAnalyzer;
  /** RFC 3339 UTC timestamp taken from the inputs, never from the clock during a build or replay. */
  computedAt?: string;
}

/** A DSSE-style signature over the graph (excluded from its digest). */
export interface ReachGraphSignature {
  keyid: string;
  /** Base64 (standard or URL-safe) signature. */
  sig: string;
}

/** A reachability subgraph, `reachgraph.min@v1`. */
export interface ReachGraph {
  schemaVersion: 'reachgraph.min@v1';
  artifact: ReachGraphArtifact;
  scope: ReachGraphScope;
  nodes: ReachGraphNode[];
  edges: ReachGraphEdge[];
  provenance: ReachGraphProvenance;
  signatures?: ReachGraphSignature[];
}

/** A graph as {@link normalizeReachGraph} returns it: normalised, without `signatures`. */
export type NormalizedReachGraph = Omit<ReachGraph, 'signatures'>;
