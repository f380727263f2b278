import { ApiError, networkProblem, problemFromResponse, problemOf } from './problem.js';

describe('problems shown by the console', () => {
  it('takes title, detail and code from problem+json', () => {
    const body = JSON.stringify({
      type: 't',
      title: 'Bad request',
      status: 400,
      code: 'CVE_INVALID',
      detail: 'no',
    });
    expect(problemFromResponse(400, 'application/problem+json; charset=utf-8', body)).toEqual({
      status: 400,
      title: 'Bad request',
      detail: 'no',
      code: 'CVE_INVALID',
    });
  });

  it('falls back to the status and the start of the body for non-JSON or broken JSON answers', () => {
    expect(problemFromResponse(502, 'text/html', ' <h1>Bad gateway</h1> ')).toEqual({
      status: 502,
      title: 'HTTP 502',
      detail: '<h1>Bad gateway</h1>',
    });
    expect(problemFromResponse(500, 'application/json', '{')).toEqual({
      status: 500,
      title: 'HTTP 500',
      detail: '{',
    });
    expect(problemFromResponse(503, null, '')).toEqual({ status: 503, title: 'HTTP 503' });
    expect(problemFromResponse(404, 'application/json', '{"title":3}')).toEqual({
      status: 404,
      title: 'HTTP 404',
    });
    expect(problemFromResponse(500, 'text/plain', 'x'.repeat(1000)).detail).toHaveLength(300);
  });

  it('reports an unreachable service with the NETWORK_ERROR code', () => {
    expect(networkProblem(new TypeError('Failed to fetch'))).toEqual({
      status: 0,
      title: 'The service could not be reached',
      detail: 'Failed to fetch',
      code: 'NETWORK_ERROR',
    });
    const err = new ApiError({ status: 401, title: 'Authentication required' });
    expect(err.message).toBe('Authentication required');
    expect(err.problem.status).toBe(401);
  });

  it('shows the problem an ApiError carries, and anything else thrown as "Something went wrong"', () => {
    const problem = { status: 409, title: 'Conflict', code: 'SIGNING_KEY_NOT_CONFIGURED' };
    expect(problemOf(new ApiError(problem))).toBe(problem);
    expect(problemOf(new TypeError('boom'))).toEqual({
      status: 0,
      title: 'Something went wrong',
      detail: 'boom',
    });
    expect(problemOf('odd')).toEqual({ status: 0, title: 'Something went wrong', detail: 'odd' });
  });
});
