import { canonicalizeToBytes, sha256 } from '@stella-ops/core';
import { problems } from '@stella-ops/service-kit';
import type { Request, Response } from 'express';
import { notModified } from '../api/get-graph.js';
import type { AppContext } from '../context.js';
import { evidenceKey } from './evidence-signer.js';
import { type CveSliceQuery, createSliceEvidence } from './slice-evidence.js';
import type { SliceFormat } from './slice-format.js';

/** 409 `SIGNING_KEY_NOT_CONFIGURED`: a signed answer was asked of a service without a signing key. */
function noSigningKey() {
  return problems.conflict(
    'SIGNING_KEY_NOT_CONFIGURED',
    'this service has no signing key (REACHGRAPH_SIGNING_KEY_PEM or _FILE): ?format=openvex-dsse is unavailable, ?format=openvex is not',
  );
}

/** Sends `body` with a strong ETag over its SHA-256, or 304 when the client holds it already. */
function sendTagged(req: Request, res: Response, body: Uint8Array, etagDigest: string): void {
  const etag = `"${etagDigest}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  if (notModified(req, etag)) {
    res.status(304).end();
    return;
  }
  res.type('application/json').send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/**
 * Answers `GET …/slice?cve=…&format=openvex|openvex-dsse`. `openvex`: the OpenVEX document as its
 * canonical JSON (so the body's SHA-256 is the statement's `openvex.json` subject digest; it is also
 * the ETag). `openvex-dsse`: the DSSE envelope of the in-toto statement (reachability-slice
 * predicate), signed with the service's signing key. `X-Slice-Digest` names the slice the answer
 * is derived from.
 */
export async function answerEvidence(
  ctx: AppContext,
  req: Request,
  res: Response,
  call: { tenant: string; digest: string; query: CveSliceQuery; format: Exclude<SliceFormat, 'json'> },
): Promise<void> {
  if (call.format === 'openvex-dsse' && !evidenceKey(ctx.cfg.signing)) throw noSigningKey();
  const evidence = await createSliceEvidence(ctx, call);
  res.setHeader('X-Slice-Digest', evidence.sliceDigest);
  if (call.format === 'openvex') {
    sendTagged(req, res, canonicalizeToBytes(evidence.vex), evidence.vexDigest);
    return;
  }
  const body = new TextEncoder().encode(JSON.stringify(evidence.envelope));
  sendTagged(req, res, body, sha256(body));
}
