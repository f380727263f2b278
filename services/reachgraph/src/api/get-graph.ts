import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { createZstdDecompressStream } from '@stella-ops/cas';
import { allow } from '@stella-ops/service-kit';
import type { Request, RequestHandler, Router } from 'express';
import type { AppContext } from '../context.js';
import { negotiateEncoding } from './encoding.js';
import { callerOf, graphDigestParam, graphNotFound } from './params.js';
import { VerifiedFrames } from './verified-frames.js';

/** Immutable content: cacheable forever, but only privately (it is one tenant's data). */
export const IMMUTABLE = 'private, max-age=31536000, immutable';

/** True when `If-None-Match` names `etag` (or `*`). */
export function notModified(req: Request, etag: string): boolean {
  const header = req.get('if-none-match');
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/**
 * `GET /v1/reachgraphs/{digest}`: the canonical JSON (the exact bytes the digest is computed over),
 * streamed. zstd is sent as stored, once the stored frame is known to match the digest; gzip and
 * identity are decompressed on the fly.
 */
export function getGraph(ctx: AppContext): RequestHandler {
  const frames = new VerifiedFrames();
  return async (req, res) => {
    const digest = graphDigestParam(req);
    const { tenant } = callerOf(req);
    // Existence is checked (under the tenant's RLS) before any conditional answer.
    const stored = await ctx.store.canonicalZst(tenant, digest);
    if (!stored) throw graphNotFound(digest);
    const etag = `"${digest}"`;
    const unchanged = notModified(req, etag);
    // Nothing is sent before the stored bytes are known to be the graph the digest names (a 304
    // sends none of them).
    if (!unchanged) await frames.check(digest, stored);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', IMMUTABLE);
    res.setHeader('Vary', 'Accept-Encoding, Authorization');
    if (unchanged) {
      res.status(304).end();
      return;
    }
    const encoding = negotiateEncoding(req.get('accept-encoding'));
    res.type('application/json');
    if (encoding === 'zstd') {
      res.setHeader('Content-Encoding', 'zstd');
      res.setHeader('Content-Length', String(stored.length));
      res.end(stored);
      return;
    }
    if (encoding === 'gzip') {
      res.setHeader('Content-Encoding', 'gzip');
      // Level 1: the body is large and sent once per client (ETag + immutable).
      await pipeline(Readable.from([stored]), createZstdDecompressStream(), createGzip({ level: 1 }), res);
      return;
    }
    await pipeline(Readable.from([stored]), createZstdDecompressStream(), res);
  };
}

export function mountGetGraph(router: Router, ctx: AppContext): void {
  router.get('/:digest', allow({ scope: 'reachgraph:read' }), getGraph(ctx));
}
