import { isCoreError } from '@stella-ops/core';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpProblem, issuesFromSchema, problemBody, problems } from './problem.js';

/** Maps an error another layer threw to a problem, or undefined when it is unexpected (a 500). */
export type ErrorMapper = (err: unknown) => HttpProblem | undefined;

const PG_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
  // SQLSTATE: connection exceptions (08…), too many connections, and the server shutting down
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  '57P01',
  '57P02',
  '57P03',
]);

/**
 * node-pg's own errors for a lost or unobtainable connection carry no code, only a message: the
 * server closed the socket mid-query, the client already lost it, the pool timed out waiting, or
 * the server never answered (a hung server or network).
 */
const PG_CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Query read timeout)/;

/** Errors of the shared libraries and of the database/cache drivers. */
export const defaultErrorMapper: ErrorMapper = (err) => {
  if (err instanceof HttpProblem) return err;
  if (isCoreError(err)) {
    switch (err.code) {
      case 'SCHEMA_INVALID':
        return problems.unprocessable('SCHEMA_INVALID', err.message, issuesFromSchema(err.issues ?? []));
      case 'PURL_INVALID':
      case 'ULID_INVALID':
      case 'DIGEST_INVALID':
        return problems.badRequest(err.code, err.message);
      case 'CANONICAL_JSON_INVALID':
      case 'DSSE_ENVELOPE_INVALID':
      case 'SIGSTORE_BUNDLE_INVALID':
        return problems.unprocessable(err.code, err.message);
      case 'DSSE_VERIFICATION_FAILED':
      case 'SIGSTORE_VERIFICATION_FAILED':
        return problems.unprocessable(err.code, err.message);
      default:
        return undefined;
    }
  }
  const e = err as { code?: unknown; type?: unknown; status?: unknown; name?: unknown } | null;
  if (e && typeof e === 'object') {
    // body-parser errors (express.json) carry a status and a type.
    if (e.type === 'entity.too.large') return problems.tooLarge('request body exceeds the limit');
    if (e.type === 'entity.parse.failed')
      return problems.badRequest('JSON_INVALID', 'request body is not valid JSON');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return problems.unsupportedMediaType('unsupported content encoding or charset');
    }
    // The router could not percent-decode a path parameter (`/x/%E0%A4%A`): the client's URL is bad.
    if (err instanceof URIError && e.status === 400) {
      return problems.badRequest('PATH_INVALID', 'the request path is not valid percent-encoded UTF-8');
    }
    if (
      (typeof e.code === 'string' && PG_UNAVAILABLE.has(e.code)) ||
      (e.code === undefined && err instanceof Error && PG_CONNECTION_LOST.test(err.message))
    ) {
      return problems.unavailable('DEPENDENCY_UNAVAILABLE', 'a backing service is unavailable', 5, err);
    }
    if (e.code === 'BLOB_STORE_UNAVAILABLE') {
      return problems.unavailable('BLOB_STORE_UNAVAILABLE', 'the blob store is unavailable', 5, err);
    }
    if (e.code === 'BLOB_DIGEST_MISMATCH') {
      // The store answered with bytes that do not match their recorded digest: never served.
      return new HttpProblem({
        status: 502,
        code: 'BLOB_INTEGRITY_FAILED',
        title: 'Stored content failed verification',
        detail: 'the stored content does not match its digest',
        cause: err,
      });
    }
  }
  return undefined;
};

/**
 * The request path as a problem's `instance`: a valid URI reference even when the client sent
 * broken percent-encoding or raw bytes (a stray `%` becomes `%25`, other characters a URI may not
 * hold are percent-encoded).
 */
export function instanceOf(originalUrl: string): string {
  const path = originalUrl.split('?')[0] ?? '';
  return path.replace(/%(?![0-9A-Fa-f]{2})/g, '%25').replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu, (c) => {
    const code = c.charCodeAt(0);
    // Node gives raw request bytes as latin1 characters; anything wider is encoded as UTF-8.
    const bytes = code <= 0xff ? [code] : [...Buffer.from(c, 'utf8')];
    return bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  });
}

/**
 * The one Express error handler: renders {@link HttpProblem}s (and whatever `mappers` recognise) as
 * `application/problem+json`; anything else is logged and answered as a bare 500 that leaks no
 * internals (no message, no stack).
 */
export function problemHandler(logger: Logger, mappers: ErrorMapper[] = []): ErrorRequestHandler {
  const all = [...mappers, defaultErrorMapper];
  return (err, req, res, _next) => {
    let problem: HttpProblem | undefined;
    for (const map of all) {
      problem = map(err);
      if (problem) break;
    }
    if (!problem) {
      logger.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
      problem = new HttpProblem({ status: 500, code: 'INTERNAL', title: 'Internal server error' });
    } else if (problem.status >= 500) {
      logger.warn({ err, code: problem.code, url: req.originalUrl }, 'request failed');
    }
    if (res.headersSent) {
      // A streamed response already started: the only honest signal left is to cut it.
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    for (const [k, v] of Object.entries(problem.headers)) res.setHeader(k, v);
    // A body rejected before it was read to the end (413, a corrupt encoding) leaves the rest of it
    // on the connection: close it, or a keep-alive client's next request is read as that body.
    if (!req.complete) res.setHeader('Connection', 'close');
    res
      .status(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify(problemBody(problem, instanceOf(req.originalUrl))));
  };
}

/** 404 for every route nobody answered. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(problems.notFound('ROUTE_NOT_FOUND', `no route for ${req.method} ${req.path}`));
};
