/** What the console shows of a failed request: the RFC 9457 fields the services send. */
export interface ShownProblem {
  status: number;
  title: string;
  detail?: string;
  code?: string;
}

/** An API call that did not succeed, carrying the problem to show. */
export class ApiError extends Error {
  constructor(readonly problem: ShownProblem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The problem an error response describes: the problem+json fields when the body is JSON, else the
 * status with the start of the body as detail.
 */
export function problemFromResponse(status: number, contentType: string | null, body: string): ShownProblem {
  if (contentType && /json/i.test(contentType)) {
    try {
      const doc = JSON.parse(body) as Record<string, unknown>;
      const problem: ShownProblem = { status, title: str(doc['title']) ?? `HTTP ${status}` };
      const detail = str(doc['detail']);
      if (detail) problem.detail = detail;
      const code = str(doc['code']);
      if (code) problem.code = code;
      return problem;
    } catch {
      // not JSON after all: fall through
    }
  }
  const problem: ShownProblem = { status, title: `HTTP ${status}` };
  const text = body.trim().slice(0, 300);
  if (text) problem.detail = text;
  return problem;
}

/** The problem of a request that got no answer at all. */
export function networkProblem(err: unknown): ShownProblem {
  return {
    status: 0,
    title: 'The service could not be reached',
    detail: err instanceof Error ? err.message : String(err),
    code: 'NETWORK_ERROR',
  };
}

/** The problem to show for anything a request threw: its problem when it is an {@link ApiError}. */
export function problemOf(err: unknown): ShownProblem {
  if (err instanceof ApiError) return err.problem;
  return {
    status: 0,
    title: 'Something went wrong',
    detail: err instanceof Error ? err.message : String(err),
  };
}
