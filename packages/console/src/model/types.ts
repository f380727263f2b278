import type {
  Problem,
  RuntimeObservation,
  SchemaTypes,
  SliceHop,
  SlicePath,
  SliceQuery,
  SliceResponse,
} from '@stella-ops/core';

export type { Problem, RuntimeObservation, SliceHop, SlicePath, SliceQuery, SliceResponse };

/** A node of a slice (reachgraph-min@v1 `node`). */
export type SliceNode = SliceResponse['nodes'][number];

/** An edge of a slice (reachgraph-min@v1 `edge`). */
export type SliceEdge = SliceResponse['edges'][number];

/** The edge types a hop can have (common@v1 `edgeType`). */
export type EdgeType = SliceEdge['why']['type'];

/** A stored graph as `GET /v1/reachgraphs/by-artifact/{artifactDigest}` lists it. */
export interface GraphSummary {
  digest: string;
  artifact: { name: string; digest: string; env?: string[] };
  counts: { nodes: number; edges: number };
  createdAt?: string;
}

/** The answer of `GET /v1/reachgraphs/by-artifact/{artifactDigest}`: its first page (up to 500 graphs). */
export interface ArtifactListing {
  artifactDigest: string;
  graphs: GraphSummary[];
  /** Present when the artifact has more graphs than the page holds. */
  nextCursor?: string;
}

/** The answer of `GET /v1/reachgraphs` (reachgraph.list@v1): one page of the tenant's graphs, newest first. */
export type GraphListing = SchemaTypes['reachgraph.list@v1'];

/** One graph of a listing. */
export type ListedGraph = GraphListing['graphs'][number];

/**
 * The parameters of `GET /v1/reachgraphs`: the filters (combined with AND; `purl` ending in `@*`
 * matches every version), the page size (1..500) and the cursor of the page to read.
 */
export interface ListGraphsParams {
  cve?: string;
  purl?: string;
  artifactDigest?: string;
  artifactName?: string;
  limit?: number;
  cursor?: string;
}

/** The answer of `GET /v1/reachgraphs/{digest}/diff/{baseDigest}` (reachgraph.diff@v1). */
export type ReachGraphDiff = SchemaTypes['reachgraph.diff@v1'];

/** A slice verdict (slice-response.v1 `verdict`). */
export type Verdict = ReachGraphDiff['verdict']['head'];

/** A sink's status in one graph of a diff. */
export type SinkStatus = ReachGraphDiff['sinks']['changed'][number]['head'];

/** The OpenVEX v0.2.0 document of a CVE slice (`?format=openvex`). */
export type OpenVexDocument = SchemaTypes['openvex@0.2.0'];

/** One statement of an OpenVEX document. */
export type OpenVexStatement = OpenVexDocument['statements'][number];
