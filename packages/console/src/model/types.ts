import type {
  Problem,
  RuntimeObservation,
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

/** The answer of `GET /v1/reachgraphs/by-artifact/{artifactDigest}`. */
export interface ArtifactListing {
  artifactDigest: string;
  graphs: GraphSummary[];
}
