import { type ReachGraphList, schemaIssues, sha256Canonical } from '@stella-ops/core';
import { type ProblemIssue, problems } from '@stella-ops/service-kit';
import type { GraphFilter, ListPosition } from '../store/graph-store.js';
import { integerParam, singleParam } from './params.js';

/** Graphs per page of a listing when `?limit` is not given. */
export const DEFAULT_LIST_LIMIT = 50;
/** The largest `?limit` of a listing (as reachgraph.list@v1 allows). */
export const MAX_LIST_LIMIT = 500;

const KNOWN = new Set(['artifactDigest', 'artifactName', 'purl', 'cve', 'limit', 'cursor']);
const CODE_OF: Record<string, string> = {
  artifactDigest: 'DIGEST_INVALID',
  purl: 'PURL_INVALID',
  cve: 'CVE_INVALID',
  limit: 'LIMIT_OUT_OF_RANGE',
};
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const GRAPH_DIGEST = /^blake3:[a-f0-9]{64}$/;

/** A listing request: its query as the answer echoes it, the store's filter, and the page. */
export interface ListRequest {
  query: ReachGraphList['query'];
  filter: GraphFilter;
  after?: ListPosition;
}

/** The hash a cursor is bound to: the filters, not the page size. */
function filterHash(query: ReachGraphList['query']): string {
  const { limit: _limit, ...filters } = query;
  return sha256Canonical(filters).slice('sha256:'.length, 'sha256:'.length + 16);
}

/** The cursor of the page after `position`, for `query`'s filters. */
export function listCursor(query: ReachGraphList['query'], position: ListPosition): string {
  const payload = { t: position.createdAt, d: position.digest, f: filterHash(query) };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function positionOf(cursor: string, query: ReachGraphList['query']): ListPosition {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { t, d, f } = decoded;
    if (
      typeof t === 'string' &&
      typeof d === 'string' &&
      TIMESTAMP_TEXT.test(t) &&
      GRAPH_DIGEST.test(d) &&
      f === filterHash(query)
    ) {
      return { createdAt: t, digest: d };
    }
  } catch {
    // not a cursor
  }
  throw problems.badRequest(
    'CURSOR_INVALID',
    '?cursor is not a cursor a listing with these filters returned',
    [{ pointer: '/cursor', message: 'not a cursor of this listing' }],
  );
}

/** Checks the query against reachgraph.list@v1; 400 with the first offending parameter's code. */
function checkAgainstSchema(query: ReachGraphList['query']): void {
  const issues = schemaIssues('reachgraph.list@v1', {
    schemaVersion: 'reachgraph.list@v1',
    query,
    graphs: [],
  });
  if (issues.length === 0) return;
  const errors: ProblemIssue[] = issues.map((i) => ({
    pointer: i.pointer.replace(/^\/query/, '') || '/',
    keyword: i.keyword,
    message: i.message,
  }));
  const first = errors[0]?.pointer.slice(1) ?? '';
  throw problems.badRequest(
    CODE_OF[first] ?? 'QUERY_INVALID',
    `?${first} is invalid: ${errors[0]?.message}`,
    errors,
  );
}

/**
 * Turns `GET /v1/reachgraphs` parameters into a listing request: the filters `artifactDigest`,
 * `artifactName`, `purl` (exact, or every version with `@*`), `cve`, all optional and combined with
 * AND; `limit` (1..500, default `defaultLimit`: 50) and `cursor`. 400 `QUERY_INVALID` (unknown or repeated
 * parameter, bad artifact name), `DIGEST_INVALID`, `PURL_INVALID`, `CVE_INVALID`,
 * `LIMIT_OUT_OF_RANGE`, `CURSOR_INVALID`.
 */
export function parseListRequest(
  params: Record<string, unknown>,
  defaultLimit = DEFAULT_LIST_LIMIT,
): ListRequest {
  for (const name of Object.keys(params)) {
    if (!KNOWN.has(name)) {
      throw problems.badRequest('QUERY_INVALID', `unknown parameter ?${name}`, [
        { pointer: `/${name}`, message: 'unknown parameter' },
      ]);
    }
  }
  const limitRaw = singleParam(params, 'limit');
  const query: ReachGraphList['query'] = {
    limit:
      limitRaw === undefined
        ? defaultLimit
        : integerParam(limitRaw, 'limit', 1, MAX_LIST_LIMIT, 'LIMIT_OUT_OF_RANGE'),
  };
  for (const name of ['artifactDigest', 'artifactName', 'purl', 'cve'] as const) {
    const value = singleParam(params, name);
    if (value !== undefined) query[name] = value;
  }
  checkAgainstSchema(query);
  const filter: GraphFilter = {};
  if (query.artifactDigest !== undefined) filter.artifactDigest = query.artifactDigest;
  if (query.artifactName !== undefined) filter.artifactName = query.artifactName;
  if (query.cve !== undefined) filter.cve = query.cve;
  if (query.purl?.endsWith('@*')) filter.purlPrefix = query.purl.slice(0, -1);
  else if (query.purl !== undefined) filter.purl = query.purl;
  const cursor = singleParam(params, 'cursor');
  return { query, filter, ...(cursor === undefined ? {} : { after: positionOf(cursor, query) }) };
}
