import { canonicalize, type SliceQuery, schemaIssues, sha256 } from '@stella-ops/core';
import { GRAPH_PACKAGE_VERSION, isGraphError, parseAssume } from '@stella-ops/graph';
import { type ProblemIssue, problems } from '@stella-ops/service-kit';
import { integerParam, singleParam } from '../api/params.js';

/** A slice request: the engine's query plus the page asked for. */
export interface SliceRequest {
  query: SliceQuery;
  limit: number;
  offset: number;
  /** sha256 (hex) of the canonical JSON of the normalised query without the page. */
  queryHash: string;
  /** The cache key: sha256 (hex) of the canonical JSON of query + page. */
  cacheKey: string;
}

/** The service's slice limits as {@link parseSliceRequest} takes them. */
export function sliceLimitsOf(limits: {
  sliceDefaultLimit: number;
  sliceMaxLimit: number;
  sliceMaxNodes: number;
  sliceMaxPaths: number;
}): SliceLimits {
  return {
    defaultLimit: limits.sliceDefaultLimit,
    maxLimit: limits.sliceMaxLimit,
    answer: { maxNodes: limits.sliceMaxNodes, maxPaths: limits.sliceMaxPaths },
  };
}

export interface SliceLimits {
  defaultLimit: number;
  maxLimit: number;
  /** The engine's limits on a whole answer (SLICE_MAX_NODES / _PATHS): an answer depends on them. */
  answer: { maxNodes: number; maxPaths: number };
}

/** Bumped whenever `paginate` changes what a page holds (3: `gated`, `openGuards`, `assume`). */
const PAGE_LAYOUT = 3;

const SELECTORS = { q: 'package', cve: 'cve', entrypoint: 'entrypoint', file: 'file' } as const;
const KNOWN = new Set([
  'q',
  'cve',
  'entrypoint',
  'file',
  'depth',
  'direction',
  'limit',
  'cursor',
  'sinksOnly',
  'observed',
  'assume',
]);

/** Unbalanced brackets, braces or parentheses make a glob meaningless (picomatch would match it literally). */
export function globProblem(glob: string): string | undefined {
  if (glob.includes('\u0000')) return 'contains NUL';
  const pairs: Record<string, string> = { ']': '[', '}': '{', ')': '(' };
  const stack: string[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[' || c === '{' || c === '(') stack.push(c);
    else if (c in pairs) {
      if (stack.pop() !== pairs[c]) return `unbalanced ${c}`;
    }
  }
  return stack.length > 0 ? `unclosed ${stack[stack.length - 1]}` : undefined;
}

function cursorOf(raw: string, queryHash: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as {
      q?: unknown;
      o?: unknown;
    };
    if (
      decoded.q === queryHash.slice(0, 16) &&
      Number.isSafeInteger(decoded.o) &&
      (decoded.o as number) >= 0
    ) {
      return decoded.o as number;
    }
  } catch {
    // fall through
  }
  throw problems.badRequest('CURSOR_INVALID', '?cursor is not a cursor this query returned');
}

/** The opaque cursor of the page starting at `offset` of the query hashed `queryHash`. */
export function makeCursor(queryHash: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: queryHash.slice(0, 16), o: offset })).toString('base64url');
}

function hashOf(value: unknown): string {
  return sha256(new TextEncoder().encode(canonicalize(value))).replace(/^sha256:/, '');
}

/**
 * Turns `GET …/slice` parameters into a normalised query (defaults filled in, validated against the
 * `query` of slice-response@v1) and a page. 400 with a stable code for each kind of mistake.
 */
export function parseSliceRequest(params: Record<string, unknown>, limits: SliceLimits): SliceRequest {
  for (const name of Object.keys(params)) {
    if (!KNOWN.has(name)) {
      throw problems.badRequest('QUERY_INVALID', `unknown parameter ?${name}`, [
        { pointer: `/${name}`, message: 'unknown parameter' },
      ]);
    }
  }
  const given = (Object.keys(SELECTORS) as (keyof typeof SELECTORS)[]).filter((k) => params[k] !== undefined);
  if (given.length !== 1) {
    throw problems.badRequest('QUERY_INVALID', 'exactly one of ?q, ?cve, ?entrypoint, ?file is required');
  }
  const selector = given[0] as keyof typeof SELECTORS;
  const value = singleParam(params, selector) ?? '';
  const type = SELECTORS[selector];
  const query: SliceQuery = { type };
  for (const name of ['depth', 'direction', 'sinksOnly', 'observed']) {
    if (params[name] !== undefined && !APPLIES[type].includes(name)) {
      throw problems.badRequest('QUERY_INVALID', `?${name} does not apply to a ${type} slice`, [
        { pointer: `/${name}`, message: `not applicable to ${type} slices` },
      ]);
    }
  }
  if (type === 'package') {
    if (!value.startsWith('pkg:') || value.length < 5) {
      throw problems.badRequest(
        'PURL_INVALID',
        '?q must be a package URL (pkg:type/namespace/name@version, * wildcards allowed)',
      );
    }
    query.purl = value;
  } else if (type === 'cve') query.cve = value;
  else if (type === 'entrypoint') query.entrypoint = value;
  else {
    const problem = globProblem(value);
    if (value === '' || problem)
      throw problems.badRequest('GLOB_INVALID', `?file is not a valid glob: ${problem ?? 'empty'}`);
    query.file = value;
  }
  const depth = singleParam(params, 'depth');
  if (depth !== undefined) query.depth = integerParam(depth, 'depth', 1, 10, 'DEPTH_OUT_OF_RANGE');
  const direction = singleParam(params, 'direction');
  if (direction !== undefined) {
    if (direction !== 'upstream' && direction !== 'downstream' && direction !== 'both') {
      throw problems.badRequest('QUERY_INVALID', '?direction must be upstream, downstream or both');
    }
    query.direction = direction;
  }
  const sinksOnly = singleParam(params, 'sinksOnly');
  if (sinksOnly !== undefined) {
    if (sinksOnly !== 'true' && sinksOnly !== 'false')
      throw problems.badRequest('QUERY_INVALID', '?sinksOnly must be true or false');
    query.sinksOnly = sinksOnly === 'true';
  }
  const observed = singleParam(params, 'observed');
  if (observed !== undefined) {
    if (observed !== 'only' && observed !== 'exclude')
      throw problems.badRequest('QUERY_INVALID', '?observed must be only or exclude');
    query.observed = observed;
  }
  if (Array.isArray(params['assume'])) {
    throw problems.badRequest(
      'ASSUME_INVALID',
      '?assume must be given once (KEY=VALUE pairs separated by commas)',
      [{ pointer: '/assume', message: 'repeated' }],
    );
  }
  const assume = singleParam(params, 'assume');
  if (assume !== undefined) {
    const parsed = assumptionsOf(assume);
    if (Object.keys(parsed).length > 0) query.assume = parsed;
  }
  const normalized = withDefaults(query);
  checkAgainstSchema(normalized);

  const limitRaw = singleParam(params, 'limit');
  const limit =
    limitRaw === undefined
      ? limits.defaultLimit
      : integerParam(limitRaw, 'limit', 1, limits.maxLimit, 'LIMIT_OUT_OF_RANGE');
  const queryHash = hashOf(normalized);
  const cursor = singleParam(params, 'cursor');
  const offset = cursor === undefined ? 0 : cursorOf(cursor, queryHash);
  return {
    query: normalized,
    limit,
    offset,
    queryHash,
    // The engine's and the page layout's versions and the answer limits are part of the key: an
    // upgrade or a changed limit never serves old answers.
    cacheKey: hashOf({
      query: normalized,
      limit,
      offset,
      engine: GRAPH_PACKAGE_VERSION,
      layout: PAGE_LAYOUT,
      answerLimits: { maxNodes: limits.answer.maxNodes, maxPaths: limits.answer.maxPaths },
    }),
  };
}

/**
 * `?assume=KEY=VALUE[,KEY=VALUE…]` as an object sorted by key (so it is part of the cache key in one
 * spelling); blank means no assumption. 400 ASSUME_INVALID for anything else.
 */
function assumptionsOf(raw: string): Record<string, string> {
  try {
    return { ...parseAssume(raw) };
  } catch (err) {
    if (!isGraphError(err, 'ASSUME_INVALID')) throw err;
    throw problems.badRequest('ASSUME_INVALID', `?assume is invalid: ${err.message}`, [
      { pointer: '/assume', message: err.message },
    ]);
  }
}

/** Which optional parameters apply to each slice type, and their defaults (the engine's). */
const APPLIES: Record<SliceQuery['type'], readonly string[]> = {
  package: ['depth', 'direction', 'observed'],
  cve: ['observed'],
  entrypoint: ['depth', 'sinksOnly', 'observed'],
  file: ['observed'],
};

/** Fills in the defaults, so equal questions get equal cache keys. */
export function withDefaults(query: SliceQuery): SliceQuery {
  const out: SliceQuery = { ...query };
  if (out.type === 'package') {
    out.depth ??= 1;
    out.direction ??= 'both';
  }
  if (out.type === 'entrypoint') {
    out.depth ??= 10;
    // Absent means false (as the engine echoes it): one spelling, one cache key.
    if (out.sinksOnly === false) delete out.sinksOnly;
  }
  return out;
}

const PARAM_OF: Record<string, string> = { purl: 'q' };

/** Validates the query against `$defs/query` of slice-response@v1 (inside a minimal response). */
function checkAgainstSchema(query: SliceQuery): void {
  const probe = {
    schemaVersion: 'reachgraph.slice@v1',
    graphDigest: `blake3:${'0'.repeat(64)}`,
    query,
    nodes: [],
    edges: [],
    counts: { nodes: 0, edges: 0 },
    truncated: false,
  };
  const issues = schemaIssues('slice-response@v1', probe).filter((i) => i.pointer.startsWith('/query'));
  if (issues.length === 0) return;
  const errors: ProblemIssue[] = issues.map((i) => {
    const field = i.pointer.slice('/query/'.length);
    return { pointer: `/${PARAM_OF[field] ?? field}`, keyword: i.keyword, message: i.message };
  });
  const first = errors[0]?.pointer.slice(1) ?? 'query';
  const code =
    first === 'cve'
      ? 'CVE_INVALID'
      : first === 'q'
        ? 'PURL_INVALID'
        : first.startsWith('assume')
          ? 'ASSUME_INVALID'
          : 'QUERY_INVALID';
  throw problems.badRequest(code, `?${first} is invalid: ${errors[0]?.message ?? ''}`, errors);
}
