import type {
  BuildRequest,
  DsseEnvelope,
  OpenVexDocument,
  ReachGraph,
  ReachGraphArtifact,
  ReachGraphDiff,
  ReachGraphList,
  ReachGraphSignature,
  ReplayRequest,
  ReplayResponse,
  SchemaTypes,
  SliceResponse,
} from '@stella-ops/core';
import type { RequestBody } from '../http/body.js';
import type { CallOptions } from '../options.js';
import type { VerifiedStream } from '../signals/types.js';

/**
 * A stored graph as the API shows it (the OpenAPI document's `GraphSummary`; a test keeps the two
 * in step).
 */
export interface GraphSummary {
  digest: string;
  artifact: Pick<ReachGraphArtifact, 'name' | 'digest'>;
  counts: { nodes: number; edges: number };
  sizes?: { canonicalBytes: number; binaryBytes: number };
  signatures?: ReachGraphSignature[];
  createdAt: string;
  /** Upserts: whether this call stored the graph (false: it was there already). */
  created?: boolean;
  /** Upserts with SignGraphs on: the DSSE envelope of the canonical JSON. */
  envelope?: DsseEnvelope;
  href?: string;
}

/** Options of {@link ReachGraphClient.upsert}. */
export interface UpsertOptions extends CallOptions {
  /** The digest the graph must have (`X-Expected-Digest`; 422 `DIGEST_MISMATCH` when it differs). */
  expectedDigest?: string;
}

/** A graph downloaded and verified against its digest. */
export interface GraphDownload {
  digest: string;
  /** The canonical JSON (the bytes the digest is computed over). */
  bytes: Buffer;
  graph: ReachGraph;
}

/** What a slice asks for: exactly one of `purl`, `cve`, `entrypoint`, `file`. */
export interface SliceParams extends CallOptions {
  /** Package slice: a purl, `*` wildcards allowed. */
  purl?: string;
  /** CVE slice: paths from entrypoints to the CVE's sinks. */
  cve?: string;
  /** Entrypoint slice: a node id. */
  entrypoint?: string;
  /** File slice: a glob over node files. */
  file?: string;
  /** 1–10. */
  depth?: number;
  direction?: 'upstream' | 'downstream' | 'both';
  /** Entrypoint slices: only paths that reach sinks. */
  sinksOnly?: boolean;
  observed?: 'only' | 'exclude';
  /**
   * Assumptions (`KEY=VALUE[,KEY=VALUE…]` or an object): edges whose conditional guard they
   * contradict are pruned, guards they satisfy are no longer open.
   */
  assume?: string | Readonly<Record<string, string>>;
  /** Page size (paths, or nodes for slices without paths). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Skip the service's slice caches (`Cache-Control: no-cache`). */
  noCache?: boolean;
}

/** What a diff asks for: exactly one of `cve`, `file`. */
export interface DiffParams extends CallOptions {
  /** The sinks of a vulnerability. */
  cve?: string;
  /** The nodes in files matching a glob. */
  file?: string;
  /** Assumptions applied to both graphs: `KEY=VALUE[,KEY=VALUE…]` or an object. */
  assume?: string | Readonly<Record<string, string>>;
  observed?: 'only' | 'exclude';
}

/** What slice evidence asks for: a CVE slice (the whole slice, no paging). */
export interface EvidenceParams extends CallOptions {
  cve: string;
  /** Assumptions: `KEY=VALUE[,KEY=VALUE…]` or an object. */
  assume?: string | Readonly<Record<string, string>>;
  observed?: 'only' | 'exclude';
}

/** The OpenVEX document of a CVE slice as the service sent it. */
export interface VexDownload {
  /** The canonical JSON bytes (what the attestation's `openvex.json` subject digest covers). */
  bytes: Buffer;
  /** `sha256:` of {@link VexDownload.bytes}, checked against the answer's ETag. */
  digest: string;
  /** `blake3:` of the canonical JSON of the whole slice the document is derived from. */
  sliceDigest?: string;
  vex: OpenVexDocument;
}

/** What an offline evidence bundle asks for: one CVE, optional assumptions, optionally the graph. */
export interface BundleParams extends CallOptions {
  cve: string;
  /** Assumptions: `KEY=VALUE[,KEY=VALUE…]` or an object. */
  assume?: string | Readonly<Record<string, string>>;
  /** Carry the canonical graph, so its digest and the slice can be recomputed offline. */
  includeGraph?: boolean;
}

/** An offline evidence bundle (`reachgraph.bundle@v1`) as the service sent it. */
export interface BundleDownload {
  /** The canonical JSON bytes as served. */
  bytes: Buffer;
  bundle: SchemaTypes['evidence-bundle@v1'];
  /** The file name of `Content-Disposition`, when the service offered one. */
  fileName?: string;
}

/** A page of the graphs of one artifact, newest first. */
export interface ArtifactGraphs {
  artifactDigest: string;
  graphs: GraphSummary[];
  /** Present when the artifact has more graphs: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

/** The page of {@link ReachGraphClient.byArtifact}. */
export interface ByArtifactParams extends CallOptions {
  /** Graphs per page, 1..500 (the service's default: 500). */
  limit?: number;
  cursor?: string;
}

/** Filters and page of {@link ReachGraphClient.list} (all filters optional, combined with AND). */
export interface ListParams extends CallOptions {
  artifactDigest?: string;
  artifactName?: string;
  /** A package URL a node of the graph belongs to, exactly; ending in `@*`, any version. */
  purl?: string;
  /** A vulnerability a sink of the graph carries or its scope names. */
  cve?: string;
  /** Graphs per page, 1..500 (the service's default: 50). */
  limit?: number;
  cursor?: string;
}

/** A page of a tenant's stored graphs: the reachgraph.list@v1 schema's type. */
/** `POST /v1/reachgraphs/build`: the build-request@v1 schema's type. */
export type { BuildRequest, ReachGraphList } from '@stella-ops/core';

/** Everything the ReachGraph service offers. */
export interface ReachGraphClient {
  /** `POST /v1/reachgraphs`: stores a graph (idempotent). */
  upsert(doc: ReachGraph | RequestBody, opts?: UpsertOptions): Promise<GraphSummary>;
  /** `GET /v1/reachgraphs/{digest}`, verified: BLAKE3 of the bytes must be `digest`. */
  get(digest: string, opts?: CallOptions): Promise<GraphDownload>;
  /** `GET /v1/reachgraphs/{digest}` as a verified stream. */
  open(digest: string, opts?: CallOptions): Promise<VerifiedStream>;
  /** `GET /v1/reachgraphs/{digest}/slice`: one page. */
  slice(digest: string, query: SliceParams): Promise<SliceResponse>;
  /** Every page of a slice, following `nextCursor`. */
  slicePages(digest: string, query: SliceParams): AsyncIterable<SliceResponse>;
  /**
   * `GET /v1/reachgraphs/{digest}/diff/{baseDigest}`: what changed in the reachability of a CVE (or
   * file glob) from the base graph to the head graph `digest` (reachgraph.diff@v1).
   */
  diff(digest: string, baseDigest: string, params: DiffParams): Promise<ReachGraphDiff>;
  /** `POST /v1/reachgraphs/replay`. */
  replay(req: ReplayRequest, opts?: CallOptions): Promise<ReplayResponse>;
  /** `GET /v1/reachgraphs/by-artifact/{artifactDigest}`: one page of an artifact's graphs. */
  byArtifact(artifactDigest: string, params?: ByArtifactParams): Promise<ArtifactGraphs>;
  /** Every page of an artifact's graphs, following `nextCursor`. */
  byArtifactPages(artifactDigest: string, params?: ByArtifactParams): AsyncIterable<ArtifactGraphs>;
  /**
   * `GET /v1/reachgraphs`: one page of the tenant's graphs, newest first, matching every filter —
   * say, the graphs to slice when a CVE is published (`{ cve }`) or a package is suspect
   * (`{ purl: 'pkg:npm/lodash@*' }`).
   */
  list(params?: ListParams): Promise<ReachGraphList>;
  /** Every page of a listing, following `nextCursor`. */
  listPages(params?: ListParams): AsyncIterable<ReachGraphList>;
  /** `GET /v1/reachgraphs/{digest}/slice?cve=…&format=openvex`: the OpenVEX document of the verdict. */
  sliceVex(digest: string, params: EvidenceParams): Promise<VexDownload>;
  /**
   * `GET /v1/reachgraphs/{digest}/slice?cve=…&format=openvex-dsse`: the DSSE envelope of the in-toto
   * statement (reachability-slice predicate) over the slice and its OpenVEX document.
   */
  sliceAttestation(digest: string, params: EvidenceParams): Promise<DsseEnvelope>;
  /** `GET /v1/reachgraphs/{digest}/dsse`, its payload verified against `digest`. */
  dsse(digest: string, opts?: CallOptions): Promise<DsseEnvelope>;
  /**
   * `GET /v1/reachgraphs/{digest}/bundle?cve=…`: the offline evidence bundle of a CVE (check it with
   * `verifyEvidenceBundle` from `@stella-ops/graph`).
   */
  bundle(digest: string, params: BundleParams): Promise<BundleDownload>;
  /** `DELETE /v1/reachgraphs/{digest}` (admin scope). */
  delete(digest: string, opts?: CallOptions): Promise<void>;
  /** `POST /v1/reachgraphs/build`. */
  build(req: BuildRequest, opts?: CallOptions): Promise<GraphSummary>;
}
