/** Every failure `@stella-ops/graph` reports, as a stable code callers can switch on. */
export type GraphErrorCode =
  /** A reachgraph.min@v1 document cannot be indexed (edge to an unknown node, duplicate node id, …). */
  | 'GRAPH_INVALID'
  /** Bytes are not a valid binary graph (bad magic, version, checksum, truncation, out-of-range offsets). */
  | 'GRAPH_BINARY_INVALID'
  /** A slice query is malformed (depth out of 1–10, empty purl, bad CVE id, invalid glob, …). */
  | 'QUERY_INVALID'
  /** Builder inputs are inconsistent (no or several headers, edge to an unknown node, duplicate ids, …). */
  | 'INPUT_INVALID'
  /** An assumption string is malformed (`parseAssume`: not KEY=VALUE, a bad key or value, a key twice, > 64 pairs). */
  | 'ASSUME_INVALID';

/** The error thrown by `@stella-ops/graph`. Assert on `code`, never on `message`. */
export class GraphError extends Error {
  readonly code: GraphErrorCode;

  constructor(opts: { code: GraphErrorCode; message: string; cause?: unknown }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'GraphError';
    this.code = opts.code;
  }
}

/** True when `err` is a {@link GraphError}, optionally with the given code. */
export function isGraphError(err: unknown, code?: GraphErrorCode): err is GraphError {
  return err instanceof GraphError && (code === undefined || err.code === code);
}

/** Throws a {@link GraphError} with `code` and `message`; typed `never` so it ends control flow. */
export function fail(code: GraphErrorCode, message: string, cause?: unknown): never {
  throw new GraphError({ code, message, cause });
}
