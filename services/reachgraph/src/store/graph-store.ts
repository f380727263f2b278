import type { SignatureRow } from '../db/schema/index.js';

/** A stored graph without its blobs. */
export interface GraphMeta {
  digest: string;
  artifact: { name: string; digest: string };
  nodeCount: number;
  edgeCount: number;
  canonicalSize: number;
  binarySize: number;
  signatures: SignatureRow[];
  createdBy: string;
  createdAt: string;
}

/** A new graph's binary form (what the index worker makes). */
export interface NewGraphIndex {
  nodeCount: number;
  edgeCount: number;
  binaryZst: Buffer;
  binarySize: number;
  /** The binary form of the CVE core, zstd, for large graphs (see `coreZst`). */
  coreZst?: Buffer;
}

/** Everything written for a new graph, in one transaction. */
export interface NewGraph {
  digest: string;
  artifact: { name: string; digest: string };
  canonicalZst: Buffer;
  canonicalSize: number;
  signatures: SignatureRow[];
  createdBy: string;
  /** The graph's lookup keys: the purls of its nodes, the CVEs of its sinks and scope (sorted). */
  lookups: { purls: string[]; cves: string[] };
  /**
   * The binary form, possibly still being computed: the row, its canonical JSON and its lookups are
   * written meanwhile, in the same transaction, which rolls back if this rejects.
   */
  index: Promise<NewGraphIndex>;
}

/** Who did something, for the audit trails. */
export interface Actor {
  principal: string;
  subject: string;
}

/** One replay attempt as `replay_log` records it. */
export interface ReplayLogEntry {
  id: string;
  actor: Actor;
  expectedDigest: string;
  computedDigest?: string;
  match?: boolean;
  inputs: unknown;
  diff?: unknown;
  errorCode?: string;
  durationMs: number;
}

/** Filters of a listing ({@link GraphStore.list}): every one given must hold. */
export interface GraphFilter {
  artifactDigest?: string;
  artifactName?: string;
  /** A node of the graph belongs to exactly this package URL. */
  purl?: string;
  /** A node of the graph belongs to a package URL that starts with this (every version of a package). */
  purlPrefix?: string;
  /** A sink of the graph carries this vulnerability, or its scope names it. */
  cve?: string;
}

/**
 * A place in a listing: the graph a page ended with. `createdAt` is its timestamp to the microsecond
 * (`2026-12-06T08:05:01.123456Z`), not {@link GraphMeta.createdAt}, which is rounded to milliseconds.
 */
export interface ListPosition {
  createdAt: string;
  digest: string;
}

/**
 * Where graphs live (Postgres in production and tests). Every method acts for one tenant and sees
 * only that tenant's rows: another tenant's graph is indistinguishable from a missing one.
 */
export interface GraphStore {
  /**
   * Stores a graph with its lookups and answers what was stored; `existing` when that tenant
   * already has the digest (then `graph.index` is not waited for).
   */
  insert(tenant: string, graph: NewGraph): Promise<GraphMeta | 'existing'>;
  meta(tenant: string, digest: string): Promise<GraphMeta | undefined>;
  exists(tenant: string, digest: string): Promise<boolean>;
  /** Adds signatures not yet recorded; returns the full list. */
  addSignatures(tenant: string, digest: string, signatures: SignatureRow[]): Promise<SignatureRow[]>;
  /** The canonical JSON, zstd-compressed, as stored. */
  canonicalZst(tenant: string, digest: string): Promise<Buffer | undefined>;
  /** The engine's binary form, zstd-compressed, as stored. */
  binaryZst(tenant: string, digest: string): Promise<Buffer | undefined>;
  /**
   * The binary form of the graph's CVE core (the engine's `cveCore`), zstd-compressed; undefined
   * when the graph is not there or has none stored (small graphs, rows written before cores).
   */
  coreZst(tenant: string, digest: string): Promise<Buffer | undefined>;
  /**
   * Stores the CVE core of a graph that has none (a row written before cores existed). False when the
   * tenant has no such graph or its row has a core already (that one is kept).
   */
  storeCore(tenant: string, digest: string, coreZst: Buffer): Promise<boolean>;
  /**
   * A page of the tenant's graphs that match `filter`, newest first (then by digest, descending),
   * starting after `page.after`; `next` is where the following page starts, absent on the last one.
   */
  list(
    tenant: string,
    filter: GraphFilter,
    page: { limit: number; after?: ListPosition },
  ): Promise<{ graphs: GraphMeta[]; next?: ListPosition }>;
  /** Deletes a graph (its lookups and cached slices go with it) and records who did it. */
  delete(tenant: string, digest: string, actor: Actor): Promise<boolean>;
  /** The durable slice cache (zstd JSON). */
  getSlice(tenant: string, digest: string, queryKey: string): Promise<Buffer | undefined>;
  putSlice(
    tenant: string,
    digest: string,
    queryKey: string,
    query: unknown,
    responseZst: Buffer,
  ): Promise<void>;
  logReplay(tenant: string, entry: ReplayLogEntry): Promise<void>;
}
