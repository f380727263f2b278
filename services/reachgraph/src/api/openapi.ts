import { allSchemaDocuments, SCHEMA_IDS, type SchemaName } from '@stella-ops/core';

type Json = Record<string, unknown>;

const SCHEMA_NAMES: Record<string, SchemaName> = {
  ReachGraph: 'reachgraph.min@v1',
  SliceResponse: 'slice-response@v1',
  ReachGraphDiff: 'reachgraph.diff@v1',
  ReachGraphList: 'reachgraph.list@v1',
  ReplayRequest: 'replay-request@v1',
  BuildRequest: 'build-request@v1',
  ReplayResponse: 'replay-response@v1',
  Problem: 'problem@v1',
  OpenVex: 'openvex@0.2.0',
  ReachabilitySlicePredicate: 'reachability-slice-predicate@v1',
  EvidenceBundle: 'evidence-bundle@v1',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

/** A 400 answer: the route's own codes, and those any route can answer before it is reached. */
const badRequest = (codes: string) =>
  problem(
    `${codes}; PATH_INVALID (a path that is not percent-encoded UTF-8), REQUEST_INVALID (a malformed request)`,
  );

const COMMON_ERRORS = {
  '401': problem('UNAUTHORIZED: no or invalid bearer token'),
  '403': problem('FORBIDDEN: the token lacks the scope'),
  '429': problem('RATE_LIMITED: past the per tenant+principal limit (Retry-After, RateLimit headers)'),
  '431': problem('HEADERS_TOO_LARGE: the request headers exceed the limit; the connection is closed'),
  '503': problem('DEPENDENCY_UNAVAILABLE: Postgres is unavailable'),
};

const digestParam = {
  name: 'digest',
  in: 'path',
  required: true,
  description: 'The graph digest: `blake3:` and 64 lower-case hex digits (else 400 DIGEST_INVALID)',
  schema: { type: 'string', pattern: '^blake3:[a-f0-9]{64}$' },
};

const queryParam = (name: string, description: string, schema: Json = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

const unsupportedMediaType = problem('UNSUPPORTED_MEDIA_TYPE: a body declared as anything but JSON');

const notFound = problem(
  "GRAPH_NOT_FOUND: no such graph for this tenant (another tenant's graph looks the same)",
);

function graphSummary(): Json {
  return {
    type: 'object',
    required: ['digest', 'artifact', 'counts', 'createdAt'],
    properties: {
      digest: { type: 'string' },
      artifact: { type: 'object' },
      counts: { type: 'object', properties: { nodes: { type: 'integer' }, edges: { type: 'integer' } } },
      sizes: { type: 'object' },
      signatures: { type: 'array', items: { type: 'object' } },
      createdAt: { type: 'string', format: 'date-time' },
      created: { type: 'boolean' },
      envelope: { type: 'object', description: 'DSSE envelope (SignGraphs on)' },
      href: { type: 'string' },
    },
  };
}

/**
 * The OpenAPI 3.1 description of the service. Request and response bodies are the repository's
 * JSON Schemas themselves (OpenAPI 3.1 speaks JSON Schema 2020-12); each keeps its `$id`, so the
 * relative references between schema files resolve against it, and every schema file is included.
 */
export function buildOpenApi(version: string): Json {
  const docs = allSchemaDocuments();
  const schemas: Json = { GraphSummary: graphSummary() };
  for (const [name, schemaName] of Object.entries(SCHEMA_NAMES)) schemas[name] = docs[SCHEMA_IDS[schemaName]];
  for (const [id, doc] of Object.entries(docs)) {
    if (Object.values(SCHEMA_NAMES).some((n) => SCHEMA_IDS[n] === id)) continue;
    const file = id.split('/').pop() ?? id;
    schemas[file.replace(/\.schema\.json$/, '').replace(/[^A-Za-z0-9]+/g, '_')] = doc;
  }
  const security = [{ bearer: [] }];
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Stella Reach — ReachGraph',
      version,
      description:
        'Content-addressed reachability graphs with explained slices, caching, replay and DSSE signatures. Errors are RFC 9457 problem+json with a stable `code`; an unknown route or method answers 404 ROUTE_NOT_FOUND, a missing web-console file under /ui/ 404 ASSET_NOT_FOUND.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Scopes reachgraph:read, reachgraph:write, reachgraph:admin; claims principal and tenant',
        },
      },
      schemas,
    },
    security,
    paths: {
      '/v1/reachgraphs': {
        get: {
          operationId: 'listReachGraphs',
          summary: "A page of the tenant's graphs, newest first, matching every filter given",
          description:
            'Scope reachgraph:read. Filters are optional and combine with AND: which stored graphs have a node in a package, or a sink with a vulnerability, or describe an artifact. `nextCursor` continues the same filters.',
          parameters: [
            queryParam('artifactDigest', 'The artifact digest (sha256:, sha512: or blake3:)'),
            queryParam('artifactName', 'The artifact name, exactly'),
            queryParam(
              'purl',
              'A package URL a node of the graph belongs to, exactly; ending in `@*`, any version of the package',
            ),
            queryParam('cve', 'A vulnerability a sink of the graph carries or its scope names'),
            queryParam('limit', 'Graphs per page, 1..500 (default 50)', {
              type: 'integer',
              minimum: 1,
              maximum: 500,
            }),
            queryParam('cursor', 'The `nextCursor` of the previous page'),
          ],
          responses: {
            '200': { description: 'A page of graphs', content: json(ref('ReachGraphList')) },
            '400': badRequest(
              'QUERY_INVALID, DIGEST_INVALID, PURL_INVALID, CVE_INVALID, LIMIT_OUT_OF_RANGE, CURSOR_INVALID',
            ),
            ...COMMON_ERRORS,
          },
        },
        post: {
          operationId: 'upsertReachGraph',
          summary: 'Upsert a graph (idempotent; digest computed by the server)',
          description:
            'Scope reachgraph:write. Signatures in the document are verified against the trusted keys.',
          parameters: [
            queryParam('digest', 'The digest the client expects (422 DIGEST_MISMATCH when it differs)'),
            { name: 'X-Expected-Digest', in: 'header', required: false, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: json(ref('ReachGraph')) },
          responses: {
            '201': { description: 'Stored', content: json(ref('GraphSummary')) },
            '200': { description: 'Already stored (same digest)', content: json(ref('GraphSummary')) },
            '400': badRequest('JSON_INVALID, DIGEST_INVALID, BODY_ENCODING_INVALID'),
            '413': problem('PAYLOAD_TOO_LARGE'),
            '415': unsupportedMediaType,
            '422': problem(
              'SCHEMA_INVALID (errors[] with JSON pointers), GRAPH_INVALID, DIGEST_MISMATCH, SIGNATURE_INVALID, CANONICAL_JSON_INVALID (a value with no RFC 8785 form, e.g. a lone surrogate)',
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/reachgraphs/{digest}': {
        get: {
          operationId: 'getReachGraph',
          summary: 'The full canonical JSON (ETag = digest, immutable; zstd/gzip by Accept-Encoding)',
          parameters: [digestParam],
          responses: {
            '200': { description: 'The graph', content: json(ref('ReachGraph')) },
            '304': { description: 'Not modified (If-None-Match)' },
            '400': badRequest('DIGEST_INVALID'),
            '404': notFound,
            '502': problem(
              'GRAPH_INTEGRITY_FAILED: the stored graph no longer matches its digest (nothing is sent)',
            ),
            ...COMMON_ERRORS,
          },
        },
        delete: {
          operationId: 'deleteReachGraph',
          summary: 'Delete a graph (scope reachgraph:admin; audit-logged)',
          parameters: [digestParam],
          responses: {
            '204': { description: 'Deleted' },
            '400': badRequest('DIGEST_INVALID'),
            '404': notFound,
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/reachgraphs/{digest}/slice': {
        get: {
          operationId: 'sliceReachGraph',
          summary: 'A slice: package (q), CVE, entrypoint or file (exactly one)',
          parameters: [
            digestParam,
            queryParam('q', 'Package URL, `*` wildcards allowed (package slice)'),
            queryParam('cve', 'Vulnerability id (CVE slice: paths from entrypoints to sinks)'),
            queryParam('entrypoint', 'Entrypoint node id (entrypoint slice)'),
            queryParam('file', 'Glob over node files (file slice)'),
            queryParam('depth', '1–10 (400 DEPTH_OUT_OF_RANGE)', {
              type: 'integer',
              minimum: 1,
              maximum: 10,
            }),
            queryParam('direction', 'upstream, downstream or both', {
              enum: ['upstream', 'downstream', 'both'],
            }),
            queryParam('sinksOnly', 'Entrypoint slices: only paths reaching sinks', { type: 'boolean' }),
            queryParam('observed', 'only or exclude runtime-observed edges', { enum: ['only', 'exclude'] }),
            queryParam(
              'assume',
              'Assumptions about the deployment, `KEY=VALUE[,KEY=VALUE…]` (e.g. `os=linux,FEATURE_X=disabled`; keys `[A-Za-z_][A-Za-z0-9_.-]{0,127}`, values 1–256 characters without `,` `=`, trimmed, at most 64 pairs, each key once, else 400 ASSUME_INVALID). Edges of type EnvGuard, FeatureFlag or PlatformArch whose guard (`KEY=VALUE`, `KEY!=VALUE`, `KEY=a|b`; values case-insensitive) an assumption contradicts are pruned; guards it satisfies are no longer open. Echoed sorted in `query.assume`; every path lists its `openGuards`; a CVE slice is `gated` when its sinks are reached only through paths with an open guard',
            ),
            queryParam('limit', 'Page size (paths, or nodes for slices without paths)', {
              type: 'integer',
              minimum: 1,
            }),
            queryParam('cursor', 'Opaque cursor from nextCursor'),
            queryParam(
              'format',
              '`json` (default): the slice. CVE slices only (else 400 FORMAT_INVALID), no limit/cursor: `openvex` — the OpenVEX v0.2.0 document of the verdict as canonical JSON (ETag = its sha256, the `openvex.json` subject digest of the statement); `openvex-dsse` — the DSSE envelope (payloadType application/vnd.in-toto+json) of the in-toto Statement v1 with the reachability-slice predicate, signed with the service key (409 SIGNING_KEY_NOT_CONFIGURED without one)',
              { enum: ['json', 'openvex', 'openvex-dsse'] },
            ),
          ],
          responses: {
            '200': {
              description:
                'The slice (format=json), the OpenVEX document (format=openvex) or the DSSE envelope of the reachability-slice statement (format=openvex-dsse); the VEX formats carry `ETag` and `X-Slice-Digest` (BLAKE3 of the canonical JSON of the whole slice)',
              content: json({
                oneOf: [
                  ref('SliceResponse'),
                  ref('OpenVex'),
                  {
                    type: 'object',
                    description: 'DSSE envelope',
                    required: ['payloadType', 'payload', 'signatures'],
                    properties: {
                      payloadType: { const: 'application/vnd.in-toto+json' },
                      payload: { type: 'string', contentEncoding: 'base64' },
                      signatures: {
                        type: 'array',
                        items: {
                          type: 'object',
                          required: ['sig'],
                          properties: { keyid: { type: 'string' }, sig: { type: 'string' } },
                        },
                      },
                    },
                  },
                ],
              }),
            },
            '304': { description: 'format=openvex or openvex-dsse: If-None-Match names the current ETag' },
            '400': badRequest(
              'DIGEST_INVALID, QUERY_INVALID, DEPTH_OUT_OF_RANGE, LIMIT_OUT_OF_RANGE, GLOB_INVALID, PURL_INVALID, CVE_INVALID, CURSOR_INVALID, FORMAT_INVALID, ASSUME_INVALID',
            ),
            '404': notFound,
            '409': problem(
              'SIGNING_KEY_NOT_CONFIGURED: format=openvex-dsse on a service without a signing key (REACHGRAPH_SIGNING_KEY_PEM/_FILE)',
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/reachgraphs/{digest}/diff/{baseDigest}': {
        get: {
          operationId: 'diffReachGraphs',
          summary:
            "What changed in a CVE's (or a file glob's) reachability from the base graph to this one: sinks newly reachable, no longer reachable or gated, paths added and removed (a PR check)",
          parameters: [
            digestParam,
            {
              ...digestParam,
              name: 'baseDigest',
              description: 'The base graph: `blake3:` and 64 lower-case hex digits (else 400 DIGEST_INVALID)',
            },
            queryParam('cve', 'Vulnerability id (exactly one of cve, file)'),
            queryParam('file', 'Glob over node files: the nodes in matching files are the sinks'),
            queryParam(
              'assume',
              'Assumptions KEY=VALUE[,KEY=VALUE…] applied to both graphs (400 ASSUME_INVALID)',
            ),
            queryParam('observed', 'only or exclude runtime-observed edges', { enum: ['only', 'exclude'] }),
          ],
          responses: {
            '200': {
              description:
                'The diff; `truncated` when a slice limit (SLICE_MAX_NODES, SLICE_MAX_PATHS) cut either side or the path lists',
              content: json(ref('ReachGraphDiff')),
            },
            '400': badRequest('DIGEST_INVALID, QUERY_INVALID, GLOB_INVALID, CVE_INVALID, ASSUME_INVALID'),
            '404': problem(
              "GRAPH_NOT_FOUND: either graph missing for this tenant (another tenant's graph looks the same)",
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/reachgraphs/{digest}/dsse': {
        get: {
          operationId: 'getReachGraphEnvelope',
          summary: 'The DSSE envelope (payload = canonical JSON) with every recorded signature',
          parameters: [digestParam],
          responses: {
            '200': { description: 'DSSE envelope', content: json({ type: 'object' }) },
            '400': badRequest('DIGEST_INVALID'),
            '404': problem('GRAPH_NOT_FOUND, SIGNATURES_NOT_FOUND'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/reachgraphs/{digest}/bundle': {
        get: {
          operationId: 'getEvidenceBundle',
          summary:
            'The offline evidence bundle of a CVE: the whole slice, its OpenVEX document and signed reachability-slice statement, the graph envelope, the signed evidence of the inputs and the public keys, in one file (`stella verify <bundle> --offline`)',
          parameters: [
            digestParam,
            { ...queryParam('cve', 'Vulnerability id (required; else 400 QUERY_INVALID)'), required: true },
            queryParam('assume', 'Assumptions KEY=VALUE[,KEY=VALUE…] (400 ASSUME_INVALID), as for slices'),
            queryParam(
              'include',
              '`graph`: also carry the canonical graph, so a verifier recomputes its digest and the slice offline',
              { enum: ['graph'] },
            ),
          ],
          responses: {
            '200': {
              description:
                'The bundle as canonical JSON (the same graph, query and keys give the same bytes), `Content-Disposition: attachment`',
              content: json(ref('EvidenceBundle')),
            },
            '400': badRequest('DIGEST_INVALID, QUERY_INVALID, CVE_INVALID, ASSUME_INVALID'),
            '404': notFound,
            '502': problem(
              'GRAPH_INTEGRITY_FAILED: the stored graph fails its checksum; INPUT_DIGEST_MISMATCH: a kept sink list or OSV document no longer hashes to its digest',
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/reachgraphs/by-artifact/{artifactDigest}': {
        get: {
          operationId: 'listReachGraphsByArtifact',
          summary: "The tenant's graphs of one artifact, newest first",
          description:
            'The listing `GET /v1/reachgraphs?artifactDigest=` answers, with a larger default page; its cursors serve both.',
          parameters: [
            { ...digestParam, name: 'artifactDigest', schema: { type: 'string' } },
            queryParam('limit', 'Graphs per page, 1..500 (default 500)', {
              type: 'integer',
              minimum: 1,
              maximum: 500,
            }),
            queryParam('cursor', 'The `nextCursor` of the previous page'),
          ],
          responses: {
            '200': {
              description: 'Graphs',
              content: json({
                type: 'object',
                required: ['artifactDigest', 'graphs'],
                properties: {
                  artifactDigest: { type: 'string' },
                  graphs: { type: 'array', items: ref('GraphSummary') },
                  nextCursor: { type: 'string', description: 'Present when there are more graphs' },
                },
              }),
            },
            '400': badRequest('DIGEST_INVALID, QUERY_INVALID, LIMIT_OUT_OF_RANGE, CURSOR_INVALID'),
            ...COMMON_ERRORS,
          },
        },
      },
      '/v1/reachgraphs/build': {
        post: {
          operationId: 'buildReachGraph',
          summary: 'Build a graph from a Signals call graph and runtime-fact batches (verified), store it',
          description:
            'Scope reachgraph:write. ReachGraph fetches the inputs from Signals with its service token and verifies digests, the manifest signature and batch attestations before building; sinks inline or from an OSV document. The answer is the upsert answer plus `inputs` (by digest), `unmatchedSinks` and `unmatchedFacts`.',
          requestBody: { required: true, content: json(ref('BuildRequest')) },
          responses: {
            '200': {
              description: 'Already stored (same inputs, same digest)',
              content: json(ref('GraphSummary')),
            },
            '201': { description: 'Built and stored', content: json(ref('GraphSummary')) },
            '400': badRequest('JSON_INVALID'),
            '413': problem('PAYLOAD_TOO_LARGE'),
            '415': unsupportedMediaType,
            '403': problem('FORBIDDEN, SIGNALS_TENANT_MISMATCH: the Signals token serves another tenant'),
            '422': problem(
              'SCHEMA_INVALID, INPUT_INVALID, INPUT_NOT_FOUND, INPUT_MISMATCH, INPUT_UNRESOLVABLE',
            ),
            '502': problem(
              'INPUT_DIGEST_MISMATCH, INPUT_SIGNATURE_INVALID, INPUT_TRUNCATED, SIGNALS_REJECTED',
            ),
            '503': problem('SIGNALS_UNAVAILABLE, DEPENDENCY_UNAVAILABLE'),
          },
        },
      },
      '/v1/reachgraphs/replay': {
        post: {
          operationId: 'replayReachGraph',
          summary: 'Rebuild a graph from its inputs and compare digests (every attempt is logged)',
          requestBody: { required: true, content: json(ref('ReplayRequest')) },
          responses: {
            '200': { description: 'Outcome (match or diff)', content: json(ref('ReplayResponse')) },
            '400': badRequest('JSON_INVALID'),
            '413': problem('PAYLOAD_TOO_LARGE'),
            '415': unsupportedMediaType,
            '404': notFound,
            '422': problem('SCHEMA_INVALID, INPUT_INVALID, INPUT_UNRESOLVABLE, INPUT_NOT_FOUND'),
            '502': problem(
              'INPUT_DIGEST_MISMATCH, INPUT_SIGNATURE_INVALID, INPUT_TRUNCATED (logged in replay_log)',
            ),
            ...COMMON_ERRORS,
          },
        },
      },
      '/healthz': {
        get: { summary: 'Process alive', security: [], responses: { '200': { description: 'ok' } } },
      },
      '/readyz': {
        get: {
          summary: 'Postgres and Redis reachable',
          security: [],
          responses: { '200': { description: 'ready' }, '503': { description: 'not ready' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          security: [],
          responses: { '200': { description: 'metrics' } },
        },
      },
    },
  };
}
