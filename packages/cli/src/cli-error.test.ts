import { clientError, StellaApiError } from '@stella-ops/client';
import { CoreError } from '@stella-ops/core';
import { GraphError } from '@stella-ops/graph';
import { CliError, toFailure } from './cli-error.js';
import { EXIT } from './exit-codes.js';

const api = (status: number, code: string) =>
  new StellaApiError({ type: 'about:blank', title: 't', status, code, detail: 'd' });

describe('toFailure', () => {
  it('maps 404 and 410 to exit 4, verification codes to 3, other service errors to 1', () => {
    expect(toFailure(api(404, 'GRAPH_NOT_FOUND')).exitCode).toBe(EXIT.NOT_FOUND);
    expect(toFailure(api(410, 'CALLGRAPH_EXPIRED')).exitCode).toBe(EXIT.NOT_FOUND);
    expect(toFailure(api(422, 'DIGEST_MISMATCH')).exitCode).toBe(EXIT.VERIFICATION_FAILED);
    expect(toFailure(api(502, 'SIGNATURE_INVALID')).exitCode).toBe(EXIT.VERIFICATION_FAILED);
    expect(toFailure(clientError('DIGEST_MISMATCH', 'x')).exitCode).toBe(EXIT.VERIFICATION_FAILED);
    expect(toFailure(api(401, 'UNAUTHORIZED'))).toMatchObject({
      exitCode: EXIT.ERROR,
      code: 'UNAUTHORIZED',
      status: 401,
    });
    expect(toFailure(clientError('TIMEOUT', 'x')).exitCode).toBe(EXIT.ERROR);
    expect(toFailure(clientError('HEADER_CONFLICT', 'x')).exitCode).toBe(EXIT.USAGE);
  });

  it('maps core verification failures to 3 and graph query errors to 2', () => {
    expect(toFailure(new CoreError({ code: 'DSSE_VERIFICATION_FAILED', message: 'x' })).exitCode).toBe(3);
    expect(toFailure(new CoreError({ code: 'KEY_INVALID', message: 'x' })).exitCode).toBe(1);
    expect(toFailure(new GraphError({ code: 'QUERY_INVALID', message: 'x' })).exitCode).toBe(2);
    expect(toFailure(new CliError('X', 'y', EXIT.USAGE))).toMatchObject({ code: 'X', exitCode: 2 });
    expect(toFailure(new Error('boom'))).toMatchObject({ code: 'INTERNAL', exitCode: 1 });
  });
});
