import { createSha256Hasher, type ReachGraph, validate } from '@stella-ops/core';
import { allow, parseJsonBody, problems, readBody } from '@stella-ops/service-kit';
import type { RequestHandler, Response, Router } from 'express';
import type { AppContext } from '../context.js';
import { compactGraph, digestGraph, lookupKeys } from '../engine.js';
import type { IndexJob } from '../ingest/graph-indexer.js';
import { dedupeSignatures } from '../signing/graph-signatures.js';
import type { Actor } from '../store/graph-store.js';
import { zstdCompress, zstdDecompress } from '../zstd.js';
import { callerOf, parseGraphDigest, requireJsonBody } from './params.js';
import { upsertResponse } from './views.js';

/** The digest the client expects, from `?digest=` or `X-Expected-Digest` (both must agree). */
function expectedDigest(query: unknown, header: string | undefined): string | undefined {
  const fromQuery = typeof query === 'string' ? parseGraphDigest(query, 'digest') : undefined;
  const fromHeader = header ? parseGraphDigest(header.trim(), 'X-Expected-Digest') : undefined;
  if (fromQuery && fromHeader && fromQuery !== fromHeader) {
    throw problems.badRequest('DIGEST_INVALID', '?digest and X-Expected-Digest disagree');
  }
  return fromQuery ?? fromHeader;
}

/** One graph to store: the raw JSON body and the index job already started on it. */
export interface Upload {
  tenant: string;
  actor: Actor;
  expected: string | undefined;
  body: Buffer;
  job: IndexJob;
}

/**
 * Bytes identical to an earlier successful upload (an idempotent retry, a re-run pipeline) are the
 * same graph: once the tenant is known to have it, answer 200 without parsing, validating and hashing
 * 50 MB again. The bytes' sha256 (decompressed body) is the key; signatures in them were verified
 * when they were first stored.
 */
async function knownUpload(ctx: AppContext, up: Upload, rawKey: string, res: Response): Promise<boolean> {
  const digest = ctx.recentUploads.get(rawKey);
  if (!digest || (up.expected && up.expected !== digest)) return false;
  const meta = await ctx.store.meta(up.tenant, digest);
  if (!meta) return false;
  if (ctx.cfg.signing.signGraphs && !meta.signatures.some((s) => s.keyid === ctx.signatures.keyId))
    return false;
  let canonical: Uint8Array = new Uint8Array();
  if (ctx.cfg.signing.signGraphs) {
    const zst = await ctx.store.canonicalZst(up.tenant, digest);
    if (!zst) return false;
    canonical = zstdDecompress(zst, meta.canonicalSize);
  }
  ctx.metrics.upserts.inc({ result: 'existing' });
  res.status(200).json(upsertResponse(ctx, meta, false, canonical));
  return true;
}

/** What storing an upload did: the answer to send and the graph's digest. */
export interface StoredUpload {
  status: 200 | 201;
  digest: string;
  body: Record<string, unknown>;
}

/**
 * Validates, digests, signs and stores an uploaded graph (the upsert path, also used by builds):
 * 201 when this call created it, 200 when the tenant had it already. Nothing is stored unless
 * every check passed.
 */
export async function storeUpload(ctx: AppContext, up: Upload): Promise<StoredUpload> {
  const { tenant, actor } = up;
  const doc = validate('reachgraph.min@v1', parseJsonBody(up.body)) as ReachGraph;
  const prepared = await digestGraph(doc, up.body.length);
  if (up.expected && up.expected !== prepared.digest) {
    throw problems.unprocessable(
      'DIGEST_MISMATCH',
      `the document's digest is ${prepared.digest}, not the ${up.expected} the client expected`,
    );
  }
  const uploaded = await ctx.signatures.verifyDocumentSignatures(doc.signatures ?? [], prepared.canonical);

  const existing = await ctx.store.meta(tenant, prepared.digest);
  if (existing) {
    up.job.cancel();
    // The service signs a graph once (ECDSA signatures differ each time they are made).
    const signedAlready = existing.signatures.some((s) => s.keyid === ctx.signatures.keyId);
    const own = signedAlready ? [] : await ctx.signatures.signIfEnabled(prepared.canonical);
    const signatures = await ctx.store.addSignatures(tenant, prepared.digest, [...uploaded, ...own]);
    ctx.metrics.upserts.inc({ result: 'existing' });
    return {
      status: 200,
      digest: prepared.digest,
      body: upsertResponse(ctx, { ...existing, signatures }, false, prepared.canonical),
    };
  }
  // The index worker may be waiting for the digest to encode the binary form: tell it first.
  const indexing = up.job.finish(prepared.digest, prepared.doc, prepared.normalizedAsSent);
  const canonicalZst = zstdCompress(prepared.canonical);
  const own = await ctx.signatures.signIfEnabled(prepared.canonical);
  const signatures = dedupeSignatures([...uploaded, ...own]);
  // The store writes the canonical JSON while the index worker finishes the binary form.
  const result = await ctx.store.insert(tenant, {
    digest: prepared.digest,
    artifact: { name: prepared.doc.artifact.name, digest: prepared.doc.artifact.digest },
    canonicalZst,
    canonicalSize: prepared.canonical.length,
    signatures,
    createdBy: actor.principal,
    lookups: lookupKeys(prepared.doc),
    index: indexing.then((i) => ({
      nodeCount: i.nodeCount,
      edgeCount: i.edgeCount,
      binaryZst: i.binaryZst,
      binarySize: i.binary.length,
      ...(i.coreZst ? { coreZst: i.coreZst } : {}),
    })),
  });
  const created = result !== 'existing';
  // Lost a race with an identical upload: still record the signatures this upload carried.
  if (!created) await ctx.store.addSignatures(tenant, prepared.digest, uploaded);
  const meta = created ? result : await ctx.store.meta(tenant, prepared.digest);
  if (!meta) throw new Error('graph vanished right after it was stored');
  ctx.metrics.upserts.inc({ result: created ? 'created' : 'existing' });
  if (created) {
    const indexed = await indexing;
    ctx.graphs.remember(prepared.digest, compactGraph(indexed.binary), indexed.binary.length);
  }
  return {
    status: created ? 201 : 200,
    digest: prepared.digest,
    body: upsertResponse(ctx, meta, created, prepared.canonical),
  };
}

async function store(ctx: AppContext, up: Upload, res: Response): Promise<string> {
  const out = await storeUpload(ctx, up);
  res.status(out.status).location(`/v1/reachgraphs/${out.digest}`).json(out.body);
  return out.digest;
}

/**
 * `POST /v1/reachgraphs`: validates a reachgraph.min@v1 document, computes its digest, verifies its
 * signatures, and stores it with its binary form and lookups in one transaction. 201 the first
 * time, 200 with the same digest after (idempotent).
 */
export function upsertGraph(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const { tenant, actor } = callerOf(req);
    const expected = expectedDigest(req.query['digest'], req.get('x-expected-digest'));
    requireJsonBody(req, 'a reachgraph.min@v1 document');
    // The bytes are hashed as they arrive (the key of an identical re-upload), not after.
    const hasher = createSha256Hasher();
    const body = await readBody(req, {
      maxBytes: ctx.cfg.limits.maxUpsertBytes,
      onChunk: (chunk) => hasher.update(chunk),
    });
    const rawKey = hasher.digest();
    const noJob: IndexJob = { finish: () => Promise.reject(new Error('no index job')), cancel: () => {} };
    if (await knownUpload(ctx, { tenant, actor, expected, body, job: noJob }, rawKey, res)) return;
    // Indexing, the slowest step, starts now (on a worker thread for large uploads) and overlaps
    // with validation and hashing here; nothing is stored unless both succeed.
    const job = ctx.indexer.start(body);
    try {
      const digest = await store(ctx, { tenant, actor, expected, body, job }, res);
      ctx.recentUploads.set(rawKey, digest, 1);
    } catch (err) {
      job.cancel();
      throw err;
    }
  };
}

export function mountUpsertGraph(router: Router, ctx: AppContext): void {
  router.post('/', allow({ scope: 'reachgraph:write' }), upsertGraph(ctx));
}
