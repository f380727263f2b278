import { type HttpProblem, principalOf, problems } from '@stella-ops/service-kit';
import type { Request } from 'express';
import type { Actor } from '../store/graph-store.js';

const GRAPH_DIGEST = /^blake3:[a-f0-9]{64}$/;
const ARTIFACT_DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}|blake3:[a-f0-9]{64})$/;

/** The `{digest}` path parameter: `blake3:` + 64 lower-case hex digits, else 400 `DIGEST_INVALID`. */
export function graphDigestParam(req: Request, name = 'digest'): string {
  const raw = req.params[name];
  const value = typeof raw === 'string' ? raw : '';
  if (!GRAPH_DIGEST.test(value)) {
    throw problems.badRequest('DIGEST_INVALID', `${name} must be blake3: and 64 lower-case hex digits`, [
      { pointer: `/${name}`, message: 'not a blake3 digest' },
    ]);
  }
  return value;
}

/** A graph digest given by a client elsewhere (query, header). */
export function parseGraphDigest(value: string, where: string): string {
  if (!GRAPH_DIGEST.test(value)) {
    throw problems.badRequest('DIGEST_INVALID', `${where} must be blake3: and 64 lower-case hex digits`);
  }
  return value;
}

/** An artifact digest (sha256, sha512 or blake3), else 400 `DIGEST_INVALID`. */
export function artifactDigestParam(req: Request): string {
  const raw = req.params['artifactDigest'];
  const value = typeof raw === 'string' ? raw : '';
  if (!ARTIFACT_DIGEST.test(value)) {
    throw problems.badRequest(
      'DIGEST_INVALID',
      'artifactDigest must be sha256:, sha512: or blake3: with hex digits',
    );
  }
  return value;
}

/** 404 `GRAPH_NOT_FOUND`: the same answer for a missing graph and another tenant's graph. */
export function graphNotFound(digest: string): HttpProblem {
  return problems.notFound('GRAPH_NOT_FOUND', `no reachgraph ${digest}`);
}

/** The tenant and the actor of the authenticated caller. */
export function callerOf(req: Request): { tenant: string; actor: Actor } {
  const p = principalOf(req);
  return { tenant: p.tenant, actor: { principal: p.principal, subject: p.subject } };
}

/** 415 `UNSUPPORTED_MEDIA_TYPE` for a body declared as anything but JSON (absent is accepted). */
export function requireJsonBody(req: Request, what: string): void {
  if (req.get('content-type') && !req.is(['application/json', 'application/*+json'])) {
    throw problems.unsupportedMediaType(`${what} is application/json`);
  }
}

/** A query parameter given at most once, else 400 `QUERY_INVALID`. */
export function singleParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    throw problems.badRequest('QUERY_INVALID', `?${name} must be given once`, [
      { pointer: `/${name}`, message: 'repeated or structured' },
    ]);
  }
  return v;
}

/** A query parameter's integer in `min..max`, else 400 with `code`. */
export function integerParam(raw: string, name: string, min: number, max: number, code: string): number {
  const n = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw problems.badRequest(code, `?${name} must be an integer from ${min} to ${max}`, [
      { pointer: `/${name}`, message: `not an integer in ${min}..${max}` },
    ]);
  }
  return n;
}
