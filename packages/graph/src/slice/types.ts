import type { SlicePath, SliceResponse } from '@stella-ops/core';
import type { Assumptions } from '../guards/assume.js';

/** Which runtime observations a slice keeps (see README: "Observed filter"). */
export type ObservedFilter = 'only' | 'exclude';

/** Which way a package slice expands: callers, callees or both. */
export type Direction = 'upstream' | 'downstream' | 'both';

/** A package slice: the nodes of the packages a purl (pattern) names and their neighbours. */
export interface PackageSliceQuery {
  /** `pkg:type/namespace/name[@version]`; without a version every version matches, `@4.*` every 4.x. */
  purl: string;
  /** Hops to expand, 1–10 (default 1). */
  depth?: number;
  /** Default `both`. */
  direction?: Direction;
  observed?: ObservedFilter;
  /**
   * Assumptions about the deployment (`{os: 'linux', FEATURE_X: 'disabled'}`): edges whose
   * conditional guard they contradict do not exist for the query; guards they satisfy are not open.
   */
  assume?: Assumptions;
}

/** A CVE slice: every entrypoint→sink path for the sinks carrying a vulnerability. */
export interface CveSliceQuery {
  /** A vulnerability id such as `CVE-2024-1234` or a GHSA id. */
  cve: string;
  observed?: ObservedFilter;
  /**
   * Assumptions about the deployment (`{os: 'linux', FEATURE_X: 'disabled'}`): edges whose
   * conditional guard they contradict do not exist for the query; guards they satisfy are not open.
   */
  assume?: Assumptions;
}

/** An entrypoint slice: everything reachable from an entrypoint. */
export interface EntrypointSliceQuery {
  /** A node id, or the symbol or file of entrypoint nodes. */
  entrypoint: string;
  /** Hops to expand, 1–10 (default 10). */
  depth?: number;
  /** Keep only nodes and edges on paths that end in a sink. */
  sinksOnly?: boolean;
  observed?: ObservedFilter;
  /**
   * Assumptions about the deployment (`{os: 'linux', FEATURE_X: 'disabled'}`): edges whose
   * conditional guard they contradict do not exist for the query; guards they satisfy are not open.
   */
  assume?: Assumptions;
}

/** A file slice: the nodes in files matching a glob and the entrypoint paths that reach them. */
export interface FileSliceQuery {
  /** A picomatch glob over node `file` paths (dotfiles match). */
  file: string;
  observed?: ObservedFilter;
  /**
   * Assumptions about the deployment (`{os: 'linux', FEATURE_X: 'disabled'}`): edges whose
   * conditional guard they contradict do not exist for the query; guards they satisfy are not open.
   */
  assume?: Assumptions;
}

/** Any slice query, discriminated by `type` (the `query` object of slice-response.v1). */
export type AnySliceQuery =
  | ({ type: 'package' } & PackageSliceQuery)
  | ({ type: 'cve' } & CveSliceQuery)
  | ({ type: 'entrypoint' } & EntrypointSliceQuery)
  | ({ type: 'file' } & FileSliceQuery);

/** Limits of a slice. Every limit that cuts an answer sets `truncated: true`. */
export interface SliceOptions {
  /** Most nodes returned (default 10,000); the nodes nearest the query's start are kept. */
  maxNodes?: number;
  /** Most paths returned (default 1,000). */
  maxPaths?: number;
  /** Most paths per (entrypoint, target) pair (default 5). */
  pathsPerPair?: number;
  /** Most partial paths examined per (entrypoint, target) pair before giving up (default 20,000). */
  maxExpansionsPerPair?: number;
  /**
   * For slices with paths (cve, file): materialise only the part of `nodes` and `edges` that the
   * paths `offset … offset + limit - 1` traverse — the answer's nodes on those paths, and its edges
   * whose (from, to, why.type, why.guard) is one of their hops — as a client paging through the
   * paths would cut them. `paths`, `counts` and `truncated` still describe the whole answer.
   * Ignored by slices without paths.
   */
  pathPage?: PathPage;
}

/** A page of a slice's paths (see {@link SliceOptions.pathPage}). */
export interface PathPage {
  /** Index of the first path, 0 or more. */
  offset: number;
  /** Number of paths, 1 or more. */
  limit: number;
}

/** A slice answer: a slice-response.v1 document. */
export type SliceResult = SliceResponse;

/** One explained path of a slice answer. */
export type SliceResultPath = SlicePath;
