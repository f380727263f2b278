import {
  blake3,
  type DsseEnvelope,
  type OpenVexDocument,
  type ReachGraph,
  type ReachGraphDiff,
  type ReachGraphList,
  type SliceResponse,
  sha256,
} from '@stella-ops/core';
import { clientError, DigestMismatchError } from '../error.js';
import type { RequestBody } from '../http/body.js';
import { pages } from '../http/pages.js';
import { Transport } from '../http/transport.js';
import { collect, verifyChunks } from '../http/verify-digest.js';
import { type CallOptions, type ClientOptions, resolveOptions } from '../options.js';
import type { VerifiedStream } from '../signals/types.js';
import type {
  ArtifactGraphs,
  BundleDownload,
  ByArtifactParams,
  DiffParams,
  EvidenceParams,
  ListParams,
  ReachGraphClient,
  SliceParams,
} from './types.js';

const BASE = '/v1/reachgraphs';
const seg = encodeURIComponent;

function signal(opts: CallOptions | undefined): { signal?: AbortSignal } {
  return opts?.signal ? { signal: opts.signal } : {};
}

function isRequestBody(doc: ReachGraph | RequestBody): doc is RequestBody {
  return (
    typeof doc === 'string' ||
    typeof doc === 'function' ||
    doc instanceof Uint8Array ||
    doc instanceof Blob ||
    (typeof doc === 'object' && doc !== null && Symbol.asyncIterator in doc)
  );
}

function sliceQuery(q: SliceParams): Record<string, string | number | boolean | undefined> {
  return {
    q: q.purl,
    cve: q.cve,
    entrypoint: q.entrypoint,
    file: q.file,
    depth: q.depth,
    direction: q.direction,
    sinksOnly: q.sinksOnly,
    observed: q.observed,
    assume: assumeParam(q.assume),
    limit: q.limit,
    cursor: q.cursor,
  };
}

/** `assume` as the query parameter: an object becomes `KEY=VALUE` pairs sorted by key. */
function assumeParam(assume: DiffParams['assume']): string | undefined {
  if (assume === undefined || typeof assume === 'string') return assume;
  return Object.keys(assume)
    .sort()
    .map((k) => `${k}=${assume[k]}`)
    .join(',');
}

/** The query of slice evidence in a format. */
function evidenceQuery(p: EvidenceParams, format: 'openvex' | 'openvex-dsse') {
  return { cve: p.cve, assume: assumeParam(p.assume), observed: p.observed, format };
}

/** A typed client for the ReachGraph service. */
export function createReachGraphClient(options: ClientOptions): ReachGraphClient {
  const http = new Transport(resolveOptions(options));

  async function open(digest: string, opts?: CallOptions): Promise<VerifiedStream> {
    const res = await http.send({
      method: 'GET',
      path: `${BASE}/${seg(digest)}`,
      idempotent: true,
      // Accepted codings are decoded by fetch; the digest is over the decoded bytes.
      headers: { 'accept-encoding': 'gzip' },
      ...signal(opts),
    });
    const stream: VerifiedStream = { digest, chunks: verifyChunks(res.chunks(), digest, 'reachgraph') };
    const length = res.headers.get('content-length');
    if (length !== null && !res.headers.get('content-encoding')) stream.size = Number(length);
    return stream;
  }

  async function slice(digest: string, query: SliceParams): Promise<SliceResponse> {
    return http.json<SliceResponse>({
      method: 'GET',
      path: `${BASE}/${seg(digest)}/slice`,
      query: sliceQuery(query),
      idempotent: true,
      ...(query.noCache ? { headers: { 'cache-control': 'no-cache' } } : {}),
      ...signal(query),
    });
  }

  function byArtifact(artifactDigest: string, params: ByArtifactParams = {}): Promise<ArtifactGraphs> {
    return http.json<ArtifactGraphs>({
      method: 'GET',
      path: `${BASE}/by-artifact/${seg(artifactDigest)}`,
      query: { limit: params.limit, cursor: params.cursor },
      idempotent: true,
      ...signal(params),
    });
  }

  function list(params: ListParams = {}): Promise<ReachGraphList> {
    return http.json<ReachGraphList>({
      method: 'GET',
      path: BASE,
      query: {
        artifactDigest: params.artifactDigest,
        artifactName: params.artifactName,
        purl: params.purl,
        cve: params.cve,
        limit: params.limit,
        cursor: params.cursor,
      },
      idempotent: true,
      ...signal(params),
    });
  }

  return {
    upsert(doc, opts = {}) {
      const body = isRequestBody(doc) ? doc : JSON.stringify(doc);
      return http.json({
        method: 'POST',
        path: BASE,
        headers: {
          'content-type': 'application/json',
          ...(opts.expectedDigest ? { 'x-expected-digest': opts.expectedDigest } : {}),
        },
        body,
        // Content-addressed: storing the same graph twice stores it once.
        idempotent: true,
        ...signal(opts),
      });
    },

    async get(digest, opts) {
      const stream = await open(digest, opts);
      const bytes = await collect(stream.chunks);
      let graph: ReachGraph;
      try {
        graph = JSON.parse(bytes.toString('utf8')) as ReachGraph;
      } catch (err) {
        throw clientError('RESPONSE_INVALID', 'the graph is not JSON', err);
      }
      return { digest, bytes, graph };
    },

    open,
    slice,

    slicePages: (digest, query) =>
      pages(query.cursor, (cursor) => slice(digest, cursor ? { ...query, cursor } : query)),

    diff: (digest, baseDigest, params) =>
      http.json<ReachGraphDiff>({
        method: 'GET',
        path: `${BASE}/${seg(digest)}/diff/${seg(baseDigest)}`,
        query: {
          cve: params.cve,
          file: params.file,
          assume: assumeParam(params.assume),
          observed: params.observed,
        },
        idempotent: true,
        ...signal(params),
      }),

    replay: (req, opts) =>
      http.json({
        method: 'POST',
        path: `${BASE}/replay`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(req),
        idempotent: true,
        ...signal(opts),
      }),

    list,

    listPages: (params = {}) =>
      pages(params.cursor, (cursor) => list(cursor ? { ...params, cursor } : params)),

    byArtifact,

    byArtifactPages: (artifactDigest, params = {}) =>
      pages(params.cursor, (cursor) => byArtifact(artifactDigest, cursor ? { ...params, cursor } : params)),

    async sliceVex(digest, params) {
      const res = await http.send({
        method: 'GET',
        path: `${BASE}/${seg(digest)}/slice`,
        query: evidenceQuery(params, 'openvex'),
        idempotent: true,
        ...signal(params),
      });
      const bytes = await res.bytes();
      const actual = sha256(bytes);
      // The ETag is the SHA-256 of the document: a changed byte in transit is caught here.
      const etag = res.headers.get('etag')?.replace(/^"|"$/g, '');
      if (etag && etag !== actual) throw new DigestMismatchError(etag, actual, 'OpenVEX document');
      let vex: OpenVexDocument;
      try {
        vex = JSON.parse(bytes.toString('utf8')) as OpenVexDocument;
      } catch (err) {
        throw clientError('RESPONSE_INVALID', 'the OpenVEX answer is not JSON', err);
      }
      const sliceDigest = res.headers.get('x-slice-digest');
      return { bytes, digest: actual, vex, ...(sliceDigest ? { sliceDigest } : {}) };
    },

    async sliceAttestation(digest, params) {
      const envelope = await http.json<DsseEnvelope>({
        method: 'GET',
        path: `${BASE}/${seg(digest)}/slice`,
        query: evidenceQuery(params, 'openvex-dsse'),
        idempotent: true,
        ...signal(params),
      });
      if (typeof envelope?.payload !== 'string' || !Array.isArray(envelope.signatures)) {
        throw clientError('RESPONSE_INVALID', 'the answer is not a DSSE envelope');
      }
      return envelope;
    },

    async dsse(digest, opts) {
      const envelope = await http.json<DsseEnvelope>({
        method: 'GET',
        path: `${BASE}/${seg(digest)}/dsse`,
        idempotent: true,
        ...signal(opts),
      });
      if (typeof envelope?.payload !== 'string') {
        throw clientError('RESPONSE_INVALID', 'the answer is not a DSSE envelope');
      }
      const actual = await blake3(Buffer.from(envelope.payload, 'base64'));
      if (actual !== digest) throw new DigestMismatchError(digest, actual, 'DSSE payload');
      return envelope;
    },

    async bundle(digest, params) {
      const res = await http.send({
        method: 'GET',
        path: `${BASE}/${seg(digest)}/bundle`,
        query: {
          cve: params.cve,
          assume: assumeParam(params.assume),
          include: params.includeGraph ? 'graph' : undefined,
        },
        idempotent: true,
        ...signal(params),
      });
      const bytes = await res.bytes();
      let bundle: BundleDownload['bundle'];
      try {
        bundle = JSON.parse(bytes.toString('utf8')) as BundleDownload['bundle'];
      } catch (err) {
        throw clientError('RESPONSE_INVALID', 'the evidence bundle is not JSON', err);
      }
      const fileName = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
      return { bytes, bundle, ...(fileName ? { fileName } : {}) };
    },

    async delete(digest, opts) {
      const res = await http.send({
        method: 'DELETE',
        path: `${BASE}/${seg(digest)}`,
        idempotent: true,
        ...signal(opts),
      });
      await res.discard();
    },

    build: (req, opts) =>
      http.json({
        method: 'POST',
        path: `${BASE}/build`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(req),
        // A build from the same inputs is the same graph (content-addressed).
        idempotent: true,
        ...signal(opts),
      }),
  };
}
