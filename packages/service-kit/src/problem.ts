import type { SchemaIssue } from '@stella-ops/core';

/** One entry of a problem's `errors` list: where (JSON pointer and/or NDJSON line) and what. */
export interface ProblemIssue {
  pointer: string;
  message: string;
  keyword?: string;
  line?: number;
}

/** Options for an {@link HttpProblem}. */
export interface HttpProblemInit {
  status: number;
  /** Stable SCREAMING_SNAKE code clients switch on. */
  code: string;
  title: string;
  detail?: string;
  errors?: ProblemIssue[];
  /** Extra response headers (`Retry-After`, `WWW-Authenticate`, ...). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * An error that is answered as RFC 9457 problem details. Throw it from any handler; the problem
 * handler renders it as `application/problem+json`.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: ProblemIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(init: HttpProblemInit) {
    super(init.detail ?? init.title, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'HttpProblem';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
  }
}

/** The `type` URI of a problem code: one stable documentation anchor per code. */
export function problemType(code: string): string {
  return `https://stella-ops.org/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

/** The JSON body of a problem response (conforms to `problem@v1`). */
export function problemBody(p: HttpProblem, instance?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: problemType(p.code),
    title: p.title,
    status: p.status,
    code: p.code,
  };
  if (p.detail !== undefined) body['detail'] = p.detail;
  if (instance !== undefined) body['instance'] = instance;
  if (p.errors && p.errors.length > 0) body['errors'] = p.errors;
  return body;
}

/** Schema issues (from core's `validate`) as problem issues. */
export function issuesFromSchema(issues: readonly SchemaIssue[], prefix = ''): ProblemIssue[] {
  return issues.map((i) => ({ pointer: prefix + i.pointer, keyword: i.keyword, message: i.message }));
}

/** Shorthands for the problems every service answers. */
export const problems = {
  badRequest: (code: string, detail: string, errors?: ProblemIssue[]) =>
    new HttpProblem({ status: 400, code, title: 'Bad request', detail, ...(errors ? { errors } : {}) }),
  unauthorized: (detail: string) =>
    new HttpProblem({
      status: 401,
      code: 'UNAUTHORIZED',
      title: 'Authentication required',
      detail,
      headers: { 'WWW-Authenticate': 'Bearer' },
    }),
  forbidden: (detail: string) =>
    new HttpProblem({ status: 403, code: 'FORBIDDEN', title: 'Forbidden', detail }),
  notFound: (code: string, detail: string) =>
    new HttpProblem({ status: 404, code, title: 'Not found', detail }),
  conflict: (code: string, detail: string) =>
    new HttpProblem({ status: 409, code, title: 'Conflict', detail }),
  tooLarge: (detail: string) =>
    new HttpProblem({ status: 413, code: 'PAYLOAD_TOO_LARGE', title: 'Payload too large', detail }),
  unsupportedMediaType: (detail: string) =>
    new HttpProblem({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported media type', detail }),
  unprocessable: (code: string, detail: string, errors?: ProblemIssue[]) =>
    new HttpProblem({
      status: 422,
      code,
      title: 'Unprocessable content',
      detail,
      ...(errors ? { errors } : {}),
    }),
  unavailable: (code: string, detail: string, retryAfterSeconds = 5, cause?: unknown) =>
    new HttpProblem({
      status: 503,
      code,
      title: 'Service unavailable',
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause,
    }),
};
