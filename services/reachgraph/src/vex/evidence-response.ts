import { canonicalizeToBytes, sha256 } from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import type { Request, Response } from 'express';
import { notModified } from '../api/get-graph.js';
import { cachedAnswer, rememberAnswer } from '../cache/slice-answers.js';
import type { SliceKey } from '../cache/slice-cache.js';
import type { AppContext } from '../context.js';
import {
  decodeEvidenceAnswer,
  type EvidenceAnswer,
  encodeEvidenceAnswer,
  evidenceCacheKey,
} from './evidence-cache.js';
import { evidenceKey } from './evidence-signer.js';
import { type CveSliceQuery, createSliceEvidence, DEFAULT_VEX_AUTHOR } from './slice-evidence.js';
import type { SliceFormat } from './slice-format.js';

/** 409 `SIGNING_KEY_NOT_CONFIGURED`: a signed answer was asked of a service without a signing key. */
function noSigningKey() {
  return problems.conflict(
    'SIGNING_KEY_NOT_CONFIGURED',
    'this service has no signing key (REACHGRAPH_SIGNING_KEY_PEM or _FILE): ?format=openvex-dsse is unavailable, ?format=openvex is not',
  );
}

/** Sends an answer with a strong ETag over its digest, or 304 when the client holds it already. */
function sendTagged(req: Request, res: Response, answer: EvidenceAnswer): void {
  const etag = `"${answer.etagDigest}"`;
  res.setHeader('X-Slice-Digest', answer.sliceDigest);
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  if (notModified(req, etag)) {
    res.status(304).end();
    return;
  }
  res.type('application/json').send(answer.body);
}

/** Computes the answer: the OpenVEX document or the envelope of the signed statement. */
async function computeAnswer(
  ctx: AppContext,
  call: { tenant: string; digest: string; query: CveSliceQuery; format: Exclude<SliceFormat, 'json'> },
): Promise<EvidenceAnswer> {
  const evidence = await createSliceEvidence(ctx, call);
  const { sliceDigest } = evidence;
  if (call.format === 'openvex') {
    const bytes = canonicalizeToBytes(evidence.vex);
    return {
      body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      etagDigest: evidence.vexDigest,
      sliceDigest,
    };
  }
  const body = Buffer.from(JSON.stringify(evidence.envelope), 'utf8');
  return { body, etagDigest: sha256(body), sliceDigest };
}

/**
 * Answers `GET …/slice?cve=…&format=openvex|openvex-dsse`. `openvex`: the OpenVEX document as its
 * canonical JSON (so the body's SHA-256 is the statement's `openvex.json` subject digest; it is also
 * the ETag). `openvex-dsse`: the DSSE envelope of the in-toto statement (reachability-slice
 * predicate), signed with the service's signing key. `X-Slice-Digest` names the slice the answer
 * is derived from. Answers are kept in the slice caches like JSON slices (keyed by everything they
 * depend on, see {@link evidenceCacheKey}), so a signed answer is signed once and then the same
 * bytes; `useCache: false` (the request's `Cache-Control: no-cache`) computes it and keeps nothing.
 * @returns where the answer came from (`computed`, or the cache level).
 */
export async function answerEvidence(
  ctx: AppContext,
  req: Request,
  res: Response,
  call: {
    tenant: string;
    digest: string;
    query: CveSliceQuery;
    format: Exclude<SliceFormat, 'json'>;
    useCache: boolean;
  },
): Promise<string> {
  const signer = evidenceKey(ctx.cfg.signing);
  if (call.format === 'openvex-dsse' && !signer) throw noSigningKey();
  const key: SliceKey = {
    tenant: call.tenant,
    digest: call.digest,
    queryKey: evidenceCacheKey({
      format: call.format,
      query: call.query,
      author: ctx.cfg.vexAuthor ?? DEFAULT_VEX_AUTHOR,
      limits: { maxNodes: ctx.cfg.limits.sliceMaxNodes, maxPaths: ctx.cfg.limits.sliceMaxPaths },
      ...(signer ? { signerPublicKeyPem: signer.publicKeyPem } : {}),
    }),
  };
  if (call.useCache) {
    const hit = await cachedAnswer(ctx, key);
    const answer = hit && decodeEvidenceAnswer(hit.bytes);
    if (hit && answer) {
      res.setHeader('X-Slice-Source', hit.source);
      sendTagged(req, res, answer);
      await hit.afterSend();
      return hit.source;
    }
  }
  const answer = await computeAnswer(ctx, call);
  res.setHeader('X-Slice-Source', 'computed');
  sendTagged(req, res, answer);
  if (call.useCache)
    await rememberAnswer(ctx, key, { format: call.format, ...call.query }, encodeEvidenceAnswer(answer));
  return 'computed';
}
