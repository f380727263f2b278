import {
  type CallgraphManifest,
  type CallgraphRecord,
  newUlid,
  type ProvenanceFeedLine,
  type RuntimeFact,
  type RuntimeFactBatch,
} from '@stella-ops/core';
import { clientError, isStellaApiError } from '../error.js';
import type { RequestBody } from '../http/body.js';
import { ndjsonLines, parseNdjsonText } from '../http/ndjson.js';
import { Transport } from '../http/transport.js';
import { collect, verifyChunks } from '../http/verify-digest.js';
import { type CallOptions, type ClientOptions, resolveOptions } from '../options.js';
import { callgraphUpload } from './callgraph-header.js';
import type {
  CallgraphDownload,
  FactBatchDownload,
  PushRuntimeFactsOptions,
  PushRuntimeFactsResult,
  RuntimeFactsBody,
  SignalsClient,
  SignalsKey,
  StreamFactsOptions,
  VerifiedStream,
} from './types.js';

const NDJSON = 'application/x-ndjson';
const seg = encodeURIComponent;

function header(headers: Headers, name: string): string {
  const value = headers.get(name);
  if (!value) throw clientError('RESPONSE_INVALID', `the answer has no ${name} header`);
  return value;
}

function isBatch(body: RuntimeFactsBody): body is RuntimeFactBatch {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    !(body instanceof Uint8Array) &&
    !(body instanceof Blob) &&
    !(Symbol.asyncIterator in body) &&
    'facts' in body
  );
}

/** The `Idempotency-Key` to send: the caller's, a fresh ULID by default, none with `false`. */
function idempotency(key: string | false | undefined): Record<string, string> {
  if (key === false) return {};
  return { 'idempotency-key': key ?? newUlid() };
}

function signal(opts: CallOptions | undefined): { signal?: AbortSignal } {
  return opts?.signal ? { signal: opts.signal } : {};
}

/** A typed client for the Signals service. */
export function createSignalsClient(options: ClientOptions): SignalsClient {
  const http = new Transport(resolveOptions(options));

  async function open(path: string, expected: string | undefined, what: string, opts?: CallOptions) {
    const res = await http.send({
      method: 'GET',
      path,
      idempotent: true,
      headers: { accept: `${NDJSON}, application/problem+json` },
      ...signal(opts),
    });
    const announced = expected ?? header(res.headers, 'x-content-digest');
    const stream: VerifiedStream = { digest: announced, chunks: verifyChunks(res.chunks(), announced, what) };
    const length = res.headers.get('content-length');
    if (length !== null) stream.size = Number(length);
    return { res, stream };
  }

  async function callgraph(path: string, expected: string | undefined, opts?: CallOptions) {
    const { res, stream } = await open(path, expected, 'call graph', opts);
    const bytes = await collect(stream.chunks);
    const records = parseNdjsonText<CallgraphRecord>(bytes.toString('utf8'));
    return { graphId: header(res.headers, 'x-callgraph-id'), digest: stream.digest, bytes, records };
  }

  async function factBatch(path: string, expected: string | undefined, opts?: CallOptions) {
    const res = await http.send({
      method: 'GET',
      path,
      idempotent: true,
      headers: { accept: `${NDJSON}, application/problem+json` },
      ...signal(opts),
    });
    const hash = expected ?? header(res.headers, 'x-provenance-hash');
    const bytes = await collect(verifyChunks(res.chunks(), hash, 'runtime-fact batch'));
    const facts = parseNdjsonText<RuntimeFact>(bytes.toString('utf8'));
    return { batchId: header(res.headers, 'x-batch-id'), provenanceHash: hash, bytes, facts };
  }

  async function* feed(opts: StreamFactsOptions = {}): AsyncGenerator<ProvenanceFeedLine> {
    let cursor = opts.cursor;
    let resumes = 0;
    for (;;) {
      const since = opts.since instanceof Date ? opts.since.toISOString() : opts.since;
      const res = await http.send({
        method: 'GET',
        path: '/signals/runtime-facts/ndjson',
        query: {
          since,
          callgraph_id: opts.callgraphId,
          include_provenance: opts.includeProvenance ? 'true' : undefined,
          cursor,
        },
        idempotent: true,
        headers: { accept: `${NDJSON}, application/problem+json` },
        ...signal(opts),
      });
      try {
        for await (const line of ndjsonLines(res.chunks())) {
          const parsed = JSON.parse(line) as ProvenanceFeedLine;
          cursor = parsed.cursor;
          yield parsed;
        }
        return;
      } catch (err) {
        const retryable = isStellaApiError(err) && (err.code === 'NETWORK_ERROR' || err.code === 'TIMEOUT');
        if (!retryable || opts.resume === false || resumes >= http.opts.retries) throw err;
        resumes++;
      }
    }
  }

  return {
    async pushCallgraph(body, opts = {}) {
      const hints = { purl: opts.purl, language: opts.language, source: opts.source };
      if (opts.contentEncoding && (opts.purl !== undefined || opts.language !== undefined)) {
        throw clientError('HEADER_CONFLICT', 'purl and language cannot be applied to a compressed upload');
      }
      return http.json<CallgraphManifest>({
        method: 'POST',
        path: '/signals/callgraphs',
        headers: {
          'content-type': NDJSON,
          ...(opts.contentEncoding ? { 'content-encoding': opts.contentEncoding } : {}),
          ...idempotency(opts.idempotencyKey),
        },
        body: await callgraphUpload(body, hints),
        idempotent: opts.idempotencyKey !== false,
        ...signal(opts),
      });
    },

    async openCallgraph(graphId, opts) {
      const { res, stream } = await open(
        `/signals/callgraphs/${seg(graphId)}`,
        undefined,
        'call graph',
        opts,
      );
      return { ...stream, graphId: header(res.headers, 'x-callgraph-id') };
    },

    getCallgraph: (graphId, opts) =>
      callgraph(`/signals/callgraphs/${seg(graphId)}`, undefined, opts) as Promise<CallgraphDownload>,

    getCallgraphByDigest: (digest, opts) =>
      callgraph(`/signals/callgraphs/by-digest/${seg(digest)}`, digest, opts) as Promise<CallgraphDownload>,

    getManifest: (graphId, opts) =>
      http.json({
        method: 'GET',
        path: `/signals/callgraphs/${seg(graphId)}/manifest`,
        idempotent: true,
        ...signal(opts),
      }),

    listCallgraphsByPurl: (purl, opts = {}) =>
      http.json({
        method: 'GET',
        path: `/signals/callgraphs/by-purl/${seg(purl)}`,
        query: { limit: opts.limit, cursor: opts.cursor },
        idempotent: true,
        ...signal(opts),
      }),

    async pushRuntimeFacts(body, opts: PushRuntimeFactsOptions = {}) {
      const headers: Record<string, string> = { ...idempotency(opts.idempotencyKey) };
      if (opts.provenanceHash) headers['x-provenance-hash'] = opts.provenanceHash;
      if (opts.contentEncoding) headers['content-encoding'] = opts.contentEncoding;
      let payload: RequestBody;
      let query = {};
      if (isBatch(body)) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body);
      } else {
        if (!opts.callgraphId || !opts.source) {
          throw new TypeError('pushRuntimeFacts: callgraphId and source are required with NDJSON facts');
        }
        headers['content-type'] = NDJSON;
        query = { callgraphId: opts.callgraphId, source: opts.source };
        payload = Array.isArray(body)
          ? (body as RuntimeFact[]).map((f) => `${JSON.stringify(f)}\n`).join('')
          : (body as RequestBody);
      }
      return http.json<PushRuntimeFactsResult>({
        method: 'POST',
        path: '/signals/runtime-facts',
        query,
        headers,
        body: payload,
        idempotent: opts.idempotencyKey !== false,
        ...signal(opts),
      });
    },

    getFactBatch: (batchId, opts) =>
      factBatch(`/signals/runtime-facts/${seg(batchId)}`, undefined, opts) as Promise<FactBatchDownload>,

    getFactBatchByHash: (hash, opts) =>
      factBatch(`/signals/runtime-facts/by-hash/${seg(hash)}`, hash, opts) as Promise<FactBatchDownload>,

    getProvenance: (batchId, opts) =>
      http.json({
        method: 'GET',
        path: `/signals/runtime-facts/${seg(batchId)}/provenance`,
        idempotent: true,
        ...signal(opts),
      }),

    streamFacts: (opts) => feed(opts),

    async keys(opts) {
      const body = await http.json<{ keys: SignalsKey[] }>({
        method: 'GET',
        path: '/signals/keys',
        idempotent: true,
        ...signal(opts),
      });
      return body.keys;
    },

    verify: (envelope, opts) =>
      http.json({
        method: 'POST',
        path: '/signals/verify',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ envelope }),
        idempotent: true,
        ...signal(opts),
      }),
  };
}
